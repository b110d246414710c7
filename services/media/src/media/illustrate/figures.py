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
PAPER_ALPHA = 70  # how opaque the paper stays when there is no mask to cut by (below INK_ALPHA)
MIN_MASK_PIXELS = 50  # a mask with less ink than this is noise: treat it as empty
MAX_DRAWING_SIDE = 2048  # big photos are decoded at a reduced scale; the figures never need more


def load_drawing(data: bytes) -> Image.Image:
    """The drawing, upright, as RGB on white."""
    image = Image.open(BytesIO(data))
    image.draft("RGB", (MAX_DRAWING_SIDE, MAX_DRAWING_SIDE))  # JPEG only: decode at 1/2, 1/4, 1/8 scale
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        page = Image.new("RGBA", image.size, WHITE + (255,))
        return Image.alpha_composite(page, image.convert("RGBA")).convert("RGB")
    return image.convert("RGB")


Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels
# The main figure leads only where it is one among others: a box holding nearly all the ink is the whole group.
LEAD_SHARE = 0.85


@dataclass(frozen=True)
class CutOut:
    figures: Image.Image  # RGBA: every figure, cropped to their ink and scaled, as the child arranged them
    lead: Box | None  # the main figure's box inside `figures`, when it stands among other figures


def cut_out(
    drawing: Image.Image, figure_mask: bytes, max_size: tuple[int, int], main: tuple[float, float, float, float] | None = None
) -> CutOut:
    """The figures as RGBA, cropped to their ink and scaled to fit `max_size`; `main` is the main figure's box
    (left, top, width, height as shares of the drawing), found again inside the cut-out when it is not the whole of it.

    Without a usable mask the whole drawing is used and its paper made see-through.
    """
    mask = Image.open(BytesIO(figure_mask)).convert("L")
    ink = mask.point(_is_ink)
    if ink.histogram()[255] < MIN_MASK_PIXELS:
        fitted = drawing.resize(_fitted(drawing.size, max_size), Image.Resampling.LANCZOS, reducing_gap=3.0)
        return CutOut(_with_see_through_paper(fitted), None)
    box = ink.getbbox()
    assert box is not None  # the mask has at least MIN_MASK_PIXELS ink pixels, so it has a box
    # The drawing may have been decoded at a reduced scale: map the mask's box onto it.
    scale_x, scale_y = drawing.width / mask.width, drawing.height / mask.height
    drawing_box = (box[0] * scale_x, box[1] * scale_y, box[2] * scale_x, box[3] * scale_y)
    size = _fitted((drawing_box[2] - drawing_box[0], drawing_box[3] - drawing_box[1]), max_size)
    # Resizing straight from a box skips the copies a crop would make of a 12-megapixel photo.
    figures = drawing.resize(size, Image.Resampling.LANCZOS, box=drawing_box, reducing_gap=3.0)
    figures.putalpha(mask.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0))
    return CutOut(figures, _lead_in(main, mask.size, box, size) if main else None)


def _lead_in(main: tuple[float, float, float, float], mask_size: tuple[int, int], ink_box: Box, size: tuple[int, int]) -> Box | None:
    """The main figure's box in the cut-out's pixels, None when it holds nearly all of the cut-out anyway."""
    x, y, width, height = main
    scale_x, scale_y = size[0] / (ink_box[2] - ink_box[0]), size[1] / (ink_box[3] - ink_box[1])
    left = max(0, round((x * mask_size[0] - ink_box[0]) * scale_x))
    top = max(0, round((y * mask_size[1] - ink_box[1]) * scale_y))
    right = min(size[0], round(((x + width) * mask_size[0] - ink_box[0]) * scale_x) + 1)
    bottom = min(size[1], round(((y + height) * mask_size[1] - ink_box[1]) * scale_y) + 1)
    if right <= left or bottom <= top or (right - left) * (bottom - top) >= LEAD_SHARE * size[0] * size[1]:
        return None
    return left, top, right, bottom


def split_lead(figures: Image.Image, lead: Box) -> tuple[Image.Image, Image.Image]:
    """The main figure alone (cropped to its box) and the other figures without it (the cut-out's size)."""
    inside, nothing = Image.new("L", figures.size, 0), Image.new("L", figures.size, 0)
    inside.paste(255, lead)
    alpha = figures.getchannel("A")
    main, others = figures.copy(), figures.copy()
    main.putalpha(Image.composite(alpha, nothing, inside))
    others.putalpha(Image.composite(nothing, alpha, inside))
    return main.crop(lead), others


