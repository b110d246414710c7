"""Decoding the uploaded file into an upright RGB picture on white paper."""

from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import ExifTags, Image, ImageOps

from shared.domain.errors import StageFailure

# Big enough to keep pencil lines, small enough to stay well under a second.
WORKING_LONG_SIDE = 800
# Below this a file may be an icon or a tracking pixel, never a photographed drawing.
MIN_SIDE = 32

UNREADABLE = "unreadable_drawing"
UNREADABLE_MESSAGE = "We couldn't read this picture. Please take a new photo of the drawing and try again."
TOO_SMALL_MESSAGE = "This picture is too small to see the drawing. Please take a new, closer photo and try again."

# Greyscale modes deeper than 8 bits.
_WIDE_GREY_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}
# EXIF orientations that turn the picture a quarter, so width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}


@dataclass(frozen=True)
class Picture:
    rgb: np.ndarray  # float32, H x W x 3 in 0..1, at the working size
    upright_size: tuple[int, int]  # width, height of the upright original


def read_picture(drawing: bytes) -> Picture:
    image, upright_size = _decode(drawing)
    if min(upright_size) < MIN_SIDE:
        raise StageFailure(code=UNREADABLE, message=TOO_SMALL_MESSAGE)
    on_paper = _flatten_onto_white(image)
    working = _resize_long_side(on_paper, WORKING_LONG_SIDE)
    rgb = np.asarray(working, dtype=np.float32) / 255.0
    return Picture(rgb=rgb, upright_size=upright_size)


def _decode(drawing: bytes) -> tuple[Image.Image, tuple[int, int]]:
    try:
        image = Image.open(BytesIO(drawing))
        upright_size = _upright_size(image)
        # A JPEG can be decoded straight at a fraction of its size, which is
        # most of the time a phone photo would otherwise cost.
        image.draft("RGB", _scaled(image.size, WORKING_LONG_SIDE))
        image.load()
        image = ImageOps.exif_transpose(image)
    except Exception as error:
        # Pillow's decoders signal a bad file with many exception types; any
        # of them means the same to a parent: this file is not a picture we can read.
        raise StageFailure(code=UNREADABLE, message=UNREADABLE_MESSAGE) from error
    return image, upright_size


def _upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    return (height, width) if orientation in _QUARTER_TURNS else (width, height)


def _flatten_onto_white(image: Image.Image) -> Image.Image:
    """Transparent pixels are paper: a drawing app exports the page as see-through."""
    if image.mode == "RGB":
        return image
    if image.mode in _WIDE_GREY_MODES:
        return _to_eight_bits(image).convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("RGB")


def _to_eight_bits(image: Image.Image) -> Image.Image:
    """16-bit and float greyscale, as scanners write, would all clip to white in a plain convert."""
    values = np.asarray(image, dtype=np.float32)
    peak = values.max()
    full_scale = 65535.0 if peak > 255 else 255.0 if peak > 1 else 1.0
    return Image.fromarray(np.clip(values * (255.0 / full_scale), 0, 255).astype(np.uint8))


def _scaled(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    scale = long_side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _resize_long_side(image: Image.Image, long_side: int) -> Image.Image:
    target = _scaled(image.size, long_side)
    if target == image.size:
        return image
    # Small pictures are enlarged too, so every size in pixels below means the same share of the page.
    if target[0] > image.size[0]:
        return image.resize(target, Image.Resampling.BICUBIC)
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
