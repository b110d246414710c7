"""Telling the child's ink from the paper it is on.

A photo of a drawing has shadows, a colour cast and paper grain, so every
pixel is compared with the paper around it rather than with pure white.
"""

from dataclasses import dataclass
from typing import cast

import numpy as np
from PIL import Image
from scipy import ndimage

# The paper is estimated on a picture this many times smaller: it only varies slowly.
_PAPER_SCALE = 4
# Window (in small pixels) wider than any stroke or filled-in blob, so closing wipes them off the paper.
_PAPER_WINDOW = 15
# Window wider than a pen or crayon line.
_STROKE_WINDOW = 5
# Paper in shadow keeps at least this share of the light of the open page; anything
# darker or noticeably coloured over a whole window is a coloured-in area, not paper.
_MIN_PAPER_LIGHT = 0.6
_MAX_PAPER_TINT = 0.15
# A ring of table wider than this share of the picture would leave no page to read.
_MAX_SURROUNDINGS_SHARE = 0.6
_PAGE_EDGE_MARGIN = 2

# Paper darker than this (navy, black, dark green sugar paper) carries pale crayon.
_DARK_PAPER_LIGHT = 0.4
# Ruled lines are at most this many working pixels thick, run straight for this share of the page's long side at
# a time and cross most of the page (a figure on the line does not cut it: runs go on through the figure's ink).
_RULE_MAX_WIDTH = 4
_RULE_RUN_SHARE = 0.06
_RULE_SPAN_SHARE = 0.6
_RULE_RUN_FILL = 0.75
_FAINT_DARKNESS, _FAINT_CHROMA = 0.07, 0.06

# Hysteresis: a stroke must be clearly ink somewhere, and then its fainter edges
# and crayon grain join it, while faint paper texture on its own does not.
_STRONG_DARKNESS, _STRONG_CHROMA = 0.30, 0.25
_WEAK_DARKNESS, _WEAK_CHROMA = 0.14, 0.12
# Specks smaller than this share of the page are dust, grain or JPEG noise.
_MIN_SPECK_SHARE = 0.00005
# A stroke's edges blend with the paper into a paler colour the child never used,
# so only pixels nearly as inky as the inkiest around them show the crayon's own colour.
_CORE_WINDOW = 5
_CORE_SHARE_OF_LOCAL_MAX = 0.8


@dataclass(frozen=True)
class Ink:
    mask: np.ndarray  # bool H x W: the child's marks
    core: np.ndarray  # bool H x W: the ink pixels that show the crayon's own colour
    colours: np.ndarray  # float32 H x W x 3: the picture white-balanced to its paper
    dark_paper: bool  # drawn in pale crayon on a dark page (a night sky, often)


def find_ink(rgb: np.ndarray) -> Ink:
    # On dark paper the crayon is lighter than the page: seen as a negative, it is dark ink on pale paper again.
    dark_paper = _is_dark_paper(rgb)
    seen = 1.0 - rgb if dark_paper else rgb
    paper = estimate_paper(seen)
    balanced = np.clip(seen / np.maximum(paper.colour, 1e-3), 0.0, 1.0)
    darkness = 1.0 - _luminance(balanced)
    chroma = balanced.max(axis=2) - balanced.min(axis=2)
    strong = (darkness > _STRONG_DARKNESS) | (chroma > _STRONG_CHROMA)
    weak = ((darkness > _WEAK_DARKNESS) | (chroma > _WEAK_CHROMA)) & ~paper.off_page
    # Ruled lines are looked for in everything a little off the paper: a faint line is whole there, while only
    # its pieces touching a stroke would be ink.
    faint = (darkness > _FAINT_DARKNESS) | (chroma > _FAINT_CHROMA)
    mask = _drop_specks(_grow_into(weak, strong) & ~_ruled_lines(faint), _MIN_SPECK_SHARE * rgb.shape[0] * rgb.shape[1])
    inkiness = np.maximum(darkness, chroma)
    near_peak = inkiness >= _CORE_SHARE_OF_LOCAL_MAX * ndimage.maximum_filter(inkiness, size=_CORE_WINDOW)
    # Colours are named as they look on the page, so the negative is turned back.
    colours = 1.0 - balanced if dark_paper else balanced
    return Ink(mask=mask, core=strong & mask & near_peak, colours=colours, dark_paper=dark_paper)


def _is_dark_paper(rgb: np.ndarray) -> bool:
    """Most of a page is bare paper, so the middle of its lightness is the paper's."""
    return bool(np.median(_luminance(rgb[::_PAPER_SCALE, ::_PAPER_SCALE])) < _DARK_PAPER_LIGHT)


def _ruled_lines(marks: np.ndarray) -> np.ndarray:
    """The printed lines of lined or squared paper (and a margin): thin, straight and running across the page.

    Only the thin pixels of such a run go: a child's crayon is thicker than a ruled line, and where a stroke
    crosses a ruled line it is thick across it and keeps its pixels.
    """
    return _ruled_rows(marks) | _ruled_rows(marks.T).T


