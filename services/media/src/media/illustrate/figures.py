"""The child's own figures: cut out of the drawing and dressed as stickers.

Keeping the child's strokes untouched (no repainting) is the point: the
sticker border is what makes them read as "my drawing" on any backdrop.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from media.illustrate.looks import WHITE, Look

INK_ALPHA = 128  # a cut-out pixel at or above this alpha is ink
PAPER_ALPHA = 90  # how opaque the paper stays when there is no mask to cut by (below INK_ALPHA)
MIN_MASK_PIXELS = 50  # a mask with less ink than this is noise: treat it as empty
MAX_DRAWING_SIDE = 2048  # big photos are decoded at a reduced scale; the figures never need more


def load_drawing(data: bytes) -> Image.Image:
    """The drawing, upright, as RGB on white."""
    image = Image.open(BytesIO(data))
    image.draft("RGB", (MAX_DRAWING_SIDE, MAX_DRAWING_SIDE))  # JPEG only: decode at 1/2, 1/4, 1/8 scale
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        page = Image.new("RGBA", image.size, WHITE + (255,))
        return Image.alpha_composite(page, image.convert("RGBA")).convert("RGB")
    return image.convert("RGB")


def cut_out(drawing: Image.Image, figure_mask: bytes, max_size: tuple[int, int]) -> Image.Image:
    """The figures as RGBA, cropped to their ink and scaled to fit `max_size`.

    Without a usable mask the whole drawing is used and its paper made see-through.
    """
    mask = Image.open(BytesIO(figure_mask)).convert("L")
    if mask.size != drawing.size:  # the drawing may have been decoded at a reduced scale
        mask = mask.resize(drawing.size, Image.Resampling.BILINEAR)
    ink = mask.point(lambda v: 255 if v >= INK_ALPHA else 0)
    if ink.histogram()[255] < MIN_MASK_PIXELS:
        return _with_see_through_paper(_fit(drawing, max_size))
    box = ink.getbbox()
    figures = drawing.crop(box).convert("RGBA")
    figures.putalpha(mask.crop(box))
    return _fit(figures, max_size)


def _fit(image: Image.Image, max_size: tuple[int, int]) -> Image.Image:
    scale = min(max_size[0] / image.width, max_size[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _with_see_through_paper(drawing: Image.Image) -> Image.Image:
    """Ink opaque, paper mostly transparent: darkness or colour (relative to the paper) make ink."""
    rgb = np.asarray(drawing, dtype=np.float32)
    luminance = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    paper_luminance, paper_chroma = np.percentile(luminance, 70), np.median(chroma)
    darkness = (paper_luminance - luminance) / max(paper_luminance * 0.35, 1.0)
    colourfulness = (chroma - paper_chroma) / 70
    ink = np.clip(np.maximum(darkness, colourfulness), 0, 1)
    alpha = (PAPER_ALPHA + (255 - PAPER_ALPHA) * ink).astype(np.uint8)
    figures = drawing.convert("RGBA")
    figures.putalpha(Image.fromarray(alpha, "L"))
    return figures


@dataclass(frozen=True)
class Sticker:
    image: Image.Image  # RGBA, the figures plus border and shadow
    inset: int  # where the figures start inside `image`, on both axes


def as_sticker(figures: Image.Image, look: Look) -> Sticker:
    border = max(5, round(figures.height * 0.025))
    inset = border * 4
    padded = Image.new("RGBA", (figures.width + 2 * inset, figures.height + 2 * inset), (0, 0, 0, 0))
    padded.paste(figures, (inset, inset))
    ink = padded.getchannel("A").point(lambda v: 255 if v >= INK_ALPHA else 0)
    backing = _grow(ink, border)

    layer = Image.new("RGBA", padded.size, (0, 0, 0, 0))
    if look.figure_shadow:
        shadow = Image.new("L", padded.size, 0)
        shadow.paste(backing, (border, round(border * 1.6)))
        layer.paste((20, 30, 60, 255), (0, 0), shadow.filter(ImageFilter.GaussianBlur(border * 1.2)).point(lambda v: v * 45 // 100))
    if look.figure_outline:
        layer.paste(look.figure_outline + (255,), (0, 0), _grow(backing, 2, soft=False))
    layer.paste(look.sticker + (255,), (0, 0), backing)
    return Sticker(Image.alpha_composite(layer, padded), inset)


def _grow(mask: Image.Image, radius: float, soft: bool = True) -> Image.Image:
    """Dilate a binary mask by about `radius` pixels with rounded corners (blur, then threshold)."""
    blurred = mask.filter(ImageFilter.GaussianBlur(max(radius / 2, 1)))
    if soft:
        return blurred.point(lambda v: 0 if v < 6 else 255 if v > 22 else (v - 6) * 16)
    return blurred.point(lambda v: 255 if v > 8 else 0)
