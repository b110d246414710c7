"""Procedural backdrops: which setting a scene's text asks for, and how to paint it.

A backdrop is a sky plus a stack of layers (sun, hills, trees, ...) painted back
to front through a `Canvas`, so the style decides how every layer looks.
Random choices are seeded by the scene number: the same scene always gets the
same picture, and neighbouring scenes differ.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from media.illustrate.looks import RGB, WHITE, Box, Canvas, shade
from shared.domain.models import SceneSetting

# Ties go to the earlier setting: "a rocket at night" is a space scene.
KEYWORDS: dict[SceneSetting, frozenset[str]] = {
    SceneSetting.SPACE: frozenset("space rocket rockets planet planets astronaut galaxy alien aliens comet spaceship".split()),
    SceneSetting.NIGHT_SKY: frozenset("night star stars moon bedtime dream dreams dark goodnight owl".split()),
    SceneSetting.SNOW: frozenset("snow snowy snowman snowflake snowflakes ice icy winter frost sledge sled".split()),
    SceneSetting.SEA: frozenset("sea beach ocean wave waves boat ship shore sand island seaside".split()),
    SceneSetting.LAKE: frozenset("lake pond river stream splash duck ducks frog frogs reeds".split()),
    SceneSetting.FOREST: frozenset("forest wood woods tree trees jungle fox leaves".split()),
    SceneSetting.SKY: frozenset("sky cloud clouds fly flying flew bird birds kite balloon rainbow wings".split()),
    SceneSetting.HOME: frozenset("home room bedroom kitchen bed sleep asleep family mum mom dad grandma grandpa".split()),
    SceneSetting.TOWN: frozenset("town street streets shop shops school city road bus market library".split()),
    SceneSetting.MEADOW: frozenset("meadow field fields park garden grass flower flowers playground picnic farm".split()),
}


def choose_setting(*texts: str) -> SceneSetting | None:
    """The setting named most often in the first text that names any; None when none does."""
    for text in texts:
        words = re.findall(r"[a-z]+", text.lower())
        hits = {setting: sum(word in keywords for word in words) for setting, keywords in KEYWORDS.items()}
        best = max(hits, key=lambda setting: hits[setting])  # max keeps the first of equals
        if hits[best]:
            return best
    return None


@dataclass(frozen=True)
class Stage:
    canvas: Canvas
    rng: random.Random
    horizon: int  # y where the land or sea begins
    figure_x: float  # 0..1, where the child's figures will stand; big features keep clear of it

    @property
    def width(self) -> int:
        return self.canvas.width

    @property
    def height(self) -> int:
        return self.canvas.height

    def clear_of_figure(self, x: float, margin: float) -> bool:
        return abs(x / self.width - self.figure_x) > margin

    def far_side(self) -> float:
        """An x (pixels) on the side of the frame away from the figures."""
        side = 0.2 if self.figure_x > 0.5 else 0.8
        return (side + self.rng.uniform(-0.06, 0.06)) * self.width


Layer = Callable[[Stage], None]
TreePainter = Callable[[Canvas, float, float, float, RGB, RGB], None]  # canvas, x, ground, height, crown, trunk
Point = tuple[float, float]
Part = tuple[tuple[Point, ...], RGB]  # a polygon in units of its object's size, and its colour


@dataclass(frozen=True)
class Backdrop:
    sky: tuple[RGB, RGB]  # top, horizon
    horizon: float  # share of the frame height
    layers: tuple[Layer, ...]


def paint_backdrop(backdrop: Backdrop, canvas: Canvas, *, seed: str, figure_x: float, camera: float = 0.0, water: bool = False) -> None:
    """`camera` tilts the view (-1 looks up: more sky; 1 looks down: more ground); `water` adds a band of it for a swimmer."""
    horizon = backdrop.horizon + camera * HORIZON_TRAVEL * (1 - backdrop.horizon)
    stage = Stage(canvas, random.Random(seed), int(horizon * canvas.height), figure_x)
    canvas.sky(*backdrop.sky, horizon=stage.horizon)
    for layer in backdrop.layers:
        layer(stage)
    if water:
        water_band(stage)


HORIZON_TRAVEL = 0.35  # how far the camera's tilt moves the horizon, as a share of the land below it


# ---- layers -----------------------------------------------------------------------------------


def sun(stage: Stage, rgb: RGB = (255, 214, 70)) -> None:
    x, y, radius = stage.far_side(), stage.height * stage.rng.uniform(0.14, 0.22), stage.height * 0.075
    stage.canvas.glow((x, y), radius * 3, (255, 240, 180))
    for ray in range(12):
        angle = ray * math.pi / 6 + 0.2
        ray_ends = [(x + radius * reach * math.cos(angle), y + radius * reach * math.sin(angle)) for reach in (1.3, 1.75)]
        stage.canvas.line(ray_ends, rgb, 6)
    stage.canvas.ellipse(_around(x, y, radius), rgb)


def moon(stage: Stage) -> None:
    x, y, radius = stage.far_side(), stage.height * 0.18, stage.height * 0.08
    stage.canvas.glow((x, y), radius * 3.2, (200, 210, 255), strength=0.45)
    stage.canvas.crescent(_around(x, y, radius), (250, 240, 190))


def stars(stage: Stage, count: int, down_to: float = 0.6) -> None:
    colour = stage.canvas.look.colour((255, 250, 215))
    for _ in range(count):
        x, y = stage.rng.uniform(0, stage.width), stage.rng.uniform(0, stage.height * down_to)
        stage.canvas.draw.ellipse(_around(x, y, stage.rng.choice((1.5, 2, 2.5, 3))), fill=colour)
    for _ in range(count // 12):
        x, y = stage.rng.uniform(0, stage.width), stage.rng.uniform(0, stage.height * down_to)
        stage.canvas.polygon(sparkle_points(x, y, stage.rng.uniform(9, 16)), (255, 245, 190))


def clouds(stage: Stage, count: int, scale: float = 1.0, band: tuple[float, float] = (0.06, 0.34)) -> None:
    for _ in range(count):
        x, y = stage.rng.uniform(-0.05, 1.05) * stage.width, stage.rng.uniform(*band) * stage.height
        width = stage.rng.uniform(130, 220) * scale
        puffs = [
            (x - width * 0.5, y - width * 0.12, x + width * 0.5, y + width * 0.2),
            (x - width * 0.38, y - width * 0.3, x, y + width * 0.05),
            (x - width * 0.1, y - width * 0.42, x + width * 0.32, y),
        ]
        stage.canvas.blob(puffs, WHITE)


RAINBOW = ((235, 80, 80), (245, 160, 60), (250, 225, 80), (110, 200, 100), (90, 150, 235), (150, 100, 210))


def rainbow(stage: Stage, band_width: int = 14) -> None:
    x, radius = stage.far_side(), stage.width * 0.3
    for band, rgb in enumerate(RAINBOW):
        box = _around(x, stage.horizon + 40, radius - band * band_width)
        stage.canvas.draw.arc(box, 180, 360, fill=stage.canvas.look.colour(rgb), width=band_width)


def birds(stage: Stage, count: int) -> None:
    for _ in range(count):
        x, y = stage.rng.uniform(0.1, 0.9) * stage.width, stage.rng.uniform(0.1, 0.4) * stage.height
        span = stage.rng.uniform(14, 26)
        stage.canvas.line([(x - span, y - span * 0.4), (x, y), (x + span, y - span * 0.4)], (60, 60, 80), 4)


def hills(stage: Stage, colours: tuple[RGB, ...], start: float = 0.0) -> None:
    """Rolling hills from far (first colour) to near (last), each reaching the bottom.

    `start` is how far down the land (0 = horizon, 1 = bottom) the first ridge sits,
    so a last row of hills can stand in front of trees.
    """
    for depth, rgb in enumerate(colours):
        base = stage.horizon + (start + depth * 0.28) * (stage.height - stage.horizon)
        amplitude, wavelength, phase = stage.rng.uniform(18, 45), stage.rng.uniform(380, 700), stage.rng.uniform(0, 6.3)
        ridge = [(x, base - amplitude * math.sin(x / wavelength * 2 * math.pi + phase)) for x in range(-20, stage.width + 41, 40)]
        stage.canvas.polygon([*ridge, (stage.width + 20, stage.height + 5), (-20, stage.height + 5)], rgb)


def trees(stage: Stage, count: int, painter: TreePainter, crown: RGB, trunk: RGB = (120, 80, 45)) -> None:
    spots: list[float] = []
    for _ in range(count * 4):
        x = stage.rng.uniform(0.03, 0.97) * stage.width
        apart = all(abs(x - other) > stage.width * 0.07 for other in spots)
        if len(spots) < count and apart and stage.clear_of_figure(x, margin=0.13):
            spots.append(x)
    grounds = (stage.horizon + stage.rng.uniform(0.0, 0.12) * stage.height for _ in spots)
    for ground, x in sorted(zip(grounds, spots, strict=True)):  # back to front
        painter(stage.canvas, x, ground, stage.rng.uniform(0.8, 1.25) * stage.height * 0.32, crown, trunk)


def _round_tree(canvas: Canvas, x: float, ground: float, height: float, crown: RGB, trunk: RGB) -> None:
    canvas.rectangle((x - height * 0.05, ground - height * 0.55, x + height * 0.05, ground), trunk)
    r, top = height * 0.28, ground - height
    canvas.blob([_around(x, top + r, r), *(_around(x + side * r * 0.7, top + r * 1.7, r * 0.85) for side in (-1, 1))], crown)


# The right half of a pine's outline, tip to bottom, in units of its height from the tip; the left half mirrors it.
PINE_OUTLINE = ((0.0, 0.0), (0.21, 0.2), (0.18, 0.5), (0.25, 0.5), (0.23, 0.8), (0.3, 0.8))


def _pine(canvas: Canvas, x: float, ground: float, height: float, crown: RGB, trunk: RGB) -> None:
    canvas.rectangle((x - height * 0.04, ground - height * 0.2, x + height * 0.04, ground), trunk)
    right = _placed(PINE_OUTLINE, x, ground - height, height)
    left = [(2 * x - px, py) for px, py in reversed(right[1:])]
    canvas.polygon([*right, *left], crown)


PETAL_ANGLES = tuple(turn * 2 * math.pi / 5 for turn in range(5))
PETALS = ((240, 90, 110), (250, 200, 60), (170, 110, 220), (255, 255, 255), (250, 140, 60))


def flowers(stage: Stage, count: int) -> None:
    for _ in range(count):
        x = stage.rng.uniform(0.02, 0.98) * stage.width
        y = stage.rng.uniform(stage.horizon + 0.12 * stage.height, stage.height * 0.98)
        size = 5 + 10 * (y - stage.horizon) / (stage.height - stage.horizon)  # nearer is bigger
        stage.canvas.line([(x, y), (x, y + size * 2)], (60, 130, 50), 3)
        petals = [_around(x + size * math.cos(angle), y + size * math.sin(angle), size * 0.7) for angle in PETAL_ANGLES]
        stage.canvas.blob(petals, stage.rng.choice(PETALS))
        stage.canvas.ellipse(_around(x, y, size * 0.5), (250, 220, 80))


def path(stage: Stage, rgb: RGB = (225, 195, 140)) -> None:
    middle, far, near = stage.width * stage.rng.uniform(0.4, 0.6), stage.horizon + 10, stage.height + 5
    # It widens towards the viewer, a little more to the right: a path that bends as it comes closer.
    right, left = middle + 0.2 * stage.width, middle - 0.12 * stage.width
    stage.canvas.polygon([(middle - 15, far), (middle + 15, far), (right, near), (left, near)], rgb)


HOUSE: tuple[Part, ...] = (  # x around the house's middle, y up from the ground (negative is higher)
    (((0.25, -1.25), (0.4, -1.25), (0.4, -0.8), (0.25, -0.8)), (150, 80, 60)),  # chimney
    (((-0.5, -0.75), (0.5, -0.75), (0.5, 0.0), (-0.5, 0.0)), (245, 215, 150)),  # walls
    (((-0.62, -0.72), (0.0, -1.2), (0.62, -0.72)), (210, 70, 60)),  # roof
    (((-0.1, -0.4), (0.1, -0.4), (0.1, 0.0), (-0.1, 0.0)), (140, 90, 60)),  # door
)
HOUSE_WINDOWS = (-0.38, 0.18)  # left edges; windows are 0.2 square
DAYLIGHT_WINDOW, LAMPLIT_WINDOW = (160, 210, 240), (255, 220, 120)


def house(stage: Stage, scale: float, lit: bool = False) -> None:
    x, ground, size = stage.far_side(), stage.horizon + stage.height * 0.1, stage.height * 0.34 * scale
    for outline, rgb in HOUSE:
        stage.canvas.polygon(_placed(outline, x, ground, size), rgb)
    for left in HOUSE_WINDOWS:
        box = (x + size * left, ground - size * 0.6, x + size * (left + 0.2), ground - size * 0.4)
        stage.canvas.rectangle(box, LAMPLIT_WINDOW if lit else DAYLIGHT_WINDOW)


def sea(stage: Stage, water: RGB = (40, 140, 210)) -> None:
    stage.canvas.rectangle((-5, stage.horizon, stage.width + 5, stage.height + 5), water)
    crest = shade(water, 0.55)
    for row in range(6):
        y = stage.horizon + 12 + row * row * 9  # rows spread out towards the viewer
        for start in range(int(stage.rng.uniform(-80, 0)), stage.width, 160):
            stage.canvas.line([(start + dx, y + 6 * math.sin(dx / 12)) for dx in range(0, 80, 8)], crest, 3 + row // 2)


def beach(stage: Stage, sand: RGB = (240, 215, 150)) -> None:
    top, phase = stage.height * 0.8, stage.rng.uniform(0, 6.3)
    shore = [(x, top + 18 * math.sin(x / 170 + phase)) for x in range(-20, stage.width + 41, 40)]
    stage.canvas.polygon([*shore, (stage.width + 20, stage.height + 5), (-20, stage.height + 5)], sand)


BOAT: tuple[Part, ...] = (  # around the deck's middle
    (((-1.0, 0.0), (1.0, 0.0), (0.7, 0.4), (-0.7, 0.4)), (190, 90, 60)),  # hull
    (((-0.05, -1.4), (-0.05, -0.1), (-0.8, -0.1)), WHITE),  # sails
    (((0.05, -1.2), (0.05, -0.1), (0.6, -0.1)), (240, 90, 90)),
)


def boat(stage: Stage) -> None:
    x, y, size = stage.far_side(), stage.horizon + stage.height * 0.06, stage.height * 0.09
    for outline, rgb in BOAT:
        stage.canvas.polygon(_placed(outline, x, y, size), rgb)


PLANETS = (((230, 130, 80), 60, True), ((120, 180, 240), 34, False), ((200, 120, 220), 22, False))  # colour, radius, ringed


def planets(stage: Stage) -> None:
    ring = stage.canvas.look.colour((250, 220, 150))
    for rgb, radius, ringed in PLANETS:
        x, y = stage.far_side() + stage.rng.uniform(-200, 200), stage.rng.uniform(0.12, 0.5) * stage.height
        stage.canvas.ellipse(_around(x, y, radius), rgb)
        if ringed:
            stage.canvas.draw.ellipse(_placed(((-1.8, -0.35), (1.8, 0.35)), x, y, radius), outline=ring, width=6)


ROCKET: tuple[Part, ...] = (  # nose up, around its middle, before tilting
    (((0.0, 1.5), (-0.25, 2.3), (0.0, 2.1), (0.25, 2.3)), (255, 170, 50)),  # flame
    (((-0.3, 0.6), (-0.65, 1.35), (-0.3, 1.15)), (220, 60, 60)),  # fins
    (((0.3, 0.6), (0.65, 1.35), (0.3, 1.15)), (220, 60, 60)),
    (((0.0, -1.5), (0.35, -0.7), (0.35, 1.4), (-0.35, 1.4), (-0.35, -0.7)), (235, 235, 245)),  # body
)
ROCKET_TILT = math.radians(35)


def rocket(stage: Stage) -> None:
    x, y, size = stage.far_side(), stage.height * 0.3, stage.height * 0.1
    cos, sin = math.cos(ROCKET_TILT), math.sin(ROCKET_TILT)

    def tilted(points: tuple[Point, ...]) -> list[Point]:
        return _placed(tuple((px * cos - py * sin, px * sin + py * cos) for px, py in points), x, y, size)

    for outline, rgb in ROCKET:
        stage.canvas.polygon(tilted(outline), rgb)
    stage.canvas.ellipse(_around(*tilted(((0.0, -0.3),))[0], size * 0.2), (90, 170, 230))  # porthole


def moon_ground(stage: Stage) -> None:
    hills(stage, ((120, 115, 140), (160, 155, 175)))
    for _ in range(7):
        x, y = stage.rng.uniform(0, stage.width), stage.rng.uniform(stage.horizon + 60, stage.height)
        radius = stage.rng.uniform(14, 34)
        stage.canvas.ellipse((x - radius, y - radius * 0.35, x + radius, y + radius * 0.35), (125, 120, 145))  # a crater


def sparkle_points(x: float, y: float, radius: float) -> list[Point]:
    """A four-pointed twinkle."""
    tips = ((0, -1), (1, 0), (0, 1), (-1, 0))
    waist = ((0.22, -0.22), (0.22, 0.22), (-0.22, 0.22), (-0.22, -0.22))
    return _placed(tuple(point for pair in zip(tips, waist, strict=True) for point in pair), x, y, radius)


def _placed(points: tuple[Point, ...], x: float, y: float, size: float) -> list[Point]:
    """Points given in units of `size` around (x, y), in pixels."""
    return [(x + px * size, y + py * size) for px, py in points]


def _around(x: float, y: float, radius: float) -> Box:
    return (x - radius, y - radius, x + radius, y + radius)


def water_band(stage: Stage, water: RGB = (60, 150, 215)) -> None:
    """Water across the lower page for a figure to swim in, whatever the setting, rising above the captions' band."""
    top = stage.height * 0.52
    phase = stage.rng.uniform(0, 6.3)
    surface = [(x, top + 10 * math.sin(x / 90 + phase)) for x in range(-20, stage.width + 41, 30)]
    stage.canvas.polygon([*surface, (stage.width + 20, stage.height + 5), (-20, stage.height + 5)], water)
    crest = shade(water, 0.55)
    for row in range(3):
        y = top + 40 + row * 50
        for start in range(int(stage.rng.uniform(-120, 0)), stage.width, 190):
            stage.canvas.line([(start + dx, y + 5 * math.sin(dx / 12)) for dx in range(0, 90, 9)], crest, 3)


