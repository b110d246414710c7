"""Child-like crayon drawings of known subjects on known paper, made from a seed, so no picture is kept in git.

Each drawing comes with the truth: the subject's kind and the figure's own pixels, so the vision tests can check
what the analyser names and what it cuts out. Strokes wobble, fills are grainy, sizes and places jitter, and the
paper may be white, cream, coloured, dark, lined or squared, photographed at an angle with a shadow across it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from shared.domain.subjects import SubjectKind

SIZE = (640, 480)
Colour = tuple[int, int, int]
Point = tuple[float, float]

RED, ORANGE, YELLOW = (215, 40, 40), (245, 135, 30), (250, 205, 40)
GREEN, DARK_GREEN, BLUE = (70, 170, 60), (30, 110, 50), (40, 90, 205)
PURPLE, PINK, BROWN, BLACK = (125, 60, 175), (235, 90, 160), (125, 75, 40), (30, 30, 30)
OUTLINES = (RED, BLUE, BLACK, PURPLE, BROWN, DARK_GREEN, ORANGE)


class Paper(StrEnum):
    WHITE = "white"
    CREAM = "cream"
    COLOURED = "coloured"
    DARK = "dark"
    LINED = "lined"
    SQUARED = "squared"
    PHOTO = "photo"  # white paper on a table, at an angle, with a shadow across it


@dataclass(frozen=True)
class Drawing:
    kind: SubjectKind
    paper: Paper
    png: bytes
    figure: np.ndarray  # bool H x W at SIZE: where the child's figure is on the final picture


class _Crayon:
    """Draws with wobbling lines and grainy fills onto a figure layer and records where it drew."""

    def __init__(self, rng: np.random.Generator, dark_paper: bool) -> None:
        self.rng = rng
        self.layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.layer)
        self.width = int(rng.integers(5, 9))
        self.dark_paper = dark_paper

    def _ink(self, colour: Colour) -> tuple[int, int, int, int]:
        # Dark crayons hardly show on dark paper; a child takes pale ones.
        if self.dark_paper and sum(colour) < 450:
            colour = (255 - (255 - colour[0]) // 3, 255 - (255 - colour[1]) // 3, 255 - (255 - colour[2]) // 3)
        jitter = self.rng.integers(-15, 16, size=3)
        red, green, blue = (int(np.clip(c + j, 0, 255)) for c, j in zip(colour, jitter, strict=True))
        return red, green, blue, 255

    def _wobble(self, points: list[Point]) -> list[Point]:
        """Each segment cut into short steps, each step nudged sideways a little."""
        wobbled: list[Point] = []
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            steps = max(2, int(math.hypot(x1 - x0, y1 - y0) / 12))
            for step in range(steps):
                t = step / steps
                wobbled.append((x0 + (x1 - x0) * t + self.rng.normal(0, 1.2), y0 + (y1 - y0) * t + self.rng.normal(0, 1.2)))
        wobbled.append(points[-1])
        return wobbled

    def line(self, points: list[Point], colour: Colour, width: int | None = None) -> None:
        self.draw.line(self._wobble(points), fill=self._ink(colour), width=width or self.width, joint="curve")

    def loop(self, points: list[Point], colour: Colour) -> None:
        self.line([*points, points[0]], colour)

    def fill(self, points: list[Point], colour: Colour, outline: Colour | None = None) -> None:
        self.draw.polygon(self._wobble([*points, points[0]]), fill=self._ink(colour))
        if outline:
            self.loop(points, outline)

    def oval(self, centre: Point, rx: float, ry: float, colour: Colour, filled: bool = False, turn: float = 0.0) -> None:
        points = _oval(centre, rx, ry, turn)
        if filled:
            self.fill(points, colour)
        else:
            self.loop(points, colour)

    def grainy(self) -> Image.Image:
        """The figure layer with crayon grain: some pixels of every stroke let the paper through."""
        alpha = np.asarray(self.layer)[..., 3].astype(np.float32) / 255
        grain = self.rng.uniform(0.55, 1.0, size=alpha.shape).astype(np.float32)
        pixels = np.asarray(self.layer).copy()
        pixels[..., 3] = (alpha * grain * 255).astype(np.uint8)
        return Image.fromarray(pixels)


def _oval(centre: Point, rx: float, ry: float, turn: float = 0.0, steps: int = 24) -> list[Point]:
    cx, cy = centre
    points = []
    for index in range(steps):
        angle = 2 * math.pi * index / steps
        x, y = rx * math.cos(angle), ry * math.sin(angle)
        points.append((cx + x * math.cos(turn) - y * math.sin(turn), cy + x * math.sin(turn) + y * math.cos(turn)))
    return points


# Each subject is drawn in a box of side `s` centred on (x, y), facing left or right by `face` (1 or -1).


def _person(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    head = s * 0.13
    top = y - s * 0.45
    c.oval((x, top + head), head, head * 1.1, colour)
    neck, hip = top + 2 * head, y + s * 0.15
    c.line([(x, neck), (x, hip)], colour)
    c.line([(x - s * 0.28, neck + s * 0.12 - face * s * 0.08), (x, neck + s * 0.1), (x + s * 0.28, neck + s * 0.05)], colour)
    c.line([(x - s * 0.2, y + s * 0.5), (x, hip), (x + s * 0.2, y + s * 0.5)], colour)


def _cat(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    head_x, head_y, head = x + face * s * 0.18, y - s * 0.2, s * 0.17
    c.oval((x - face * s * 0.05, y + s * 0.15), s * 0.25, s * 0.22, colour)
    c.oval((head_x, head_y), head, head * 0.9, colour)
    for side in (-1, 1):
        ear = head_x + side * head * 0.6
        c.line([(ear - head * 0.35, head_y - head * 0.6), (ear, head_y - head * 1.5), (ear + head * 0.35, head_y - head * 0.7)], colour)
    c.line([(x - face * s * 0.28, y + s * 0.2), (x - face * s * 0.45, y - s * 0.05), (x - face * s * 0.4, y - s * 0.3)], colour)
    for leg in (-0.15, 0.05):
        c.line([(x + leg * s, y + s * 0.34), (x + leg * s, y + s * 0.45)], colour)


def _quadruped(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour, leg: float, neck: float, tail: float) -> None:
    body_y = y + s * (0.3 - leg) - s * 0.1
    c.oval((x, body_y), s * 0.32, s * 0.13, colour)
    head_x, head_y = x + face * s * 0.4, body_y - neck
    c.line([(x + face * s * 0.25, body_y - s * 0.05), (head_x, head_y)], colour)
    c.oval((head_x + face * s * 0.05, head_y), s * 0.1, s * 0.07, colour)
    for offset in (-0.25, -0.15, 0.12, 0.22):
        c.line([(x + offset * s, body_y + s * 0.1), (x + offset * s + c.rng.normal(0, 2), body_y + s * 0.1 + leg * s)], colour)
    c.line([(x - face * s * 0.3, body_y - s * 0.02), (x - face * s * (0.3 + tail), body_y + s * 0.12)], colour)


def _dog(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    _quadruped(c, x, y, s, face, colour, leg=0.15, neck=s * 0.12, tail=0.12)
    c.oval((x + face * s * 0.4, y - s * 0.02), s * 0.04, s * 0.08, colour, filled=True)


def _horse(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    _quadruped(c, x, y, s, face, colour, leg=0.35, neck=s * 0.25, tail=0.15)


def _dinosaur(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    c.fill(_oval((x, y), s * 0.3, s * 0.17), GREEN, outline=colour)
    c.fill(
        [(x + face * s * 0.2, y - s * 0.05), (x + face * s * 0.38, y - s * 0.38), (x + face * s * 0.3, y - s * 0.02)], GREEN, outline=colour
    )
    c.oval((x + face * s * 0.42, y - s * 0.4), s * 0.09, s * 0.06, colour)
    c.fill(
        [(x - face * s * 0.25, y - s * 0.06), (x - face * s * 0.55, y + s * 0.12), (x - face * s * 0.22, y + s * 0.1)],
        GREEN,
        outline=colour,
    )
    for spike in (-0.15, 0.0, 0.15):
        base = x + spike * s
        c.fill([(base - s * 0.05, y - s * 0.15), (base, y - s * 0.27), (base + s * 0.05, y - s * 0.15)], ORANGE)
    for offset in (-0.18, 0.12):
        c.line([(x + offset * s, y + s * 0.12), (x + offset * s, y + s * 0.32)], colour, width=c.width * 2)


def _bird(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    c.fill(_oval((x, y), s * 0.25, s * 0.16), colour)
    c.oval((x + face * s * 0.25, y - s * 0.15), s * 0.1, s * 0.1, colour, filled=True)
    c.fill([(x + face * s * 0.33, y - s * 0.18), (x + face * s * 0.45, y - s * 0.13), (x + face * s * 0.33, y - s * 0.1)], ORANGE)
    c.fill([(x - s * 0.05, y - s * 0.02), (x - face * s * 0.2, y - s * 0.35), (x + face * s * 0.1, y - s * 0.05)], colour, outline=BLACK)
    c.fill([(x - face * s * 0.22, y), (x - face * s * 0.42, y - s * 0.1), (x - face * s * 0.4, y + s * 0.08)], colour)
    for leg in (-0.05, 0.05):
        c.line([(x + leg * s, y + s * 0.15), (x + leg * s, y + s * 0.28)], ORANGE)


def _fish(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    c.fill(_oval((x + face * s * 0.08, y), s * 0.3, s * 0.16), colour)
    tail = x - face * s * 0.2
    c.fill([(tail, y), (tail - face * s * 0.25, y - s * 0.16), (tail - face * s * 0.25, y + s * 0.16)], colour)
    c.oval((x + face * s * 0.25, y - s * 0.04), s * 0.025, s * 0.025, BLACK, filled=True)


def _rocket(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    half = s * 0.12
    top, bottom = y - s * 0.3, y + s * 0.3
    c.fill([(x - half, top), (x + half, top), (x + half, bottom), (x - half, bottom)], colour)
    c.fill([(x - half, top), (x, y - s * 0.5), (x + half, top)], RED if colour != RED else BLUE)
    for side in (-1, 1):
        c.fill([(x + side * half, bottom - s * 0.15), (x + side * half * 2.2, bottom + s * 0.05), (x + side * half, bottom)], colour)
    c.oval((x, y - s * 0.1), half * 0.5, half * 0.5, BLUE if colour != BLUE else BLACK, filled=True)
    c.fill([(x - half * 0.7, bottom), (x, bottom + s * 0.18), (x + half * 0.7, bottom)], ORANGE)


def _car(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    c.fill([(x - s * 0.45, y - s * 0.05), (x + s * 0.45, y - s * 0.05), (x + s * 0.45, y + s * 0.15), (x - s * 0.45, y + s * 0.15)], colour)
    c.fill([(x - s * 0.25, y - s * 0.05), (x - s * 0.18, y - s * 0.25), (x + s * 0.15, y - s * 0.25), (x + s * 0.25, y - s * 0.05)], colour)
    for wheel in (-0.27, 0.27):
        c.oval((x + wheel * s, y + s * 0.17), s * 0.09, s * 0.09, BLACK, filled=True)


def _house(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    wall = colour if colour not in (RED, DARK_GREEN, GREEN) else BLUE
    c.fill([(x - s * 0.3, y - s * 0.05), (x + s * 0.3, y - s * 0.05), (x + s * 0.3, y + s * 0.45), (x - s * 0.3, y + s * 0.45)], wall)
    c.fill([(x - s * 0.38, y - s * 0.05), (x, y - s * 0.42), (x + s * 0.38, y - s * 0.05)], RED)
    c.fill([(x - s * 0.06, y + s * 0.2), (x + s * 0.06, y + s * 0.2), (x + s * 0.06, y + s * 0.45), (x - s * 0.06, y + s * 0.45)], BROWN)


def _tree(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    c.fill([(x - s * 0.07, y), (x + s * 0.07, y), (x + s * 0.08, y + s * 0.48), (x - s * 0.08, y + s * 0.48)], BROWN)
    c.fill(_oval((x, y - s * 0.18), s * 0.3, s * 0.28), GREEN if face > 0 else DARK_GREEN)


def _flower(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    centre = (x, y - s * 0.2)
    c.line([(x, centre[1]), (x + face * s * 0.03, y + s * 0.48)], GREEN)
    c.fill(_oval((x + face * s * 0.1, y + s * 0.22), s * 0.1, s * 0.04, -face * 0.5), GREEN)
    petal = colour if colour not in (BROWN, DARK_GREEN, BLACK) else PINK
    for index in range(6):
        angle = index * math.pi / 3
        c.oval((centre[0] + s * 0.13 * math.cos(angle), centre[1] + s * 0.13 * math.sin(angle)), s * 0.08, s * 0.08, petal, filled=True)
    c.oval(centre, s * 0.07, s * 0.07, YELLOW if petal != YELLOW else ORANGE, filled=True)


def _sun(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    warm = YELLOW if face > 0 else ORANGE
    c.oval((x, y), s * 0.2, s * 0.2, warm, filled=True)
    for index in range(int(c.rng.integers(8, 13))):
        angle = index * 2 * math.pi / 12 + c.rng.normal(0, 0.05)
        c.line(
            [
                (x + s * 0.26 * math.cos(angle), y + s * 0.26 * math.sin(angle)),
                (x + s * 0.45 * math.cos(angle), y + s * 0.45 * math.sin(angle)),
            ],
            warm,
        )


def _rainbow(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    band = s * 0.07
    for index, stripe in enumerate((RED, ORANGE, YELLOW, GREEN, BLUE, PURPLE)):
        radius = s * 0.55 - index * band
        arc = [(x + radius * math.cos(a), y + s * 0.25 - radius * math.sin(a)) for a in np.linspace(0, math.pi, 24)]
        c.line(arc, stripe, width=int(band) + 2)


def _heart(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    warm = RED if face > 0 else PINK
    points = []
    for t in np.linspace(0, 2 * math.pi, 40, endpoint=False):
        hx = 16 * math.sin(t) ** 3
        hy = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((x + hx * s * 0.024, y - hy * s * 0.024))
    c.fill(points, warm)


def _boat(c: _Crayon, x: float, y: float, s: float, face: int, colour: Colour) -> None:
    deck, keel = y + s * 0.15, y + s * 0.35
    c.fill([(x - s * 0.45, deck), (x + s * 0.45, deck), (x + s * 0.3, keel), (x - s * 0.3, keel)], BROWN if colour != BROWN else RED)
    c.line([(x, deck), (x, y - s * 0.45)], BLACK)
    c.fill([(x + face * s * 0.03, y - s * 0.42), (x + face * s * 0.35, deck - s * 0.05), (x + face * s * 0.03, deck - s * 0.05)], colour)


SUBJECTS: dict[SubjectKind, Callable[[_Crayon, float, float, float, int, Colour], None]] = {
    SubjectKind.PERSON: _person,
    SubjectKind.CAT: _cat,
    SubjectKind.DOG: _dog,
    SubjectKind.HORSE: _horse,
    SubjectKind.BIRD: _bird,
    SubjectKind.FISH: _fish,
    SubjectKind.ROCKET: _rocket,
    SubjectKind.CAR: _car,
    SubjectKind.HOUSE: _house,
    SubjectKind.TREE: _tree,
    SubjectKind.FLOWER: _flower,
    SubjectKind.SUN: _sun,
    SubjectKind.RAINBOW: _rainbow,
    SubjectKind.HEART: _heart,
    SubjectKind.BOAT: _boat,
    SubjectKind.DINOSAUR: _dinosaur,
}

_PAPER_COLOURS: dict[Paper, Colour] = {
    Paper.WHITE: (250, 250, 247),
    Paper.CREAM: (245, 235, 205),
    Paper.COLOURED: (200, 225, 245),
    Paper.DARK: (30, 40, 80),
    Paper.LINED: (248, 248, 244),
    Paper.SQUARED: (248, 248, 244),
    Paper.PHOTO: (245, 244, 238),
}


def _paper(paper: Paper, rng: np.random.Generator) -> Image.Image:
    sheet = Image.new("RGB", SIZE, _PAPER_COLOURS[paper])
    draw = ImageDraw.Draw(sheet)
    gap = int(rng.integers(22, 32))
    rule = (150, 180, 220)
    if paper in (Paper.LINED, Paper.SQUARED):
        for row in range(gap, SIZE[1], gap):
            draw.line([(0, row), (SIZE[0], row)], fill=rule, width=1 + int(rng.integers(0, 2)))
    if paper is Paper.LINED:
        draw.line([(60, 0), (60, SIZE[1])], fill=(230, 120, 130), width=2)
    if paper is Paper.SQUARED:
        for column in range(gap, SIZE[0], gap):
            draw.line([(column, 0), (column, SIZE[1])], fill=rule, width=1)
    if paper is Paper.DARK:
        # A night page ruled in a paler blue, as in the rocket.
        for row in range(gap, SIZE[1], gap):
            draw.line([(0, row), (SIZE[0], row)], fill=(60, 75, 120), width=1)
    grain = rng.normal(0, 3, size=(SIZE[1], SIZE[0], 1))
    return Image.fromarray(np.clip(np.asarray(sheet, dtype=np.float32) + grain, 0, 255).astype(np.uint8))


def _photographed(picture: Image.Image, figure: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, Image.Image]:
    """The page turned a little on a wooden table, smaller in the frame, with a shadow falling across it."""
    angle = float(rng.uniform(-6, 6))
    scale = float(rng.uniform(0.8, 0.88))
    size = (int(SIZE[0] * scale), int(SIZE[1] * scale))
    page = picture.resize(size).rotate(angle, expand=True, fillcolor=(0, 0, 0))
    page_mask = Image.new("L", size, 255).rotate(angle, expand=True)
    figure_page = figure.resize(size).rotate(angle, expand=True)
    table = Image.new("RGB", SIZE, (120, 85, 55))
    offset = ((SIZE[0] - page.width) // 2 + int(rng.integers(-10, 11)), (SIZE[1] - page.height) // 2 + int(rng.integers(-8, 9)))
    table.paste(page, offset, page_mask)
    truth = Image.new("L", SIZE, 0)
    truth.paste(figure_page, offset)
    shade = np.linspace(1.0, float(rng.uniform(0.6, 0.75)), SIZE[0], dtype=np.float32)
    shaded = np.asarray(table, dtype=np.float32) * (shade if rng.random() < 0.5 else shade[::-1])[None, :, None]
    return Image.fromarray(np.clip(shaded, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6)), truth


def draw(kind: SubjectKind, paper: Paper, seed: int) -> Drawing:
    rng = np.random.default_rng(seed)
    crayon = _Crayon(rng, dark_paper=paper is Paper.DARK)
    side = float(rng.uniform(0.55, 0.75)) * SIZE[1]
    x = SIZE[0] / 2 + float(rng.uniform(-0.12, 0.12)) * SIZE[0]
    y = SIZE[1] / 2 + float(rng.uniform(-0.06, 0.06)) * SIZE[1]
    colour = OUTLINES[int(rng.integers(len(OUTLINES)))]
    SUBJECTS[kind](crayon, x, y, side, 1 if rng.random() < 0.5 else -1, colour)
    strokes = crayon.grainy()
    picture = _paper(paper, rng)
    picture.paste(strokes, (0, 0), strokes)
    figure = Image.fromarray(((np.asarray(crayon.layer)[..., 3] > 0) * 255).astype(np.uint8))
    if paper is Paper.PHOTO:
        picture, figure = _photographed(picture, figure, rng)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return Drawing(kind=kind, paper=paper, png=buffer.getvalue(), figure=np.asarray(figure) > 127)


def evaluation_set(per_kind: int = 4) -> list[Drawing]:
    """Every subject on `per_kind` papers in turn, each from its own seed."""
    papers = list(Paper)
    drawings = []
    for kind_index, kind in enumerate(SUBJECTS):
        for index in range(per_kind):
            seed = kind_index * 100 + index
            drawings.append(draw(kind, papers[(kind_index + index) % len(papers)], seed))
    return drawings
