"""The figure's motion: each kind of move does what its name says, gentler pages move less, and the renderer moves it."""

from __future__ import annotations

import numpy as np
import pytest

from media.compose.frames import Figure
from media.compose.motion import pose
from media.compose.yuv import FRAME_BYTES, HEIGHT, WIDTH, planes
from media.illustrate import PageToPaint, read_figure
from media.illustrate.local import LocalIllustrator
from shared.domain.models import DrawingAnalysis, Motion, Scene, StoryOptions, Style, Theme, VoiceType

FPS = 24
SECONDS = [step / FPS for step in range(FPS * 6)]  # six seconds of a page


def poses(motion: Motion, liveliness: float = 1.0, heading: int = 1) -> list:  # noqa: ANN401 - Poses
    return [pose(motion, seconds=t, progress=t / SECONDS[-1], heading=heading, liveliness=liveliness) for t in SECONDS]


def spread(values: list[float]) -> float:
    return max(values) - min(values)


def test_a_hop_leaves_the_ground_and_squashes_as_it_lands() -> None:
    hops = poses(Motion.HOP)

    assert max(p.rise for p in hops) > 0.05 and min(p.rise for p in hops) == 0.0
    assert max(p.stretch for p in hops) > 1.05 and min(p.stretch for p in hops) < 0.9  # stretched in the air, squashed landing
    assert all(p.stretch < 1 for p in hops if p.rise == 0.0 and p.stretch != 1.0)  # squashed only on the ground


@pytest.mark.parametrize("motion", [Motion.SWAY, Motion.WAVE])
def test_a_sway_or_a_wave_turns_about_its_base_both_ways(motion: Motion) -> None:
    turns = [p.tilt for p in poses(motion)]

    assert min(turns) < -5 and max(turns) > 5
    assert spread([p.across for p in poses(motion)]) == 0.0  # it stays where it stands


@pytest.mark.parametrize("motion", [Motion.FLY, Motion.SWIM, Motion.WALK])
@pytest.mark.parametrize("heading", [1, -1])
def test_a_crossing_goes_the_way_it_heads_eased_at_both_ends(motion: Motion, heading: int) -> None:
    path = [p.across for p in poses(motion, heading=heading)]

    assert path[0] == 0.0 and heading * path[-1] > 0.3
    steps = np.diff(path) * heading
    assert (steps >= 0).all()  # never backwards
    assert steps[:5].mean() < steps[len(steps) // 2 - 2 : len(steps) // 2 + 3].mean() > steps[-5:].mean()  # eased


@pytest.mark.parametrize("motion", list(Motion))
def test_gentler_pages_move_less(motion: Motion) -> None:
    def amount(liveliness: float) -> float:
        moving = poses(motion, liveliness)
        return sum(spread([getattr(p, part) for p in moving]) * weight for part, weight in PARTS)

    PARTS = (("across", 1.0), ("rise", 1.0), ("stretch", 1.0), ("tilt", 0.01))
    if motion is Motion.REST:  # breathing is the same for everyone, and already slow
        assert amount(0.3) == pytest.approx(amount(1.0), rel=0.2)
    else:
        assert amount(0.3) < 0.8 * amount(1.0)


def test_resting_is_almost_still() -> None:
    resting = poses(Motion.REST)

    assert spread([p.stretch for p in resting]) < 0.06
    assert spread([p.rise for p in resting]) == spread([p.tilt for p in resting]) == spread([p.across for p in resting]) == 0.0


def figure_for(drawing, motion: Motion) -> Figure:  # noqa: ANN001 - the conftest Drawing
    options = StoryOptions(theme=Theme.ADVENTURE, age=6, voice=VoiceType.CHEERFUL, style=Style.STORYBOOK)
    illustration = LocalIllustrator().illustrate(
        PageToPaint(
            drawing=drawing.image,
            figure_mask=drawing.mask,
            analysis=DrawingAnalysis(subject="Pip"),
            scene=Scene(number=2, text="Off we go.", motion=motion),
            scene_count=3,
            options=options,
        )
    )
    return Figure(*read_figure(illustration.figure), frames=FPS * 6, fps=FPS)


def luma_with_figure(figure: Figure, local: int, camera: tuple[int, int] = (40, 30)) -> np.ndarray:
    frame = np.full(FRAME_BYTES, 128, dtype=np.uint8)
    figure.onto(frame, local, camera)
    return planes(frame)[0].copy()


@pytest.mark.parametrize("motion", [Motion.HOP, Motion.WAVE, Motion.FLY])
def test_the_renderer_moves_the_figure_and_touches_only_its_box(drawing, motion: Motion) -> None:
    figure = figure_for(drawing, motion)
    still, later = luma_with_figure(figure, 0), luma_with_figure(figure, 9)

    changed = np.argwhere(still != later)
    assert len(changed) > 2000
    rows, columns = np.argwhere(still != 128).T
    assert rows.max() - rows.min() < HEIGHT * 0.8 and columns.max() - columns.min() < WIDTH * 0.5


def test_a_flyer_can_leave_the_frame_without_breaking_it(drawing) -> None:
    figure = figure_for(drawing, Motion.FLY)

    left = int(np.argwhere(luma_with_figure(figure, 0, camera=(0, 0)) != 128)[:, 1].min())

    assert (luma_with_figure(figure, 0, camera=(-3 * WIDTH, 0)) == 128).all()  # wholly off the frame: nothing blended, no error
    partly = luma_with_figure(figure, 0, camera=(left - WIDTH + 30, 0))  # its left edge 30 px inside the right side: clipped
    assert (partly[:, -30:] != 128).any() and (partly[:, :-30] == 128).all()