def lake(stage: Stage, water: RGB = (70, 155, 205)) -> None:
    """A still lake from the far bank to a near one, with reeds at its edge."""
    top, near = stage.horizon + 0.06 * stage.height, stage.height * 0.86
    stage.canvas.ellipse((-0.2 * stage.width, top, 1.2 * stage.width, near + (near - top)), water)
    glint = shade(water, 0.5)
    for _ in range(9):
        x, y = stage.rng.uniform(0.05, 0.95) * stage.width, stage.rng.uniform(top + 20, near - 10)
        stage.canvas.line([(x - 30, y), (x + 30, y)], glint, 3)
    for _ in range(10):
        x = stage.rng.uniform(0.0, 1.0) * stage.width
        if stage.clear_of_figure(x, margin=0.1):
            stage.canvas.line([(x, near + 10), (x + stage.rng.uniform(-12, 12), near - 50)], (70, 120, 50), 5)


WALL, SKIRTING, FLOOR = ((250, 225, 190), (240, 200, 160)), (200, 150, 110), (185, 130, 85)


def room(stage: Stage) -> None:
    """Indoors: the wall was the "sky"; a floor, a window on the world, a picture and a rug."""
    floor = stage.horizon
    stage.canvas.rectangle((-5, floor, stage.width + 5, stage.height + 5), FLOOR)
    stage.canvas.rectangle((-5, floor - 14, stage.width + 5, floor), SKIRTING)
    for row in range(1, 4):  # floorboards, spreading out towards the viewer
        y = floor + (stage.height - floor) * row * row / 12
        stage.canvas.line([(0, y), (stage.width, y)], shade(FLOOR, -0.18), 3)
    x, size = stage.far_side(), stage.height * 0.3
    window = (x - size * 0.6, floor - size * 1.75, x + size * 0.6, floor - size * 0.6)
    stage.canvas.rectangle((window[0] - 12, window[1] - 12, window[2] + 12, window[3] + 12), WHITE)
    stage.canvas.rectangle(window, (150, 205, 245))
    stage.canvas.ellipse(_around(window[0] + size * 0.35, window[3] - size * 0.1, size * 0.45), (120, 190, 90))  # a tree outside
    middle, centre = (window[0] + window[2]) / 2, (window[1] + window[3]) / 2
    stage.canvas.line([(middle, window[1]), (middle, window[3])], WHITE, 10)
    stage.canvas.line([(window[0], centre), (window[2], centre)], WHITE, 10)
    picture_x = stage.width - x + stage.rng.uniform(-60, 60)
    frame = (picture_x - 60, floor - size * 1.7, picture_x + 60, floor - size * 1.25)
    stage.canvas.rectangle(frame, (170, 110, 70))
    stage.canvas.rectangle((frame[0] + 10, frame[1] + 10, frame[2] - 10, frame[3] - 10), (250, 200, 90))
    rug_y = floor + (stage.height - floor) * 0.55
    stage.canvas.ellipse(
        (stage.width * 0.2, rug_y - 40, stage.width * 0.8, rug_y + 60), stage.rng.choice(((220, 100, 110), (110, 150, 220)))
    )


