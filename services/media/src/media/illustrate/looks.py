"""How each illustration style paints: colour grading, shape fills and finishing.

Every shape of a backdrop goes through a `Canvas`, which fills it the way the
chosen `Look` says; that keeps the scene painters free of style branches and
makes the four styles differ in every shape, not just in a final filter.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from shared.domain.models import Style

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]
MaskPainter = Callable[[ImageDraw.ImageDraw, float, float], None]  # draws fill=255, offset by (-dx, -dy)

WHITE: RGB = (255, 255, 255)
PAPER: RGB = (250, 245, 232)


class Fill(Enum):
    FLAT = "flat"  # one colour per shape
    GLOSS = "gloss"  # light-to-dark gradient with a specular highlight
    CEL = "cel"  # hard-edged shadow and light bands


@dataclass(frozen=True)
class Look:
    saturation: float  # multiplier on HLS saturation
    tint: RGB  # every colour drifts towards this one...
    tint_amount: float  # ...by this much
    fill: Fill
    sky_bands: int  # 0 = smooth sky gradient, otherwise that many hard bands
    shape_outline: RGB | None  # ink line around every shape
    sticker: RGB  # the border cut around the child's figures
    figure_outline: RGB | None  # a crisp line outside the sticker border
    figure_shadow: bool  # a soft drop shadow under the figures
    speed_lines: bool  # radial lines and sparkles around the figures
    finish: Callable[[Image.Image], Image.Image]  # applied to the backdrop only, never to the child's figures

    @lru_cache(maxsize=512)  # noqa: B019 - looks are module constants, the cache lives as long as they do
    def colour(self, rgb: RGB) -> RGB:
        hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
        graded = colorsys.hls_to_rgb(hue, lightness, min(1.0, saturation * self.saturation))
        tinted = ((1 - self.tint_amount) * 255 * c + self.tint_amount * t for c, t in zip(graded, self.tint, strict=True))
        return tuple(round(c) for c in tinted)  # type: ignore[return-value]


def shade(rgb: RGB, amount: float) -> RGB:
    """Lighter towards white for amount > 0, darker towards black for amount < 0."""
    target = 255 if amount > 0 else 0
    return tuple(round(c + (target - c) * abs(amount)) for c in rgb)  # type: ignore[return-value]


def vertical_gradient(size: tuple[int, int], top: RGB, bottom: RGB, bands: int = 0) -> Image.Image:
    width, height = size
    t = np.linspace(0.0, 1.0, max(height, 1))
    if bands:
        t = np.minimum(np.floor(t * bands), bands - 1) / max(bands - 1, 1)
    column = (1 - t)[:, None] * np.array(top, float) + t[:, None] * np.array(bottom, float)
    strip = Image.fromarray(column.astype(np.uint8)[:, None, :])
    return strip.resize((max(width, 1), max(height, 1)), Image.Resampling.NEAREST)


@lru_cache(maxsize=1)
def _radial_sprite() -> Image.Image:
    """A small soft disc (255 centre, 0 rim), resized wherever a glow or highlight is needed."""
    y, x = np.mgrid[-1:1:64j, -1:1:64j]
    falloff = np.clip(1 - np.hypot(x, y), 0, 1) ** 1.5
    return Image.fromarray((255 * falloff).astype(np.uint8))


def radial_mask(size: tuple[int, int]) -> Image.Image:
    return _radial_sprite().resize((max(size[0], 1), max(size[1], 1)), Image.Resampling.BILINEAR)


class Canvas:
    """A frame-sized RGB image that fills every shape the way its look says."""

    def __init__(self, look: Look, size: tuple[int, int]) -> None:
        self.look = look
        self.image = Image.new("RGB", size, WHITE)
        self.draw = ImageDraw.Draw(self.image)

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    def sky(self, top: RGB, bottom: RGB, horizon: int) -> None:
        """A gradient reaching its `bottom` colour at the horizon, so the sky glows just above the land."""
        top, bottom = self.look.colour(top), self.look.colour(bottom)
        self.image.paste(bottom, (0, 0, self.width, self.height))
        self.image.paste(vertical_gradient((self.width, horizon), top, bottom, self.look.sky_bands), (0, 0))

    def glow(self, centre: tuple[float, float], radius: float, rgb: RGB, strength: float = 0.6) -> None:
        diameter = int(2 * radius)
        left, top = int(centre[0] - radius), int(centre[1] - radius)
        halo = radial_mask((diameter, diameter)).point(lambda v: int(v * strength))
        self.image.paste(self.look.colour(rgb), (left, top, left + diameter, top + diameter), halo)

    def ellipse(self, box: Box, rgb: RGB) -> None:
        self.shape(box, rgb, lambda draw, dx, dy: draw.ellipse(_shift(box, dx, dy), fill=255))

    def rectangle(self, box: Box, rgb: RGB) -> None:
        self.shape(box, rgb, lambda draw, dx, dy: draw.rectangle(_shift(box, dx, dy), fill=255))

    def polygon(self, points: list[tuple[float, float]], rgb: RGB) -> None:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        shifted = lambda dx, dy: [(x - dx, y - dy) for x, y in points]  # noqa: E731
        self.shape((min(xs), min(ys), max(xs), max(ys)), rgb, lambda draw, dx, dy: draw.polygon(shifted(dx, dy), fill=255))

    def blob(self, ellipses: list[Box], rgb: RGB) -> None:
        """Overlapping ellipses filled as one shape, so a cloud or a tree crown gets one outline."""
        box = (min(e[0] for e in ellipses), min(e[1] for e in ellipses), max(e[2] for e in ellipses), max(e[3] for e in ellipses))

        def paint(draw: ImageDraw.ImageDraw, dx: float, dy: float) -> None:
            for ellipse in ellipses:
                draw.ellipse(_shift(ellipse, dx, dy), fill=255)

        self.shape(box, rgb, paint)

    def crescent(self, box: Box, rgb: RGB) -> None:
        bite = (box[2] - box[0]) * 0.38

        def paint(draw: ImageDraw.ImageDraw, dx: float, dy: float) -> None:
            draw.ellipse(_shift(box, dx, dy), fill=255)
            draw.ellipse(_shift((box[0] + bite, box[1] - bite * 0.4, box[2] + bite, box[3] - bite * 0.4), dx, dy), fill=0)

        self.shape(box, rgb, paint)

    def line(self, points: list[tuple[float, float]], rgb: RGB, width: int) -> None:
        """Thin strokes (waves, birds, rays) keep one colour in every look."""
        self.draw.line(points, fill=self.look.colour(rgb), width=width, joint="curve")

    def shape(self, box: Box, rgb: RGB, paint: MaskPainter) -> None:
        left, top = max(0, int(box[0]) - 4), max(0, int(box[1]) - 4)
        right, bottom = min(self.width, int(box[2]) + 5), min(self.height, int(box[3]) + 5)
        if right <= left or bottom <= top:
            return
        mask = Image.new("L", (right - left, bottom - top), 0)
        paint(ImageDraw.Draw(mask), left, top)
        colour = self.look.colour(rgb)
        self.image.paste(_FILLS[self.look.fill](colour, mask), (left, top), mask)
        if self.look.shape_outline:
            edge = mask.filter(ImageFilter.FIND_EDGES).filter(ImageFilter.MaxFilter(3))
            self.image.paste(self.look.shape_outline, (left, top), edge)


def _shift(box: Box, dx: float, dy: float) -> Box:
    return (box[0] - dx, box[1] - dy, box[2] - dx, box[3] - dy)


def _flat_fill(colour: RGB, mask: Image.Image) -> Image.Image:
    return Image.new("RGB", mask.size, colour)


def _gloss_fill(colour: RGB, mask: Image.Image) -> Image.Image:
    width, height = mask.size
    body = vertical_gradient(mask.size, shade(colour, 0.35), shade(colour, -0.3))
    spot = Image.new("L", mask.size, 0)
    spot.paste(radial_mask((int(width * 0.55) + 1, int(height * 0.45) + 1)), (int(width * 0.12), int(height * 0.06)))
    body.paste(shade(colour, 0.7), (0, 0), ImageChops.multiply(spot, mask).point(lambda v: int(v * 0.8)))
    return body


def _cel_fill(colour: RGB, mask: Image.Image) -> Image.Image:
    width, height = mask.size
    body = Image.new("RGB", mask.size, colour)
    draw = ImageDraw.Draw(body)
    # A diagonal terminator: light comes from the upper left, as in most anime backgrounds.
    draw.polygon([(0, height * 0.62), (width, height * 0.38), (width, height), (0, height)], fill=shade(colour, -0.28))
    draw.polygon([(0, 0), (width * 0.45, 0), (0, height * 0.22)], fill=shade(colour, 0.3))
    return body


_FILLS: dict[Fill, Callable[[RGB, Image.Image], Image.Image]] = {
    Fill.FLAT: _flat_fill,
    Fill.GLOSS: _gloss_fill,
    Fill.CEL: _cel_fill,
}


# ---- finishing passes (backdrop only) -------------------------------------------------------


def _storybook_finish(image: Image.Image) -> Image.Image:
    """A warm printed-page vignette."""
    vignette = radial_mask((image.width * 2, image.height * 2)).crop(
        (image.width // 2, image.height // 2, image.width * 3 // 2, image.height * 3 // 2)
    )
    edge = Image.new("RGB", image.size, (120, 70, 30))
    return Image.composite(image, Image.blend(image, edge, 0.35), vignette.point(_tripled))


def _tripled(level: int) -> int:
    return min(255, level * 3)


def _quintupled(level: int) -> int:
    return min(255, level * 5)


def _watercolor_finish(image: Image.Image) -> Image.Image:
    """Bleeding washes, pigment pooling at the edges, blotchy paper grain.

    Worked at half size: the washes are soft anyway, and it halves the cost.
    """
    half = (image.width // 2, image.height // 2)
    washed = image.resize(half, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(1.6))
    pooled_edges = washed.convert("L").filter(ImageFilter.FIND_EDGES).point(_quintupled)
    # The frame's own edge is no brush stroke.
    ImageDraw.Draw(pooled_edges).rectangle((0, 0, half[0] - 1, half[1] - 1), outline=0, width=2)
    washed.paste(Image.blend(washed, Image.new("RGB", half, (70, 60, 90)), 0.3), (0, 0), pooled_edges)
    lighter = Image.blend(washed, Image.new("RGB", half, PAPER), 0.22)
    return ImageChops.multiply(lighter, _watercolour_paper(half)).resize(image.size, Image.Resampling.BICUBIC)


@lru_cache(maxsize=2)
def _watercolour_paper(size: tuple[int, int]) -> Image.Image:
    """Near-white paper to multiply over the washes: soft blotches plus fine grain.

    Seeded, so the same scene always comes out the same; cached, because it never changes.
    """
    random = np.random.default_rng(20)
    width, height = size
    blotches = Image.fromarray(np.clip(128 + 40 * random.standard_normal((height // 24, width // 24)), 0, 255).astype(np.uint8))
    soft = np.asarray(blotches.resize(size, Image.Resampling.BICUBIC), dtype=np.float32) - 128
    grain = random.standard_normal((height, width)).astype(np.float32)
    paper = np.clip(245 + 0.15 * soft + 4 * grain, 0, 255).astype(np.uint8)
    return Image.fromarray(np.repeat(paper[:, :, None], 3, axis=2))


def _cartoon_finish(image: Image.Image) -> Image.Image:
    """Studio lighting: a bright centre falling off to the corners."""
    light = radial_mask((image.width * 3 // 2, image.height * 3 // 2)).crop(
        (image.width // 4, image.height // 4, image.width * 5 // 4, image.height * 5 // 4)
    )
    return Image.composite(ImageChops.screen(image, Image.new("RGB", image.size, (70, 60, 40))), image, light)


def _no_finish(image: Image.Image) -> Image.Image:
    return image


LOOKS: dict[Style, Look] = {
    Style.STORYBOOK: Look(
        saturation=1.25,
        tint=(255, 170, 90),
        tint_amount=0.12,
        fill=Fill.FLAT,
        sky_bands=0,
        shape_outline=None,
        sticker=WHITE,
        figure_outline=None,
        figure_shadow=False,
        speed_lines=False,
        finish=_storybook_finish,
    ),
    Style.WATERCOLOR: Look(
        saturation=0.75,
        tint=PAPER,
        tint_amount=0.2,
        fill=Fill.FLAT,
        sky_bands=0,
        shape_outline=None,
        sticker=PAPER,
        figure_outline=None,
        figure_shadow=False,
        speed_lines=False,
        finish=_watercolor_finish,
    ),
    Style.CARTOON_3D: Look(
        saturation=1.4,
        tint=(255, 255, 255),
        tint_amount=0.05,
        fill=Fill.GLOSS,
        sky_bands=0,
        shape_outline=None,
        sticker=WHITE,
        figure_outline=None,
        figure_shadow=True,
        speed_lines=False,
        finish=_cartoon_finish,
    ),
    Style.ANIME: Look(
        saturation=1.15,
        tint=(90, 130, 255),
        tint_amount=0.08,
        fill=Fill.CEL,
        sky_bands=5,
        shape_outline=(35, 30, 60),
        sticker=WHITE,
        figure_outline=(35, 30, 60),
        figure_shadow=False,
        speed_lines=True,
        finish=_no_finish,
    ),
}
