"""Still frames with words on them: the title card, "The End" and the thumbnail.

Text is set in Fredoka One, a rounded display face the project installs as a
package (font_fredoka_one), so nothing depends on fonts installed on the machine.
"""

from __future__ import annotations

from pathlib import Path

import font_fredoka_one
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from media.illustrate import FRAME_SIZE
from shared.domain.models import Language

FONT = font_fredoka_one.font_files["FredokaOne"]

INK = (255, 255, 255)
OUTLINE = (40, 35, 90)  # a deep storybook blue around white letters reads on any picture
BANNER = (255, 250, 240, 170)
CAPTION_BAND = (20, 16, 48, 130)  # a soft dusk band: white words stay readable over the brightest sky
SHADOW = (0, 0, 0, 110)
MAX_LINES = 3
CAPTION_LINES = 2
CAPTION_AREA = (0.66, 0.97)  # the bottom third, as shares of the frame's height
MIN_FONT_SIZE = 24  # below this a long title overflows rather than becoming unreadable


def load_frame(path: Path) -> Image.Image:
    """An image as an RGB frame of exactly FRAME_SIZE (cropped to fill if its shape differs)."""
    with Image.open(path) as image:
        return ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), FRAME_SIZE, Image.Resampling.LANCZOS)


def title_card(title: str, drawing: Path) -> Image.Image:
    """The child's whole drawing on a soft backdrop of itself, the title across the top."""
    with Image.open(drawing) as opened:
        page = _on_white(ImageOps.exif_transpose(opened))
    card = ImageOps.fit(page, FRAME_SIZE).filter(ImageFilter.GaussianBlur(18))
    card = ImageEnhance.Brightness(card).enhance(0.75)
    width, height = FRAME_SIZE
    page.thumbnail((int(width * 0.62), int(height * 0.6)), Image.Resampling.LANCZOS)
    card.paste(page, ((width - page.width) // 2, int(height * 0.36)))
    return _caption(card, title, top=int(height * 0.04), bottom=int(height * 0.33), max_size=92)


# The last card's words in the storybook's language.
THE_END = {
    Language.ENGLISH: "The End",
    Language.SPANISH: "Fin",
    Language.FRENCH: "Fin",
    Language.GERMAN: "Ende",
    Language.PORTUGUESE: "Fim",
}


def end_card(last_scene: Image.Image, language: Language = Language.ENGLISH) -> Image.Image:
    backdrop = ImageEnhance.Brightness(last_scene.filter(ImageFilter.GaussianBlur(10))).enhance(0.8)
    return _caption(backdrop, THE_END[language], top=0, bottom=FRAME_SIZE[1], max_size=150, banner=False)


def thumbnail(first_scene: Image.Image, title: str) -> Image.Image:
    height = FRAME_SIZE[1]  # the title goes in the sky: the figures stand at the bottom
    return _caption(first_scene.copy(), title, top=int(height * 0.03), bottom=int(height * 0.3), max_size=72)


def caption_layer(text: str) -> tuple[tuple[int, int], Image.Image]:
    """A spoken sentence for the bottom third: where its box sits in the frame (left, top) and the RGBA box."""
    width, height = FRAME_SIZE
    top, bottom = (round(height * share) for share in CAPTION_AREA)
    layer = _text_layer(
        (width, height), text, top=top, bottom=bottom, max_size=58, banner=CAPTION_BAND, max_lines=CAPTION_LINES, min_size=36
    )
    box = layer.getbbox() or (0, top, width, bottom)
    return (box[0], box[1]), layer.crop(box)


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")


def _caption(image: Image.Image, text: str, *, top: int, bottom: int, max_size: int, banner: bool = True) -> Image.Image:
    """`text` centred in the band between `top` and `bottom`, as large as fits in MAX_LINES lines."""
    layer = _text_layer(image.size, text, top=top, bottom=bottom, max_size=max_size, banner=BANNER if banner else None)
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def _text_layer(
    size: tuple[int, int],
    text: str,
    *,
    top: int,
    bottom: int,
    max_size: int,
    banner: tuple[int, int, int, int] | None,
    max_lines: int = MAX_LINES,
    min_size: int = MIN_FONT_SIZE,
) -> Image.Image:
    """A transparent layer of `size` with `text` outlined, shadowed and (optionally) on a rounded banner."""
    width = size[0]
    font, lines = _fit_text(
        text, max_width=int(width * 0.84), max_height=bottom - top, max_size=max_size, max_lines=max_lines, min_size=min_size
    )
    block = "\n".join(lines)
    centre = (width / 2, (top + bottom) / 2)
    layout = {"font": font, "anchor": "mm", "align": "center", "spacing": font.size // 5, "stroke_width": max(2, font.size // 14)}
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    if banner:
        left, upper, right, lower = ImageDraw.Draw(overlay).multiline_textbbox(centre, block, **layout)
        pad = font.size // 3
        ImageDraw.Draw(overlay).rounded_rectangle((left - pad, upper - pad, right + pad, lower + pad), radius=pad, fill=banner)
    offset = max(2, int(font.size) // 18)  # the font was made at a whole-pixel size (see _fit_text)
    shadow = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).multiline_text((centre[0] + offset, centre[1] + offset), block, fill=SHADOW, stroke_fill=SHADOW, **layout)
    overlay = Image.alpha_composite(overlay, _blurred(shadow, offset))
    ImageDraw.Draw(overlay).multiline_text(centre, block, fill=INK, stroke_fill=OUTLINE, **layout)
    return overlay


def _blurred(layer: Image.Image, radius: int) -> Image.Image:
    """The layer blurred where it has anything: blurring a whole frame for a line of text costs ten times as much."""
    box = layer.getbbox()
    if box is None:
        return layer
    reach = 3 * radius  # a Gaussian's tail is negligible beyond three radii
    left, top, right, bottom = (
        max(box[0] - reach, 0),
        max(box[1] - reach, 0),
        min(box[2] + reach, layer.width),
        min(box[3] + reach, layer.height),
    )
    blurred = layer.copy()
    blurred.paste(layer.crop((left, top, right, bottom)).filter(ImageFilter.GaussianBlur(radius)), (left, top))
    return blurred


def _fit_text(
    text: str, *, max_width: int, max_height: int, max_size: int, max_lines: int, min_size: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (down to a legible floor) at which `text` wraps into the box."""
    size = max_size
    while True:
        font = ImageFont.truetype(FONT, size)
        lines = _wrap(text, font, max_width)
        fits_across = all(font.getlength(line) <= max_width for line in lines)
        fits_down = len(lines) <= max_lines and len(lines) * size * 1.25 <= max_height
        if (fits_across and fits_down) or size <= min_size:
            return font, lines
        size = int(size * 0.9)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
