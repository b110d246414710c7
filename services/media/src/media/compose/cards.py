"""Still frames with words on them: the title card, "The End" and the thumbnail.

Text is drawn with Pillow's bundled font (Pillow >= 10.1 scales it with
`load_default(size=...)`), so nothing depends on fonts installed on the machine.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from media.illustrate import FRAME_SIZE

INK = (255, 255, 255)
OUTLINE = (40, 35, 90)  # a deep storybook blue around white letters reads on any picture
BANNER = (255, 250, 240, 170)
SHADOW = (0, 0, 0, 110)
MAX_LINES = 3
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


def end_card(last_scene: Image.Image) -> Image.Image:
    backdrop = ImageEnhance.Brightness(last_scene.filter(ImageFilter.GaussianBlur(10))).enhance(0.8)
    return _caption(backdrop, "The End", top=0, bottom=FRAME_SIZE[1], max_size=150, banner=False)


def thumbnail(first_scene: Image.Image, title: str) -> Image.Image:
    height = FRAME_SIZE[1]  # the title goes in the sky: the figures stand at the bottom
    return _caption(first_scene.copy(), title, top=int(height * 0.03), bottom=int(height * 0.3), max_size=72)


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")


def _caption(image: Image.Image, text: str, *, top: int, bottom: int, max_size: int, banner: bool = True) -> Image.Image:
    """`text` centred in the band between `top` and `bottom`, as large as fits in MAX_LINES lines."""
    width = image.width
    font, lines = _fit_text(text, max_width=int(width * 0.84), max_height=bottom - top, max_size=max_size)
    block = "\n".join(lines)
    centre = (width / 2, (top + bottom) / 2)
    layout = {"font": font, "anchor": "mm", "align": "center", "spacing": font.size // 5, "stroke_width": max(2, font.size // 14)}
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    if banner:
        left, upper, right, lower = ImageDraw.Draw(overlay).multiline_textbbox(centre, block, **layout)
        pad = font.size // 3
        ImageDraw.Draw(overlay).rounded_rectangle((left - pad, upper - pad, right + pad, lower + pad), radius=pad, fill=BANNER)
    offset = max(2, font.size // 18)
    shadow = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).multiline_text((centre[0] + offset, centre[1] + offset), block, fill=SHADOW, stroke_fill=SHADOW, **layout)
    overlay = Image.alpha_composite(overlay, shadow.filter(ImageFilter.GaussianBlur(offset)))
    ImageDraw.Draw(overlay).multiline_text(centre, block, fill=INK, stroke_fill=OUTLINE, **layout)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _fit_text(text: str, *, max_width: int, max_height: int, max_size: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (down to a legible floor) at which `text` wraps into the box."""
    size = max_size
    while True:
        font = ImageFont.load_default(size=size)
        lines = _wrap(text, font, max_width)
        fits_across = all(font.getlength(line) <= max_width for line in lines)
        fits_down = len(lines) <= MAX_LINES and len(lines) * size * 1.25 <= max_height
        if (fits_across and fits_down) or size <= MIN_FONT_SIZE:
            return font, lines  # type: ignore[return-value]
        size = int(size * 0.9)


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
