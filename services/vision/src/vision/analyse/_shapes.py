"""Finding the figures, the sky and ground bands, a sun and a house in the ink."""

from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import ndimage

from vision.analyse._colour import in_families
from vision.analyse._ink import label_regions

_EIGHT_WAY = np.ones((3, 3), dtype=bool)

# Strokes closer than this share of the long side belong to the same figure; kept
# small so figures holding hands stay apart as often as the ink lets them.
_JOIN_SHARE = 0.005
# A stray mark too small to be a figure (a hair, a button) joins a figure this close.
_ATTACH_SHARE = 0.03
# Smaller groups are stray marks, not figures.
_MIN_FIGURE_INK_SHARE = 0.0005
_MIN_FIGURE_SIDE_SHARE = 0.04
# DrawingAnalysis holds at most this many; a busier page keeps its biggest figures.
MAX_FIGURES = 50

# A band runs across most of the page from its top or bottom edge.
_BAND_WIDTH_SHARE = 0.75
_BAND_EDGE_SHARE = 0.1
_BAND_REACH_SHARE = 0.4
SKY_FAMILIES = {"blue"}
GROUND_FAMILIES = {"green", "brown"}
# The top and bottom fifths, where a sky or the ground is drawn without a full band.
_STRIP_SHARE = 0.2
_STRIP_DOMINANCE = 0.5
_STRIP_MIN_INK = 0.01

# Shapes are judged at half the working size: outlines matter there, not detail.
_SHAPE_STEP = 2

SUN_FAMILIES = {"yellow", "orange"}
_SUN_MIN_AREA_SHARE = 0.003
_SUN_MAX_ASPECT = 1.7
# A disc fills pi/4 of its box, and so does a quarter disc in a corner.
_SUN_MIN_FILL = 0.6
# Rays are thinner than this share of the long side; opening wipes them off the disc.
_RAY_SHARE = 0.012

# Green blocks are bushes and trees far more often than houses.
HOUSE_FAMILIES = {"red", "pink", "orange", "yellow", "blue", "purple", "brown", "black", "grey"}
_HOUSE_MIN_AREA_SHARE = 0.03
# Too little ink of a colour to outline a block that big; skipping it saves time.
_HOUSE_MIN_INK_SHARE = 0.003
# Lines thinner than this share of the long side (a figure standing against the wall,
# a fence, the washing line) are wiped off a block before its walls are measured.
_HOUSE_THIN_SHARE = 0.015
# A block fills at least this much of its box (a horse with its legs apart does not).
_HOUSE_MIN_FILL = 0.48
# Walls: rows of the lower half are solid between their edges, and each edge runs
# straight, no more than this many pixels sideways per pixel down.
_WALL_MIN_SOLIDITY = 0.75
_WALL_MAX_SLOPE = 0.6
_WALL_MAX_WOBBLE = 0.06  # spread around a straight edge, as a share of the block's width
# A triangle roof is much narrower at the top than the walls below it.
_ROOF_TAPER = 0.6
# A red roof sits on the block: red ink fills this much of the space just above it.
_RED_ROOF_SHARE = 0.15


@dataclass(frozen=True)
class Region:
    """One figure: a group of strokes, with its box in working pixels."""

    label: int
    top: int
    left: int
    bottom: int  # exclusive
    right: int  # exclusive
    ink_pixels: int


@dataclass(frozen=True)
class Figures:
    regions: list[Region]  # left to right
    labels: np.ndarray  # int H x W: the region label on each figure's ink, 0 elsewhere


