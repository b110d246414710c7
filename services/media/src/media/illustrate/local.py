"""An illustrator that needs no model: the child's figures on a procedurally painted backdrop."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw

from media.illustrate import FRAME_SIZE, Illustration, PageToPaint, Stance, figure_png
from media.illustrate.backdrops import BACKDROPS, choose_setting, paint_backdrop, sparkle_points
from media.illustrate.figures import Sticker, as_sticker, cut_out, load_drawing, split_lead
from media.illustrate.looks import LOOKS, Canvas, Look
from shared.domain.models import DrawingAnalysis, Motion, Scene, SceneSetting, StoryOptions, Theme
from shared.domain.subjects import traits_of

PNG_COMPRESS_LEVEL = 3  # level 6 (Pillow's default) triples encode time for a few percent of size
MAX_FIGURE_WIDTH = 0.7  # of the frame, so a wide group of figures still leaves backdrop to see
YOUNGEST = 3  # at this age and under the figure moves more gently
GENTLE = 0.55  # how lively the youngest's or a bedtime story's figure is (1 is lively)


@dataclass(frozen=True)
class Placement:
    """Where the figures stand, as shares of the frame."""

    x: float  # centre
    height: float  # at most this tall
    bottom: float  # feet here
    camera: float = 0.0  # -1 looks up (more sky), 1 looks down (more ground)


# Pages take turns through these, so the hero stands somewhere new and the camera tilts differently on each.
# Feet stand just above the captions' band (the bottom third, see compose/cards.py): a child wants to see the whole figure.
OPENING = Placement(x=0.36, height=0.46, bottom=0.64, camera=-0.3)  # an establishing shot: more world, smaller hero
FINALE = Placement(x=0.5, height=0.52, bottom=0.65)
MIDDLE = (
    Placement(x=0.66, height=0.5, bottom=0.65, camera=0.3),
    Placement(x=0.32, height=0.52, bottom=0.65, camera=-0.5),
    Placement(x=0.56, height=0.48, bottom=0.64, camera=0.6),
    Placement(x=0.4, height=0.5, bottom=0.65, camera=-0.1),
)
# Motions that carry the figure off the ground or across the page stand it differently.
AIRBORNE = 0.52  # a flyer's feet, high in the sky
AFLOAT = 0.7  # a swimmer sits low, in the water painted across the lower page
ACROSS = {Motion.FLY: 0.44, Motion.SWIM: 0.44, Motion.WALK: 0.5}  # the figure's height on a page it crosses
TRAVEL_START = 0.3  # a crossing starts this far from the middle, on the side it comes from

# Words of a scene that say how its hero moves, when the script does not.
MOTION_WORDS: dict[Motion, frozenset[str]] = {
    Motion.FLY: frozenset("fly flew flying flies soared soar zoomed zoom swooped glided floated launched".split()),
    Motion.SWIM: frozenset("swim swam swimming swims splashed dived paddled".split()),
    Motion.HOP: frozenset("hop hopped jump jumped jumping bounced leapt leaped pounced skipped".split()),
    Motion.WALK: frozenset("walk walked walking ran run running went trotted galloped padded wandered marched".split()),
    Motion.WAVE: frozenset("wave waved waving hello goodbye bye cheered".split()),
    Motion.REST: frozenset("sleep slept asleep rest rested yawned snuggled dreamed goodnight".split()),
    Motion.SWAY: frozenset("thought wondered listened sang danced swayed breeze".split()),
}


def placement_for(number: int, count: int, motion: Motion) -> Placement:
    base = OPENING if number == 1 else FINALE if number == count else MIDDLE[(number - 2) % len(MIDDLE)]
    if motion in ACROSS:  # the renderer moves it from one side across; at rest it stands where the crossing starts
        side = -1 if base.x >= 0.5 else 1  # it starts on the side away from its page's resting spot, so pages alternate
        bottom = AIRBORNE if motion is Motion.FLY else AFLOAT if motion is Motion.SWIM else base.bottom
        return Placement(x=0.5 + side * TRAVEL_START, height=ACROSS[motion], bottom=bottom, camera=base.camera)
    return base


def motion_for(scene: Scene, subject: str) -> Motion:
    """The script's motion; else the one the scene's words name, if the hero's kind moves that way; else its usual way."""
    if scene.motion is not None:
        return scene.motion
    moves = traits_of(subject).moves
    words = set(re.findall(r"[a-z]+", scene.text.lower()))
    named = [motion for motion, verbs in MOTION_WORDS.items() if words & verbs and (motion in moves or motion is Motion.REST)]
    return named[0] if named else moves[0]


