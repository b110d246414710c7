"""Naming what the main figure is from its shape and colours, with how sure that naming is.

Each kind a child often draws has a test of classical features of the figure's cut-out (its outline's aspect,
holes, symmetry, where its colours sit, rays around a disc, wheels under a body, legs under a body); a kind is
named only when its test passes clearly, and then with the confidence its test earns. Anything else is left
unnamed, for the parent to say: a wrong name costs the story more than no name.
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from shared.domain.subjects import SubjectKind
from vision.analyse._colour import ALL_COLOURS, NO_COLOUR
from vision.analyse._ink import label_regions
from vision.analyse._shapes import Figures, Region, fill_holes, open_with_disc

# A naming under this is not said: the subject becomes a placeholder and the parent is asked.
SURE = 0.6

_FAMILIES = sorted({colour.family for colour in ALL_COLOURS})
_FAMILY_INDEX = np.array([_FAMILIES.index(colour.family) for colour in ALL_COLOURS])
_RAINBOW_FAMILIES = {"red", "orange", "yellow", "green", "blue", "purple"}
# A band of a rainbow holds at least this share of its ink.
_BAND_SHARE = 0.06
_WARM = {"yellow", "orange"}
_HEART_FAMILIES = {"red", "pink"}
_WHEEL_FAMILIES = {"black", "grey"}
# One colour family covering this much of a figure names it ("a red rocket").
_MAIN_FAMILY_SHARE = 0.5


@dataclass(frozen=True)
class Naming:
    kind: SubjectKind  # UNKNOWN when no test passed
    confidence: float  # how sure the naming is; for UNKNOWN, how sure the best failed guess was
    family: str  # the colour family of most of the figure, "" when no one family has most of it


@dataclass(frozen=True)
class _Figure:
    solid: np.ndarray  # bool h x w over the figure's box: its ink with the outline's inside filled
    ink: np.ndarray  # bool h x w: its ink alone
    shares: dict[str, float]  # the share of its coloured ink in each colour family
    family_masks: dict[str, np.ndarray]  # bool h x w: its ink in each family

    @property
    def height(self) -> int:
        return self.solid.shape[0]

    @property
    def width(self) -> int:
        return self.solid.shape[1]

    def share(self, families: set[str]) -> float:
        return sum(self.shares.get(family, 0.0) for family in families)

    def centre(self, mask: np.ndarray) -> tuple[float, float]:
        """Row and column of a mask's centre, as shares of the box."""
        rows, columns = np.nonzero(mask)
        return float(rows.mean()) / self.height, float(columns.mean()) / self.width


def name_main_figure(figures: Figures, names: np.ndarray, house: bool) -> Naming:
    if not figures.regions:
        return Naming(SubjectKind.UNKNOWN, 0.0, "")
    main = max(figures.regions, key=lambda region: _box_area(region))
    figure = _read(figures.labels, names, main)
    family = max(figure.shares, key=lambda name: figure.shares[name]) if figure.shares else ""
    if figure.shares.get(family, 0.0) < _MAIN_FAMILY_SHARE:
        family = ""
    others = (figures.labels > 0) & (figures.labels != main.label)
    candidates = [
        (SubjectKind.RAINBOW, _rainbow(figure)),
        (SubjectKind.SUN, _sun(figure, _rays(others, main))),
        (SubjectKind.HEART, _heart(figure)),
        (SubjectKind.TREE, _tree(figure)),
        (SubjectKind.FLOWER, _flower(figure)),
        (SubjectKind.CAR, _car(figure)),
        (SubjectKind.ROCKET, _rocket(figure)),
        (SubjectKind.FISH, _fish(figure)),
        (SubjectKind.PERSON, _person(figure)),
        (SubjectKind.BOAT, _boat(figure)),
        *_four_legged(figure),
        (SubjectKind.CAT, _cat(figure)),
        (SubjectKind.BIRD, _bird(figure)),
        (SubjectKind.DINOSAUR, _dinosaur(figure)),
        # The house test looks at the whole page's blocks of colour, so it is less sure which figure it saw.
        (SubjectKind.HOUSE, 0.7 if house and _stands_on_its_walls(figure) else 0.0),
    ]
    kind, confidence = max(candidates, key=lambda candidate: candidate[1])
    return Naming(kind if confidence >= SURE else SubjectKind.UNKNOWN, round(confidence, 2), family)