def band_mask(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sky band and the ground band, as bool H x W masks of their ink.

    Each colour makes its own band, so brown walls standing on green grass stay a house.
    """
    sky = np.zeros(names.shape, dtype=bool)
    for family in SKY_FAMILIES:
        sky |= _bands(in_families(names, {family}), at_top=True)
    ground = np.zeros(names.shape, dtype=bool)
    for family in GROUND_FAMILIES:
        ground |= _bands(in_families(names, {family}), at_top=False)
    return sky, ground


def _bands(coloured: np.ndarray, at_top: bool) -> np.ndarray:
    height, width = coloured.shape
    labels, _ = label_regions(_join_nearby(coloured), structure=_EIGHT_WAY)
    labels = labels * coloured
    band = np.zeros_like(coloured)
    for label, box in enumerate(ndimage.find_objects(labels), start=1):
        rows, columns = box
        centre_row = ndimage.center_of_mass(labels[box] == label)[0] + rows.start
        wide = columns.stop - columns.start >= _BAND_WIDTH_SHARE * width
        if at_top:
            placed = rows.start <= _BAND_EDGE_SHARE * height and centre_row <= _BAND_REACH_SHARE * height
        else:
            placed = rows.stop >= (1 - _BAND_EDGE_SHARE) * height and centre_row >= (1 - _BAND_REACH_SHARE) * height
        if wide and placed:
            band |= labels == label
    return band


def edge_strip(height: int, at_top: bool) -> slice:
    """The rows of the top (or bottom) fifth of the page."""
    rows = max(1, round(_STRIP_SHARE * height))
    return slice(0, rows) if at_top else slice(height - rows, height)


def strip_dominated(ink: np.ndarray, coloured: np.ndarray, at_top: bool) -> bool:
    """Whether the colour holds most of the ink in the top (or bottom) fifth."""
    strip = edge_strip(ink.shape[0], at_top)
    strip_ink = ink[strip].sum()
    if strip_ink < _STRIP_MIN_INK * ink[strip].size:
        return False
    return bool(coloured[strip].sum() >= _STRIP_DOMINANCE * strip_ink)


def find_figures(figure_ink: np.ndarray) -> Figures:
    height, width = figure_ink.shape
    # Filling the holes puts the eyes inside a closed face into the face's group.
    groups, _ = label_regions(fill_holes(_join_nearby(figure_ink)), structure=_EIGHT_WAY)
    groups = groups * figure_ink
    big = [region for region in _regions(groups) if _big_enough(region, height, width)]
    big = [region.label for region in sorted(big, key=lambda region: region.ink_pixels, reverse=True)[:MAX_FIGURES]]
    labels = _attach_strays(np.where(np.isin(groups, big), groups, 0), figure_ink)
    regions = sorted(_regions(labels), key=lambda region: (region.left, region.top))
    return Figures(regions=regions, labels=labels)


def _attach_strays(figure_labels: np.ndarray, figure_ink: np.ndarray) -> np.ndarray:
    """Give ink outside every figure to the nearest figure within reach."""
    if not figure_labels.any():
        return figure_labels
    # Distances and indices are asked for, so scipy returns both (its inferred type allows every combination).
    distance, (rows, columns) = cast(tuple[np.ndarray, np.ndarray], ndimage.distance_transform_edt(figure_labels == 0, return_indices=True))
    reach = _ATTACH_SHARE * max(figure_ink.shape)
    strays = figure_ink & (figure_labels == 0) & (distance <= reach)
    attached = figure_labels.copy()
    attached[strays] = figure_labels[rows[strays], columns[strays]]
    return attached


def _join_nearby(mask: np.ndarray) -> np.ndarray:
    reach = max(1, round(_JOIN_SHARE * max(mask.shape)))
    return ndimage.maximum_filter(mask, size=2 * reach + 1)


def _regions(labels: np.ndarray) -> list[Region]:
    counts = np.bincount(labels.ravel())
    regions = []
    for label, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is not None:  # the labels of groups dropped as stray marks are missing
            rows, columns = box
            regions.append(Region(label, rows.start, columns.start, rows.stop, columns.stop, int(counts[label])))
    return regions


def _big_enough(region: Region, height: int, width: int) -> bool:
    longest_side = max(region.bottom - region.top, region.right - region.left)
    return region.ink_pixels >= _MIN_FIGURE_INK_SHARE * height * width and longest_side >= _MIN_FIGURE_SIDE_SHARE * max(height, width)


def find_sun(names: np.ndarray) -> str | None:
    """The colour word of a roughly round yellow or orange blob in the upper half, rays or not."""
    small_names = names[::_SHAPE_STEP, ::_SHAPE_STEP]
    warm = _solid(in_families(small_names, SUN_FAMILIES))
    height, width = warm.shape
    discs = open_with_disc(warm, _RAY_SHARE * max(height, width))
    labels, _ = label_regions(discs)
    for label, (rows, columns) in enumerate(ndimage.find_objects(labels), start=1):
        blob = labels[rows, columns] == label
        round_enough = max(blob.shape) <= _SUN_MAX_ASPECT * min(blob.shape)
        if (
            blob.sum() >= _SUN_MIN_AREA_SHARE * height * width
            and round_enough
            and blob.mean() >= _SUN_MIN_FILL
            and ndimage.center_of_mass(blob)[0] + rows.start < height / 2
        ):
            blob_names = small_names[rows, columns][blob]
            yellow = in_families(blob_names, {"yellow"}).sum()
            return "yellow" if yellow >= in_families(blob_names, {"orange"}).sum() else "orange"
    return None


@dataclass(frozen=True)
class House:
    red_roof: bool


def find_house(names: np.ndarray) -> House | None:
    """A big one-colour block with upright walls and a roof: narrowing to the top, or red on top of it."""
    small_names = names[::_SHAPE_STEP, ::_SHAPE_STEP]
    red = in_families(small_names, {"red"})
    for family in sorted(HOUSE_FAMILIES):
        coloured = in_families(small_names, {family})
        if coloured.sum() < _HOUSE_MIN_INK_SHARE * coloured.size:
            continue
        solid = _solid(coloured)
        if solid.sum() < _HOUSE_MIN_AREA_SHARE * solid.size:
            continue
        labels, _ = label_regions(open_with_disc(solid, _HOUSE_THIN_SHARE * max(solid.shape)))
        for label, box in enumerate(ndimage.find_objects(labels), start=1):
            block = labels[box] == label
            if block.sum() < _HOUSE_MIN_AREA_SHARE * solid.size or not _has_walls(block):
                continue
            red_roof = family != "red" and _red_above(red, box)
            if red_roof or _narrows_to_top(block):
                return House(red_roof=red_roof)
    return None


def _has_walls(block: np.ndarray) -> bool:
    lower = block[block.shape[0] // 2 :]
    rows = lower[lower.any(axis=1)]
    if len(rows) < 2 or block.mean() < _HOUSE_MIN_FILL:
        return False
    width = block.shape[1]
    left_edges = rows.argmax(axis=1).astype(float)
    right_edges = (width - rows[:, ::-1].argmax(axis=1)).astype(float)
    solidity = (rows.sum(axis=1) / np.maximum(right_edges - left_edges, 1)).mean()
    return solidity >= _WALL_MIN_SOLIDITY and _straight(left_edges, width) and _straight(right_edges, width)


def _straight(edge: np.ndarray, width: int) -> bool:
    down = np.arange(len(edge), dtype=float)
    slope, offset = np.polyfit(down, edge, 1)
    wobble = (edge - (slope * down + offset)).std()
    return abs(slope) <= _WALL_MAX_SLOPE and wobble <= _WALL_MAX_WOBBLE * width


def _narrows_to_top(block: np.ndarray) -> bool:
    row_fill = block.mean(axis=1)
    roof_rows = max(1, len(row_fill) // 4)
    return bool(row_fill[:roof_rows].mean() <= _ROOF_TAPER * row_fill[len(row_fill) // 2 :].mean())


def _red_above(red: np.ndarray, box: tuple[slice, slice]) -> bool:
    rows, columns = box
    roof_top = max(0, rows.start - (rows.stop - rows.start) // 2)
    above = red[roof_top : rows.start, columns]
    return bool(above.size and above.mean() >= _RED_ROOF_SHARE)


def _solid(mask: np.ndarray) -> np.ndarray:
    """Crayon grain closed up and outlines filled in, so a drawn shape becomes a block."""
    return fill_holes(ndimage.binary_closing(mask, structure=np.ones((3, 3), dtype=bool), iterations=2))


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """scipy's binary_fill_holes, by labelling the background once instead of growing it step by step."""
    background, _ = label_regions(~mask)
    edges = np.concatenate([background[0], background[-1], background[:, 0], background[:, -1]])
    return mask | ((background > 0) & ~np.isin(background, edges))


def open_with_disc(mask: np.ndarray, radius: float) -> np.ndarray:
    """Morphological opening by a disc, through distance transforms: a large disc costs no more."""
    core = _distances(mask) > radius
    if not core.any():
        return core
    return _distances(~core) <= radius


def _distances(mask: np.ndarray) -> np.ndarray:
    """scipy's distance_transform_edt, typed: asked for the distances only, it returns just them.

    scipy has no type hints, and the type inferred from its source allows every combination of outputs.
    """
    return cast(np.ndarray, ndimage.distance_transform_edt(mask))