STREET_HOUSES = ((245, 190, 150), (170, 210, 230), (250, 230, 150), (200, 180, 230), (190, 225, 170))


def street(stage: Stage) -> None:
    """A row of little houses and shops along a pavement and a road."""
    pavement = stage.horizon + 0.1 * stage.height
    x = stage.rng.uniform(-80, 0)
    while x < stage.width:
        width, height = stage.rng.uniform(150, 230), stage.rng.uniform(0.22, 0.36) * stage.height
        walls = stage.rng.choice(STREET_HOUSES)
        stage.canvas.rectangle((x, pavement - height, x + width, pavement), walls)
        roof = (x - 10, pavement - height), (x + width / 2, pavement - height - width * 0.35), (x + width + 10, pavement - height)
        stage.canvas.polygon(list(roof), stage.rng.choice(((200, 80, 70), (120, 90, 80), (90, 110, 150))))
        for column in (0.18, 0.6):
            top = pavement - height * 0.75
            stage.canvas.rectangle((x + width * column, top, x + width * (column + 0.22), top + height * 0.25), DAYLIGHT_WINDOW)
        stage.canvas.rectangle((x + width * 0.42, pavement - height * 0.35, x + width * 0.58, pavement), (130, 90, 70))
        x += width + stage.rng.uniform(10, 40)
    stage.canvas.rectangle((-5, pavement, stage.width + 5, stage.height + 5), (200, 200, 205))
    road = pavement + 0.12 * stage.height
    stage.canvas.rectangle((-5, road, stage.width + 5, stage.height + 5), (110, 110, 120))
    for start in range(int(stage.rng.uniform(-60, 0)), stage.width, 160):
        y = road + (stage.height - road) * 0.5
        stage.canvas.line([(start, y), (start + 80, y)], (250, 250, 250), 6)


