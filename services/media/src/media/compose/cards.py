"""Still frames with words on them: the title card, "The End" and the thumbnail.

Text is set in Fredoka One, a rounded display face the project installs as a
package (font_fredoka_one), so nothing depends on fonts installed on the machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
# Read-along: the word being said is set dark on a marker-yellow pill, the opposite of its white-on-dusk neighbours,
# so it stands out the same on every style's pictures (the band behind it is the same everywhere).
HIGHLIGHT = (255, 214, 10)
HIGHLIGHT_INK = (30, 24, 70)
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
    return _cropped(_caption_block(text).layer(banner=CAPTION_BAND))


def word_highlights(text: str) -> list[tuple[tuple[int, int], Image.Image]]:
    """For each word of a caption (its text split at spaces), the highlight drawn over it while it is being said."""
    block = _caption_block(text)
    return [block.highlight(index) for index in range(len(block.tokens))]


def _caption_block(text: str) -> TextBlock:
    width, height = FRAME_SIZE
    top, bottom = (round(height * share) for share in CAPTION_AREA)
    return TextBlock.fitted((width, height), text, top=top, bottom=bottom, max_size=58, max_lines=CAPTION_LINES, min_size=36)


def _cropped(layer: Image.Image) -> tuple[tuple[int, int], Image.Image]:
    box = layer.getbbox() or (0, 0, *layer.size)
    return (box[0], box[1]), layer.crop(box)


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")


def _caption(image: Image.Image, text: str, *, top: int, bottom: int, max_size: int, banner: bool = True) -> Image.Image:
    """`text` centred in the band between `top` and `bottom`, as large as fits in MAX_LINES lines."""
    layer = TextBlock.fitted(image.size, text, top=top, bottom=bottom, max_size=max_size).layer(banner=BANNER if banner else None)
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


@dataclass(frozen=True)
class TextBlock:
    """Lines of text centred in a band, each line placed by hand so a single word's place on it is known too."""

    size: tuple[int, int]  # of the layer it is drawn on
    font: ImageFont.FreeTypeFont
    lines: tuple[str, ...]
    middles: tuple[float, ...]  # each line's vertical middle
    centre_x: float

    @classmethod
    def fitted(
        cls,
        size: tuple[int, int],
        text: str,
        *,
        top: int,
        bottom: int,
        max_size: int,
        max_lines: int = MAX_LINES,
        min_size: int = MIN_FONT_SIZE,
    ) -> TextBlock:
        font, lines = _fit_text(
            text, max_width=int(size[0] * 0.84), max_height=bottom - top, max_size=max_size, max_lines=max_lines, min_size=min_size
        )
        pitch = font.getbbox("A", stroke_width=_stroke(font))[3] + _stroke(font) + int(font.size) // 5
        first = (top + bottom) / 2 - (len(lines) - 1) * pitch / 2
        return cls(size, font, tuple(lines), tuple(first + index * pitch for index in range(len(lines))), size[0] / 2)

    @property
    def tokens(self) -> list[tuple[int, float, str]]:
        """Every word with its line and where it starts across: the text split at spaces, in reading order."""
        placed: list[tuple[int, float, str]] = []
        for number, line in enumerate(self.lines):
            left = self.centre_x - self.font.getlength(line) / 2
            for word in line.split(" "):
                placed.append((number, left, word))
                left += self.font.getlength(word + " ")
        return placed

    def layer(self, *, banner: tuple[int, int, int, int] | None) -> Image.Image:
        """A transparent layer with the text outlined, shadowed and (optionally) on a rounded banner."""
        overlay = Image.new("RGBA", self.size, (0, 0, 0, 0))
        if banner:
            left, upper, right, lower = self._bounds()
            pad = int(self.font.size) // 3
            ImageDraw.Draw(overlay).rounded_rectangle((left - pad, upper - pad, right + pad, lower + pad), radius=pad, fill=banner)
        offset = max(2, int(self.font.size) // 18)  # the font was made at a whole-pixel size (see _fit_text)
        shadow = Image.new("RGBA", self.size, (0, 0, 0, 0))
        self._draw(ImageDraw.Draw(shadow), (offset, offset), fill=SHADOW, stroke_fill=SHADOW)
        overlay = Image.alpha_composite(overlay, _blurred(shadow, offset))
        self._draw(ImageDraw.Draw(overlay), (0, 0), fill=INK, stroke_fill=OUTLINE)
        return overlay

    def highlight(self, index: int) -> tuple[tuple[int, int], Image.Image]:
        """Word `index` dark on a marker pill, as a small box and where it goes: laid over the drawn layer, it covers
        the white word exactly (the same font, size and place)."""
        line, left, word = self.tokens[index]
        stroke, middle = _stroke(self.font), self.middles[line]
        box = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox((left, middle), word, font=self.font, anchor="lm", stroke_width=stroke)
        pad = int(self.font.size) // 6
        corner = (math.floor(box[0]) - pad, math.floor(box[1]) - pad)
        patch = Image.new("RGBA", (math.ceil(box[2]) + pad - corner[0], math.ceil(box[3]) + pad - corner[1]), (0, 0, 0, 0))
        draw = ImageDraw.Draw(patch)
        draw.rounded_rectangle((0, 0, patch.width - 1, patch.height - 1), radius=pad * 2, fill=(*HIGHLIGHT, 255))
        draw.text(
            (left - corner[0], middle - corner[1]),
            word,
            font=self.font,
            anchor="lm",
            fill=HIGHLIGHT_INK,
            stroke_width=1,
            stroke_fill=HIGHLIGHT_INK,
        )
        return corner, patch

    def _draw(self, draw: ImageDraw.ImageDraw, shift: tuple[int, int], *, fill: tuple[int, ...], stroke_fill: tuple[int, ...]) -> None:
        for line, middle in zip(self.lines, self.middles, strict=True):
            draw.text(
                (self.centre_x + shift[0], middle + shift[1]),
                line,
                font=self.font,
                anchor="mm",
                fill=fill,
                stroke_width=_stroke(self.font),
                stroke_fill=stroke_fill,
            )

    def _bounds(self) -> tuple[float, float, float, float]:
        draw = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
        boxes = [
            draw.textbbox((self.centre_x, middle), line, font=self.font, anchor="mm", stroke_width=_stroke(self.font))
            for line, middle in zip(self.lines, self.middles, strict=True)
        ]
        return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _stroke(font: ImageFont.FreeTypeFont) -> int:
    return max(2, int(font.size) // 14)


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