def _ruled_rows(marks: np.ndarray) -> np.ndarray:
    thin = marks & ~np.asarray(ndimage.binary_opening(marks, structure=np.ones((_RULE_MAX_WIDTH + 1, 1), dtype=bool)), dtype=bool)
    # Runs are followed through all the marks, so the lines crossing a grid line do not cut it into short pieces;
    # a photo's lines slope a little, and thickening them by a pixel keeps a sloping line one long run.
    thickened = np.asarray(ndimage.binary_dilation(marks, structure=np.ones((3, 1), dtype=bool)), dtype=bool)
    run = max(2, round(_RULE_RUN_SHARE * max(marks.shape)))
    # A faint line is broken by paper grain here and there, so most of a run is enough.
    along = ndimage.uniform_filter1d(thickened.astype(np.float32), size=run, axis=1) > _RULE_RUN_FILL
    runs = np.asarray(ndimage.maximum_filter1d(along, size=run, axis=1), dtype=bool) & thickened
    labels, count = label_regions(runs, structure=np.ones((3, 3), dtype=bool))
    if not count:
        return np.zeros_like(marks)
    boxes = ndimage.find_objects(labels)
    across = np.zeros(count + 1, dtype=bool)
    across[1:] = [columns.stop - columns.start >= _RULE_SPAN_SHARE * marks.shape[1] for _, columns in boxes]
    return across[labels] & thin


@dataclass(frozen=True)
class Paper:
    colour: np.ndarray  # float32 H x W x 3: the colour the bare paper would have at each pixel
    off_page: np.ndarray  # bool H x W: the table or floor photographed around the page


def estimate_paper(rgb: np.ndarray) -> Paper:
    height, width = rgb.shape[:2]
    small = _shrink(rgb, _PAPER_SCALE)
    closed = _close(small, _PAPER_WINDOW)
    light = _luminance(closed)
    open_page = np.median(closed[light >= np.median(light)], axis=0)
    not_paper = _not_paper(closed, open_page)
    colour = _fill_from_nearest_paper(closed, not_paper, open_page)
    colour = np.stack([ndimage.gaussian_filter(colour[..., c], sigma=3, mode="nearest") for c in range(3)], axis=2)
    # A strip of table can be narrower than the paper window, so the ring is looked
    # for with a window that only wipes off the strokes.
    off_page = _surroundings(_not_paper(_close(small, _STROKE_WINDOW), open_page))
    return Paper(colour=_enlarge(colour, (width, height)), off_page=_enlarge_mask(off_page, (width, height)))


def _close(small: np.ndarray, window: int) -> np.ndarray:
    return np.stack([ndimage.grey_closing(small[..., c], size=window, mode="nearest") for c in range(3)], axis=2)


def _not_paper(closed: np.ndarray, open_page: np.ndarray) -> np.ndarray:
    relative = closed / np.maximum(open_page, 1e-3)
    tint = relative.max(axis=2) - relative.min(axis=2)
    return (_luminance(relative) < _MIN_PAPER_LIGHT) | (tint > _MAX_PAPER_TINT)


def _fill_from_nearest_paper(closed: np.ndarray, not_paper: np.ndarray, open_page: np.ndarray) -> np.ndarray:
    """Where a coloured-in area is wider than the window, borrow the nearest real paper."""
    if not_paper.all():
        return np.broadcast_to(open_page, closed.shape).copy()
    if not not_paper.any():
        return closed
    # Only the indices are asked for, so that is all scipy returns (its inferred type allows every combination).
    nearest = cast(np.ndarray, ndimage.distance_transform_edt(not_paper, return_distances=False, return_indices=True))
    return closed[nearest[0], nearest[1]]


def _surroundings(not_paper: np.ndarray) -> np.ndarray:
    """Non-paper that rings the whole picture is the table around a photographed page.

    Only a full ring counts: a band along one, two or three edges may be the
    child's own sky or ground, which must stay.
    """
    labels, _ = label_regions(not_paper, structure=np.ones((3, 3), dtype=bool))
    edges = [labels[0], labels[-1], labels[:, 0], labels[:, -1]]
    ring_labels = set.intersection(*(set(np.unique(edge)) for edge in edges)) - {0}
    ring = np.isin(labels, list(ring_labels))
    if not ring.any() or ring.mean() > _MAX_SURROUNDINGS_SHARE:
        return np.zeros_like(not_paper)
    # The page's own edge blends with the table and casts a thin shadow.
    return ndimage.binary_dilation(ring, iterations=_PAGE_EDGE_MARGIN)


def _grow_into(weak: np.ndarray, strong: np.ndarray) -> np.ndarray:
    labels, count = label_regions(weak, structure=np.ones((3, 3), dtype=bool))
    keep = np.zeros(count + 1, dtype=bool)
    keep[np.unique(labels[strong & weak])] = True
    keep[0] = False
    return keep[labels]


def _drop_specks(mask: np.ndarray, min_pixels: float) -> np.ndarray:
    labels, count = label_regions(mask, structure=np.ones((3, 3), dtype=bool))
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    keep = sizes >= min_pixels
    keep[0] = False
    return keep[labels]


def label_regions(mask: np.ndarray, structure: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """scipy's label, typed: without an output array it always returns the labels and their count.

    scipy has no type hints, and the type inferred from its source also allows a bare count.
    """
    return cast(tuple[np.ndarray, int], ndimage.label(mask, structure=structure))


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=rgb.dtype)


def _shrink(rgb: np.ndarray, factor: int) -> np.ndarray:
    height, width = rgb.shape[:2]
    size = (max(1, width // factor), max(1, height // factor))
    return np.stack([_resize_plane(rgb[..., c], size, Image.Resampling.BOX) for c in range(3)], axis=2)


def _enlarge(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.stack([_resize_plane(rgb[..., c], size, Image.Resampling.BILINEAR) for c in range(3)], axis=2)


def _enlarge_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(mask).resize(size, Image.Resampling.NEAREST))


def _resize_plane(plane: np.ndarray, size: tuple[int, int], resample: Image.Resampling) -> np.ndarray:
    return np.asarray(Image.fromarray(plane.astype(np.float32)).resize(size, resample))