def snowflakes(stage: Stage, count: int) -> None:
    for _ in range(count):
        x, y = stage.rng.uniform(0, stage.width), stage.rng.uniform(0, stage.height)
        stage.canvas.draw.ellipse(_around(x, y, stage.rng.choice((2.5, 3.5, 5))), fill=stage.canvas.look.colour(WHITE))


def snowman(stage: Stage) -> None:
    x, ground, size = stage.far_side(), stage.horizon + stage.height * 0.16, stage.height * 0.07
    for radius, rise in ((1.3, 1.0), (0.95, 2.9), (0.65, 4.3)):
        stage.canvas.ellipse(_around(x, ground - size * rise, size * radius), (245, 248, 255))
    stage.canvas.polygon([(x, ground - size * 4.35), (x + size * 0.9, ground - size * 4.2), (x, ground - size * 4.05)], (245, 140, 50))


# ---- the settings -----------------------------------------------------------------------------

DAY_SKY = ((95, 170, 240), (205, 232, 250))
GREEN_HILLS = ((170, 215, 120), (120, 190, 85), (85, 165, 65))
SNOWY_HILLS = ((225, 235, 248), (240, 245, 252), (252, 253, 255))
LEAFY = (70, 150, 60)

BACKDROPS: dict[SceneSetting, Backdrop] = {
    SceneSetting.MEADOW: Backdrop(
        DAY_SKY,
        horizon=0.6,
        layers=(
            sun,
            partial(clouds, count=3),
            partial(hills, colours=GREEN_HILLS),
            partial(trees, count=3, painter=_round_tree, crown=LEAFY),
            path,
            partial(flowers, count=20),
        ),
    ),
    SceneSetting.FOREST: Backdrop(
        ((110, 185, 225), (215, 235, 215)),
        horizon=0.55,
        layers=(
            sun,
            partial(hills, colours=((110, 165, 100), (75, 140, 75))),
            partial(trees, count=8, painter=_pine, crown=(40, 110, 60)),
            partial(trees, count=3, painter=_round_tree, crown=(60, 140, 55)),
            partial(hills, colours=((65, 125, 55),), start=0.62),
        ),
    ),
    SceneSetting.SEA: Backdrop(
        ((80, 160, 235), (190, 225, 250)),
        horizon=0.52,
        layers=(sun, partial(clouds, count=2), sea, boat, beach),
    ),
    SceneSetting.LAKE: Backdrop(
        ((120, 185, 235), (220, 238, 245)),
        horizon=0.5,
        layers=(
            partial(clouds, count=3),
            partial(hills, colours=((130, 185, 120), (100, 170, 90))),
            partial(trees, count=4, painter=_round_tree, crown=(80, 150, 70)),
            lake,
        ),
    ),
    SceneSetting.SKY: Backdrop(
        ((70, 150, 240), (185, 222, 255)),
        horizon=0.86,
        layers=(
            sun,
            rainbow,
            partial(clouds, count=6, scale=1.5, band=(0.08, 0.8)),
            partial(birds, count=5),
            partial(hills, colours=GREEN_HILLS[1:]),
        ),
    ),
    SceneSetting.NIGHT_SKY: Backdrop(
        ((12, 18, 60), (70, 60, 130)),
        horizon=0.64,
        layers=(
            partial(stars, count=90),
            moon,
            partial(hills, colours=((40, 55, 95), (30, 45, 75))),
            partial(trees, count=2, painter=_round_tree, crown=(30, 60, 70)),
            partial(house, scale=0.7, lit=True),
            partial(hills, colours=((22, 38, 60),), start=0.62),
        ),
    ),
    SceneSetting.HOME: Backdrop(WALL, horizon=0.68, layers=(room,)),
    SceneSetting.TOWN: Backdrop(
        ((110, 180, 240), (210, 232, 248)),
        horizon=0.5,
        layers=(sun, partial(clouds, count=3), street),
    ),
    SceneSetting.SNOW: Backdrop(
        ((160, 190, 225), (230, 238, 248)),
        horizon=0.6,
        layers=(
            partial(hills, colours=SNOWY_HILLS),
            partial(trees, count=4, painter=_pine, crown=(60, 110, 90)),
            snowman,
            partial(hills, colours=((250, 252, 255),), start=0.7),
            partial(snowflakes, count=70),
        ),
    ),
    SceneSetting.SPACE: Backdrop(
        ((5, 5, 30), (50, 25, 90)),
        horizon=0.8,
        layers=(partial(stars, count=140, down_to=0.85), planets, rocket, moon_ground),
    ),
}
