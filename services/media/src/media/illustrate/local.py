"""An illustrator that needs no model: the child's figures on a procedurally painted backdrop."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw

from media.illustrate import FRAME_SIZE
from media.illustrate.backdrops import BACKDROPS, paint_backdrop, setting_for, sparkle_points
from media.illustrate.figures import as_sticker, cut_out, load_drawing
from media.illustrate.looks import LOOKS, Canvas, Look
from shared.domain.models import DrawingAnalysis, Scene, Style

PNG_COMPRESS_LEVEL = 3  # level 6 (Pillow's default) triples encode time for a few percent of size
MAX_FIGURE_WIDTH = 0.7  # of the frame, so a wide group of figures still leaves backdrop to see


@dataclass(frozen=True)
class Placement:
    """Where the figures stand, as shares of the frame."""

    x: float  # centre
    height: float  # at most this tall
    bottom: float  # feet here


OPENING = Placement(x=0.36, height=0.5, bottom=0.93)  # an establishing shot: more world, smaller hero
FINALE = Placement(x=0.5, height=0.66, bottom=0.95)
MIDDLE = (
    Placement(x=0.66, height=0.58, bottom=0.94),
    Placement(x=0.32, height=0.62, bottom=0.96),
    Placement(x=0.56, height=0.54, bottom=0.92),
    Placement(x=0.4, height=0.6, bottom=0.95),
)


def placement_for(number: int, count: int) -> Placement:
    if number == 1:
        return OPENING
    if number == count:
        return FINALE
    return MIDDLE[(number - 2) % len(MIDDLE)]


class LocalIllustrator:
    """Paints a 1280x720 scene in a fraction of a second on the CPU; blocking and thread-safe."""

    def illustrate(
        self, *, drawing: bytes, figure_mask: bytes, analysis: DrawingAnalysis, scene: Scene, scene_count: int, style: Style
    ) -> bytes:
        look, placement = LOOKS[style], placement_for(scene.number, scene_count)
        width, height = FRAME_SIZE

        setting = setting_for(scene, analysis.setting)
        canvas = Canvas(look, FRAME_SIZE)
        # Seeded by setting and scene (not style), so the four styles paint the same composition.
        paint_backdrop(BACKDROPS[setting], canvas, seed=f"{setting}-{scene.number}", figure_x=placement.x)
        frame = look.finish(canvas.image)

        figures = cut_out(load_drawing(drawing), figure_mask, (round(width * MAX_FIGURE_WIDTH), round(height * placement.height)))
        sticker = as_sticker(figures, look)
        left = _clamp(round(placement.x * width - figures.width / 2), 8, width - figures.width - 8)
        top = max(8, round(placement.bottom * height) - figures.height)
        centre = (left + figures.width / 2, top + figures.height / 2)

        if look.speed_lines:
            _draw_speed_lines(frame, centre, radius=max(figures.size) * 0.6, rng=random.Random(scene.number))
        frame.paste(sticker.image, (left - sticker.inset, top - sticker.inset), sticker.image)
        if look.speed_lines:
            _draw_sparkles(frame, look, figures.size, centre, rng=random.Random(scene.number))

        out = BytesIO()
        frame.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
        return out.getvalue()


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, max(low, high)))


def _draw_speed_lines(frame: Image.Image, centre: tuple[float, float], radius: float, rng: random.Random) -> None:
    """Anime focus lines radiating from behind the figures."""
    lines = Image.new("L", frame.size, 0)
    draw = ImageDraw.Draw(lines)
    reach = math.hypot(*frame.size)
    for _ in range(56):
        angle = rng.uniform(0, 2 * math.pi)
        start = radius * rng.uniform(1.0, 1.5)
        ends = [(centre[0] + distance * math.cos(angle), centre[1] + distance * math.sin(angle)) for distance in (start, reach)]
        draw.line(ends, fill=rng.randint(90, 170), width=rng.choice((2, 3, 5)))
    frame.paste((255, 255, 255), (0, 0), lines)


def _draw_sparkles(frame: Image.Image, look: Look, size: tuple[int, int], centre: tuple[float, float], rng: random.Random) -> None:
    draw = ImageDraw.Draw(frame)
    for _ in range(7):
        angle = rng.uniform(0, 2 * math.pi)
        x = centre[0] + math.cos(angle) * size[0] * rng.uniform(0.55, 0.75)
        y = centre[1] + math.sin(angle) * size[1] * rng.uniform(0.55, 0.75)
        draw.polygon(sparkle_points(x, y, rng.uniform(10, 22)), fill=look.colour((255, 250, 200)), outline=look.figure_outline)