def setting_for(scene: Scene, analysis: DrawingAnalysis) -> SceneSetting:
    """The script's setting; else the one the scene's words (then the drawing's) name; else the hero's home world."""
    return scene.setting or choose_setting(scene.text, analysis.setting) or traits_of(analysis.subject).worlds[0]


def liveliness(options: StoryOptions) -> float:
    gentle = (options.age <= YOUNGEST) + (options.theme is Theme.BEDTIME)
    return GENTLE**gentle


class LocalIllustrator:
    """Paints a 1280x720 scene in a fraction of a second on the CPU; blocking and thread-safe."""

    def illustrate(self, page: PageToPaint) -> Illustration:
        scene, analysis, take = page.scene, page.analysis, page.take
        look, motion, setting = LOOKS[page.options.style], motion_for(scene, analysis.subject), setting_for(scene, analysis)
        placement = placement_for(scene.number, page.scene_count, motion)
        width, height = FRAME_SIZE

        canvas = Canvas(look, FRAME_SIZE)
        # Seeded by setting and scene (not style), so the four styles paint the same composition.
        paint_backdrop(
            BACKDROPS[setting],
            canvas,
            seed=f"{setting}-{scene.number}" + (f"-{take}" if take else ""),
            figure_x=placement.x,
            camera=placement.camera,
            water=motion is Motion.SWIM,
        )
        frame = look.finish(canvas.image)

        cut = cut_out(
            load_drawing(page.drawing),
            page.figure_mask,
            (round(width * MAX_FIGURE_WIDTH), round(height * placement.height)),
            main=_main_box(analysis),
        )
        figures = cut.figures
        left = _clamp(round(placement.x * width - figures.width / 2), 8, width - figures.width - 8)
        top = max(8, round(placement.bottom * height) - figures.height)
        friends: tuple[Sticker, tuple[int, int]] | None = None
        if cut.lead:
            # The main character leads: it alone moves on its layer, its friends stay where the child drew them.
            figures, others = split_lead(figures, cut.lead)
            friends = (as_sticker(others, look), (left, top))
            left, top = left + cut.lead[0], top + cut.lead[1]
        sticker = as_sticker(figures, look)
        centre = (left + figures.width / 2, top + figures.height / 2)

        if look.speed_lines:  # drawn on the backdrop, where the figure starts: a burst it leaps out of
            flourish = f"{scene.number}-{take}" if take else scene.number
            _draw_speed_lines(frame, centre, radius=max(figures.size) * 0.6, rng=random.Random(flourish))
            _draw_sparkles(frame, look, figures.size, centre, rng=random.Random(flourish))
        if friends:
            _paste(frame, *friends)

        out = BytesIO()
        frame.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL)
        stance = Stance(
            left=left - sticker.inset,
            top=top - sticker.inset,
            motion=motion,
            heading=1 if placement.x < 0.5 else -1,
            liveliness=liveliness(page.options),
        )
        return Illustration(backdrop=out.getvalue(), figure=figure_png(sticker.image, stance))


def _paste(frame: Image.Image, sticker: Sticker, at: tuple[int, int]) -> None:
    frame.paste(sticker.image, (at[0] - sticker.inset, at[1] - sticker.inset), sticker.image)


def _main_box(analysis: DrawingAnalysis) -> tuple[float, float, float, float] | None:
    """The main figure's box as the analyser chose it (the largest), when there are others beside it."""
    if len(analysis.figures) < 2:
        return None
    main = max(analysis.figures, key=lambda figure: figure.width * figure.height)
    return main.x, main.y, main.width, main.height


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
