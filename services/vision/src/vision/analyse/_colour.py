"""Naming the colours of the ink with the words a parent would use."""

from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import ndimage

from shared.domain.models import PaletteColour

MAX_PALETTE = 6
# A colour with less of the ink than this is edge blending or a stray mark.
_MIN_SHARE = 0.02
_CLUSTERS = 16
_KMEANS_SAMPLE = 6_000
_KMEANS_ROUNDS = 10
# Below this Lab chroma a crayon reads as black or grey whatever its hue; a very
# dark pen keeps a tint from the camera's white balance, so it gets more leeway.
_GREY_CHROMA = 18.0
_DARK_LIGHTNESS, _DARK_GREY_CHROMA = 35.0, 25.0
_BLACK_LIGHTNESS = 38.0


@dataclass(frozen=True)
class NamedColour:
    name: str
    family: str  # the plain colour word the layout and the wording build on
    rgb: tuple[int, int, int]


# Crayon and felt-tip colours as children's drawings show them.
CHROMATIC_COLOURS = (
    NamedColour("fire-engine red", "red", (210, 35, 40)),
    NamedColour("dark red", "red", (135, 20, 45)),
    NamedColour("pink", "pink", (235, 90, 160)),
    NamedColour("light pink", "pink", (245, 170, 200)),
    NamedColour("orange", "orange", (245, 135, 30)),
    NamedColour("sunshine yellow", "yellow", (250, 210, 40)),
    NamedColour("lime green", "green", (160, 210, 60)),
    NamedColour("light green", "green", (175, 225, 160)),
    NamedColour("grass green", "green", (80, 175, 60)),
    NamedColour("dark green", "green", (25, 95, 55)),
    NamedColour("turquoise", "blue", (40, 180, 180)),
    NamedColour("light blue", "blue", (160, 205, 240)),
    NamedColour("sky blue", "blue", (80, 170, 225)),
    NamedColour("blue", "blue", (40, 80, 200)),
    NamedColour("navy blue", "blue", (25, 35, 95)),
    NamedColour("purple", "purple", (120, 60, 175)),
    NamedColour("brown", "brown", (125, 75, 40)),
)
BLACK = NamedColour("black", "black", (25, 25, 25))
GREY = NamedColour("grey", "grey", (128, 128, 128))
ALL_COLOURS = (*CHROMATIC_COLOURS, BLACK, GREY)
NO_COLOUR = -1


@dataclass(frozen=True)
class ColourReading:
    palette: list[PaletteColour]  # up to six, largest share first
    # int H x W: index into ALL_COLOURS for every ink pixel, NO_COLOUR on paper
    names: np.ndarray


def read_colours(colours: np.ndarray, ink: np.ndarray, core: np.ndarray) -> ColourReading:
    names = np.full(ink.shape, NO_COLOUR, dtype=np.int16)
    if not core.any():
        return ColourReading(palette=[], names=names)
    core_lab = _to_lab(colours[core])
    centres = _cluster_centres(core_lab)
    centre_names = np.array([_name_index(centre) for centre in centres], dtype=np.int16)
    names[core] = centre_names[_nearest(core_lab, centres)]
    # A stroke's pale edges take the name of the stroke they belong to.
    # Only the indices are asked for, so that is all scipy returns (its inferred type allows every combination).
    nearest_core = cast(np.ndarray, ndimage.distance_transform_edt(~core, return_distances=False, return_indices=True))
    names[ink] = names[nearest_core[0], nearest_core[1]][ink]
    return ColourReading(palette=_palette(colours, ink, core, names), names=names)


def _name_index(lab: np.ndarray) -> int:
    """The index in ALL_COLOURS of the name for one Lab colour."""
    lightness, a, b = lab
    chroma = np.hypot(a, b)
    if chroma < _GREY_CHROMA or (lightness < _DARK_LIGHTNESS and chroma < _DARK_GREY_CHROMA):
        return ALL_COLOURS.index(BLACK if lightness < _BLACK_LIGHTNESS else GREY)
    return int(np.argmin(np.linalg.norm(_CHROMATIC_LAB - lab, axis=1)))


def in_families(names: np.ndarray, families: set[str]) -> np.ndarray:
    """bool H x W: ink whose colour belongs to one of the families ('blue', 'green', ...)."""
    codes = [index for index, colour in enumerate(ALL_COLOURS) if colour.family in families]
    return np.isin(names, codes)


def _to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB in 0..1 (any leading shape) to CIE Lab under D65."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ.T / _D65_WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def _cluster_centres(lab: np.ndarray) -> np.ndarray:
    """k-means with k-means++ seeding; a fixed seed keeps the reading repeatable."""
    rng = np.random.default_rng(0)
    if len(lab) > _KMEANS_SAMPLE:
        lab = lab[rng.choice(len(lab), _KMEANS_SAMPLE, replace=False)]
    centres = _seed_centres(lab, min(_CLUSTERS, len(lab)), rng)
    for _ in range(_KMEANS_ROUNDS):
        assignment = _nearest(lab, centres)
        for k in range(len(centres)):
            members = lab[assignment == k]
            if len(members):
                centres[k] = members.mean(axis=0)
    return centres


def _seed_centres(lab: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    centres = [lab[rng.integers(len(lab))]]
    distance = np.sum((lab - centres[0]) ** 2, axis=1)
    for _ in range(count - 1):
        if distance.sum() == 0:
            break
        centres.append(lab[rng.choice(len(lab), p=distance / distance.sum())])
        distance = np.minimum(distance, np.sum((lab - centres[-1]) ** 2, axis=1))
    return np.array(centres, dtype=np.float64)


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    squared = (points**2).sum(axis=1)[:, None] - 2 * points @ centres.T + (centres**2).sum(axis=1)[None, :]
    return np.argmin(squared, axis=1)


def _palette(colours: np.ndarray, ink: np.ndarray, core: np.ndarray, names: np.ndarray) -> list[PaletteColour]:
    ink_total = int(ink.sum())
    counts = np.bincount(names[ink], minlength=len(ALL_COLOURS))
    entries = []
    for index in np.argsort(-counts, kind="stable"):
        share = counts[index] / ink_total
        if share < _MIN_SHARE or len(entries) == MAX_PALETTE:
            break
        typical = np.median(colours[core & (names == index)], axis=0)
        entries.append(PaletteColour(name=ALL_COLOURS[index].name, hex=_hex(typical), share=round(float(share), 4)))
    return entries


def _hex(rgb: np.ndarray) -> str:
    red, green, blue = (int(round(channel * 255)) for channel in np.clip(rgb, 0, 1))
    return f"#{red:02x}{green:02x}{blue:02x}"


_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])
_CHROMATIC_LAB = _to_lab(np.array([colour.rgb for colour in CHROMATIC_COLOURS]) / 255.0)