def _is_ink(alpha: int) -> int:
    """A point() table for an "L" mask: ink fully opaque, everything else nothing."""
    return 255 if alpha >= INK_ALPHA else 0


def _fitted(size: tuple[float, float], max_size: tuple[int, int]) -> tuple[int, int]:
    scale = min(max_size[0] / size[0], max_size[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _with_see_through_paper(drawing: Image.Image) -> Image.Image:
    """Ink opaque, paper mostly see-through, the page's edge feathered.

    A pixel is ink when it is darker or more colourful than the paper around it;
    "around it" because photographed paper is rarely evenly lit.
    """
    rgb = np.asarray(drawing, dtype=np.float32)
    luminance = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    paper_luminance = np.asarray(_local_paper(drawing.convert("L")), dtype=np.float32)
    darkness = (paper_luminance - luminance) / np.maximum(paper_luminance * 0.35, 1.0)
    colourfulness = (chroma - np.median(chroma)) / 70
    ink = np.clip(np.maximum(darkness, colourfulness), 0, 1)
    alpha = (PAPER_ALPHA + (255 - PAPER_ALPHA) * ink) * _feathered_edges(*drawing.size)
    figures = drawing.convert("RGBA")
    figures.putalpha(Image.fromarray(alpha.astype(np.uint8)))
    return figures


def _local_paper(luminance: Image.Image) -> Image.Image:
    """The paper's brightness at every pixel: a coarse average, biased to the bright side so ink drops out."""
    coarse = luminance.resize((max(3, luminance.width // 24), max(3, luminance.height // 24)), Image.Resampling.BOX)
    return coarse.filter(ImageFilter.MaxFilter(3)).resize(luminance.size, Image.Resampling.BILINEAR)


def _feathered_edges(width: int, height: int) -> np.ndarray:
    ramp = max(4, min(width, height) // 20)
    x = np.clip(np.minimum(np.arange(width), np.arange(width)[::-1]) / ramp, 0, 1)
    y = np.clip(np.minimum(np.arange(height), np.arange(height)[::-1]) / ramp, 0, 1)
    return np.minimum(y[:, None], x[None, :])


@dataclass(frozen=True)
class Sticker:
    image: Image.Image  # RGBA, the figures plus border and shadow
    inset: int  # where the figures start inside `image`, on both axes


def as_sticker(figures: Image.Image, look: Look) -> Sticker:
    border = max(5, round(figures.height * 0.025))
    inset = border * 4
    padded = Image.new("RGBA", (figures.width + 2 * inset, figures.height + 2 * inset), (0, 0, 0, 0))
    padded.paste(figures, (inset, inset))
    ink = padded.getchannel("A").point(_is_ink)
    backing = _grow(ink, border)

    layer = Image.new("RGBA", padded.size, (0, 0, 0, 0))
    if look.figure_shadow:
        shadow = Image.new("L", padded.size, 0)
        shadow.paste(backing, (border, round(border * 1.6)))
        layer.paste((20, 30, 60, 255), (0, 0), shadow.filter(ImageFilter.GaussianBlur(border * 1.2)).point(_shadow_opacity))
    if look.figure_outline:
        layer.paste(look.figure_outline + (255,), (0, 0), _grow(backing, 2, soft=False))
    layer.paste(look.sticker + (255,), (0, 0), backing)
    return Sticker(Image.alpha_composite(layer, padded), inset)


def _shadow_opacity(level: int) -> int:
    return level * 45 // 100


def _grow(mask: Image.Image, radius: float, soft: bool = True) -> Image.Image:
    """Dilate a binary mask by about `radius` pixels with rounded corners (blur, then threshold)."""
    blurred = mask.filter(ImageFilter.GaussianBlur(max(radius / 2, 1)))
    if soft:
        return blurred.point(_soft_edge)
    return blurred.point(_hard_edge)


def _soft_edge(level: int) -> int:
    return 0 if level < 6 else 255 if level > 22 else (level - 6) * 16


def _hard_edge(level: int) -> int:
    return 255 if level > 8 else 0