def _box_area(region: Region) -> int:
    return (region.bottom - region.top) * (region.right - region.left)


def _read(labels: np.ndarray, names: np.ndarray, region: Region) -> _Figure:
    box = (slice(region.top, region.bottom), slice(region.left, region.right))
    ink = labels[box] == region.label
    solid = fill_holes(ndimage.binary_closing(ink, structure=np.ones((3, 3), dtype=bool), iterations=2) | ink)
    coloured = names[box][ink & (names[box] != NO_COLOUR)]
    family_of = _FAMILY_INDEX[coloured]
    counts = np.bincount(family_of, minlength=len(_FAMILIES))
    total = max(1, int(counts.sum()))
    shares = {family: counts[index] / total for index, family in enumerate(_FAMILIES) if counts[index]}
    family_names = np.where(ink & (names[box] != NO_COLOUR), _FAMILY_INDEX[np.maximum(names[box], 0)], -1)
    masks = {family: family_names == index for index, family in enumerate(_FAMILIES) if counts[index]}
    return _Figure(solid=solid, ink=ink, shares=shares, family_masks=masks)


def _rainbow(figure: _Figure) -> float:
    """Bands of many colours bent into an arch: the middle under the arch is bare, its feet are not."""
    bands = [family for family in _RAINBOW_FAMILIES if figure.shares.get(family, 0.0) >= _BAND_SHARE]
    if len(bands) < 4 or figure.width < 1.2 * figure.height:
        return 0.0
    low = figure.height * 3 // 4
    under = figure.solid[low:, figure.width * 2 // 5 : figure.width * 3 // 5]
    feet = figure.solid[low:, : figure.width // 5].mean() + figure.solid[low:, -figure.width // 5 :].mean()
    if under.mean() > 0.1 or feet < 0.3:
        return 0.0
    # The bands lie one inside the other: their distances from the arch's foot-centre differ.
    radii = sorted(_mean_radius(figure, figure.family_masks[family]) for family in bands)
    nested = min(b - a for a, b in zip(radii, radii[1:], strict=False)) > 0.01
    return 0.95 if nested else 0.5


def _mean_radius(figure: _Figure, mask: np.ndarray) -> float:
    rows, columns = np.nonzero(mask)
    return float(np.hypot((rows - figure.height) / figure.width, (columns - figure.width / 2) / figure.width).mean())


def _stands_on_its_walls(figure: _Figure) -> bool:
    """A house is as wide at its foot as its walls are; a boat's keel is narrower than its deck."""
    widths = _row_widths(figure.solid)
    foot = widths[-max(1, figure.height // 10) :].mean()
    return bool(foot >= 0.85 * widths[figure.height // 2 :].max())


def _rays(others: np.ndarray, main: Region) -> int:
    """How many separate marks lie in a ring around the figure, as a sun's rays do."""
    height, width = others.shape
    reach = max(main.bottom - main.top, main.right - main.left)
    top, left = max(0, main.top - reach), max(0, main.left - reach)
    ring = others[top : min(height, main.bottom + reach), left : min(width, main.right + reach)]
    _, count = label_regions(ring, structure=np.ones((3, 3), dtype=bool))
    return count


def _sun(figure: _Figure, separate_rays: int) -> float:
    """A warm round disc, with rays around it, drawn apart or touching."""
    if figure.share(_WARM) < 0.75:
        return 0.0
    disc = _core(figure.solid, 0.25)
    # A sun is coloured in; a warm outline round something else (a cat's head, a wheel) is not one.
    if not disc.any() or figure.ink[disc].mean() < 0.6:
        return 0.0
    rows, columns = np.nonzero(disc)
    disc_height, disc_width = np.ptp(rows) + 1, np.ptp(columns) + 1
    if max(disc_height, disc_width) > 1.3 * min(disc_height, disc_width):
        return 0.0
    grown = np.asarray(ndimage.binary_dilation(disc, iterations=3), dtype=bool)
    _, touching_rays = label_regions(figure.ink & ~grown, structure=np.ones((3, 3), dtype=bool))
    rays = separate_rays + touching_rays
    return 0.9 if rays >= 6 else 0.45


def _core(solid: np.ndarray, share: float) -> np.ndarray:
    """What is left of a shape after opening by a disc of `share` of its long side: thin parts are wiped off."""
    # The box is framed with bare paper, so the shape's edge on the box's edge counts as an edge.
    return open_with_disc(np.pad(solid, 1), share * max(solid.shape) / 2)[1:-1, 1:-1]


def _symmetry(solid: np.ndarray) -> float:
    """How well the shape matches its mirror image about its own centre column."""
    columns = np.nonzero(solid.any(axis=0))[0]
    centre = float(np.nonzero(solid)[1].mean())
    half = int(max(centre - columns[0], columns[-1] - centre)) + 1
    padded = np.pad(solid, ((0, 0), (half, half)))
    middle = round(centre) + half
    window = padded[:, middle - half : middle + half + 1]
    return float((window & window[:, ::-1]).sum() / max(1, (window | window[:, ::-1]).sum()))


def _row_widths(solid: np.ndarray) -> np.ndarray:
    return solid.sum(axis=1) / solid.shape[1]


def _heart(figure: _Figure) -> float:
    """A filled red or pink shape, mirror-symmetric, with two lobes on top and a point at the bottom."""
    if figure.share(_HEART_FAMILIES) < 0.7 or not 0.7 <= figure.width / figure.height <= 1.5:
        return 0.0
    solid = figure.solid
    if solid.mean() < 0.5 or figure.ink.sum() < 0.7 * solid.sum() or _symmetry(solid) < 0.8:
        return 0.0
    widths = _row_widths(solid)
    tip = widths[-max(1, figure.height // 10) :].mean()
    # The notch: the middle column starts lower than the lobes on either side of it.
    first_ink = np.argmax(solid, axis=0).astype(float)
    notch = first_ink[figure.width * 2 // 5 : figure.width * 3 // 5].mean() - min(
        first_ink[figure.width // 5 : figure.width * 2 // 5].mean(), first_ink[figure.width * 3 // 5 : figure.width * 4 // 5].mean()
    )
    return 0.9 if tip < 0.3 and notch > 0.06 * figure.height else 0.4


def _tree(figure: _Figure) -> float:
    """A green crown over a brown trunk that is narrower than it."""
    green, brown = figure.shares.get("green", 0.0), figure.shares.get("brown", 0.0)
    if green < 0.4 or brown < 0.05 or figure.height < 1.1 * figure.width:
        return 0.0
    trunk, crown = figure.family_masks["brown"], figure.family_masks["green"]
    trunk_row, _ = figure.centre(trunk)
    crown_row, _ = figure.centre(crown)
    trunk_width = np.ptp(np.nonzero(trunk)[1]) + 1
    crown_width = np.ptp(np.nonzero(crown)[1]) + 1
    return 0.85 if trunk_row > crown_row + 0.25 and trunk_width < 0.5 * crown_width else 0.3


def _flower(figure: _Figure) -> float:
    """A coloured head on a green stem: the green lies low and thin, the petals' colour high."""
    green = figure.shares.get("green", 0.0)
    petals = {family: share for family, share in figure.shares.items() if family not in {"green", "brown", "black", "grey"}}
    if not petals or green < 0.05 or figure.height < 1.2 * figure.width:
        return 0.0
    head_family = max(petals, key=lambda family: petals[family])
    if petals[head_family] + sum(petals.values()) - petals[head_family] < 0.4:
        return 0.0
    head_row, _ = figure.centre(np.logical_or.reduce([figure.family_masks[family] for family in petals]))
    stem_row, _ = figure.centre(figure.family_masks["green"])
    stem_columns = np.nonzero(figure.family_masks["green"][figure.height * 3 // 5 :])[1]
    stem_width = np.ptp(stem_columns) + 1 if len(stem_columns) else figure.width
    if head_row < 0.35 and stem_row > head_row + 0.25 and stem_width < 0.6 * figure.width:
        return 0.8
    return 0.3


def _car(figure: _Figure) -> float:
    """A wide body with two dark round wheels along its bottom, far apart."""
    if figure.width < 1.4 * figure.height or figure.share(_WHEEL_FAMILIES) > 0.6:
        return 0.0
    dark = np.logical_or.reduce([figure.family_masks.get(family, np.zeros_like(figure.ink)) for family in _WHEEL_FAMILIES])
    dark[: figure.height // 2] = False
    labels, count = label_regions(dark, structure=np.ones((3, 3), dtype=bool))
    if count < 2:
        return 0.0
    wheels = []
    for rows, columns in ndimage.find_objects(labels):
        wheel_height, wheel_width = rows.stop - rows.start, columns.stop - columns.start
        round_wheel = max(wheel_height, wheel_width) < 1.5 * min(wheel_height, wheel_width)
        if wheel_height > 0.2 * figure.height and round_wheel and rows.stop >= 0.85 * figure.height:
            wheels.append(((columns.start + columns.stop) / 2 / figure.width, wheel_height))
    # Two wheels of a size, far apart along the bottom.
    for left, (left_at, left_size) in enumerate(wheels):
        for right_at, right_size in wheels[left + 1 :]:
            if abs(right_at - left_at) > 0.4 and max(left_size, right_size) < 1.3 * min(left_size, right_size):
                return 0.85
    return 0.3


def _rocket(figure: _Figure) -> float:
    """Tall, mirror-symmetric and pointed at the top."""
    if figure.height < 1.6 * figure.width or _symmetry(figure.solid) < 0.75 or figure.solid.mean() < 0.35:
        return 0.0
    widths = _row_widths(figure.solid)
    nose = widths[: max(1, figure.height // 8)].mean()
    body = np.median(widths[figure.height // 4 : figure.height * 3 // 4])
    return 0.8 if nose < 0.5 * body and len(figure.shares) >= 2 else 0.35


def _fish(figure: _Figure) -> float:
    """A wide body and a tail: across its length the outline pinches in near one end and opens again."""
    if not 1.4 <= figure.width / figure.height <= 3.5 or figure.solid.mean() < 0.45:
        return 0.0
    # Along its bottom a fish shows its belly and at most its tail's lower tip; legs would make more.
    if _runs(np.asarray(figure.solid[-max(1, figure.height // 7) :].any(axis=0))) > 2:
        return 0.0
    heights = figure.solid.sum(axis=0) / figure.height
    length = figure.width
    for ends in (heights, heights[::-1]):
        waist = ends[length // 8 : length * 2 // 5]
        if not len(waist):
            continue
        pinch = int(np.argmin(waist)) + length // 8
        tail, body = ends[: max(1, pinch)].max(), ends[pinch:].max()
        if waist.min() < 0.35 * body and tail > 2 * waist.min() and tail > 0.5 * body:
            return 0.75
    return 0.2


def _boat(figure: _Figure) -> float:
    """A hull along the bottom, its keel narrower than its deck, under a mast and sail far narrower than both."""
    if figure.width < 0.8 * figure.height or figure.height < 8:
        return 0.0
    widths = _row_widths(figure.solid)
    lower = figure.height // 2
    deck_row = lower + int(np.argmax(widths[lower:]))
    deck, keel = widths[deck_row], widths[-max(1, figure.height // 20) :].mean()
    sail = widths[: figure.height // 2].mean()
    if deck > 0.75 and deck_row < figure.height * 0.9 and 0.4 * deck < keel < 0.85 * deck and sail < 0.5 * deck:
        return 0.75
    return 0.2


def _person(figure: _Figure) -> float:
    """A stick figure: thin lines, taller than wide, a closed head on top and two legs apart at the bottom."""
    if figure.height < 1.2 * figure.width or figure.ink.sum() > 0.7 * figure.solid.sum():
        return 0.0
    outline = np.asarray(ndimage.binary_closing(figure.ink, structure=np.ones((3, 3), dtype=bool)), dtype=bool)
    holes = fill_holes(outline) & ~outline
    labels, count = label_regions(holes)
    head = any(box[0].stop <= figure.height * 0.4 for box in ndimage.find_objects(labels)) if count else False
    legs = _runs(np.asarray(figure.solid[-max(1, figure.height // 10) :].any(axis=0)))
    return 0.75 if head and legs >= 2 else 0.3


@dataclass(frozen=True)
class _Band:
    """One of the horizontal slices a figure is read in, top to bottom."""

    runs: int  # separate stretches of the figure across it
    longest: float  # the longest of them, as a share of the figure's width


_BANDS = 20


def _bands(solid: np.ndarray) -> list[_Band]:
    height, width = solid.shape
    bands = []
    for index in range(_BANDS):
        across = np.asarray(solid[index * height // _BANDS : max((index + 1) * height // _BANDS, index * height // _BANDS + 1)].any(axis=0))
        edges = np.diff(np.r_[0, across.astype(np.int8), 0])
        lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
        bands.append(_Band(runs=len(lengths), longest=float(lengths.max()) / width if len(lengths) else 0.0))
    return bands


def _legs_under_a_body(bands: list[_Band], *, legs: int) -> float:
    """How much of the figure's height its legs are, when it stands on `legs` or more thin legs under a body across
    most of its width; 0 when it does not."""
    from_bottom = bands[::-1]
    start = 1 if from_bottom[0].runs < legs else 0  # one foot may reach lower than the others
    count = 0
    for band in from_bottom[start:]:
        if band.runs < legs or band.longest > 0.15:
            break
        count += 1
    body = from_bottom[start + count : start + count + _BANDS * 2 // 5]
    if count < 2 or not body or max(band.longest for band in body) < 0.55:
        return 0.0
    return count / _BANDS


def _four_legged(figure: _Figure) -> list[tuple[SubjectKind, float]]:
    """Four legs under a long body: a horse when tall with it (its neck raises its head), a dog when long and low."""
    if figure.solid.mean() > 0.6:  # an animal drawn by a child is lines and a coloured body, not one block
        return []
    legs = _legs_under_a_body(_bands(figure.solid), legs=3)
    aspect = figure.width / figure.height
    if not legs:
        return []
    return [(SubjectKind.HORSE, 0.7 if aspect < 1.7 else 0.3), (SubjectKind.DOG, 0.7 if aspect > 1.9 else 0.3)]


def _cat(figure: _Figure) -> float:
    """Sitting up: two pointed ears close together on top of a round head, over a wider body."""
    if not 0.7 <= figure.width / figure.height <= 1.3:
        return 0.0
    bands = _bands(figure.solid)
    ears = bands[:2]
    if any(band.runs != 2 or band.longest > 0.15 for band in ears):
        return 0.0
    top = figure.solid[: max(1, figure.height // _BANDS)]
    columns = np.nonzero(top.any(axis=0))[0]
    head = max(band.longest for band in bands[2:6])
    body = max(band.longest for band in bands[8:])
    return 0.7 if np.ptp(columns) < 0.45 * figure.width and 0.25 <= head < body and body >= 0.5 else 0.3


def _bird(figure: _Figure) -> float:
    """A coloured-in body on two thin legs, with a small orange or yellow beak at its head's side."""
    if figure.ink.sum() < 0.85 * figure.solid.sum() or not 1.1 <= figure.width / figure.height <= 1.8:
        return 0.0
    bands = _bands(figure.solid)
    legs = bands[-3:]
    beak = figure.share(_WARM)
    if any(band.runs != 2 or band.longest > 0.08 for band in legs) or not 0.02 <= beak <= 0.2:
        return 0.0
    warm = np.logical_or.reduce([figure.family_masks.get(family, np.zeros_like(figure.ink)) for family in _WARM])
    upper = warm[: figure.height // 2]
    if not upper.any():
        return 0.0
    _, beak_column = figure.centre(np.pad(upper, ((0, figure.height - upper.shape[0]), (0, 0))))
    return 0.7 if beak_column < 0.25 or beak_column > 0.75 else 0.3


def _dinosaur(figure: _Figure) -> float:
    """A green body with a row of spikes along its back, standing on two thick legs, a long neck and tail."""
    if figure.shares.get("green", 0.0) < 0.45 or not 1.1 <= figure.width / figure.height <= 1.8:
        return 0.0
    bands = _bands(figure.solid)
    legs = bands[-3:]
    spikes = any(band.runs >= 3 and band.longest < 0.12 for band in bands[2 : _BANDS // 2])
    if any(band.runs != 2 or band.longest > 0.1 for band in legs) or not spikes:
        return 0.0
    return 0.7 if max(band.longest for band in bands[_BANDS // 3 :]) >= 0.6 else 0.3


def _runs(row: np.ndarray) -> int:
    """How many separate stretches of True a row has."""
    return int(np.count_nonzero(np.diff(row.astype(np.int8), prepend=0) == 1))
