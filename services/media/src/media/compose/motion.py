"""How the child's figure moves on its page: a pose for every moment, from the page's motion. Pure arithmetic.

Every motion is a small loop (a hop, a bob, a sway...) and, for the motions that cross the page, an eased path
from one side towards the other. The loops are what make the figure feel alive: squash and stretch about its
feet, a turn about its base, a rise and fall. `liveliness` scales how far and how fast it all goes, so the
youngest's and bedtime pages move gently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared.domain.models import Motion

STEP_TILT = 1.0  # degrees: poses are rounded to this turn...
STEP_STRETCH = 0.02  # ...and this much stretch, so a page's loop has a few dozen distinct poses to prepare, not one per frame


@dataclass(frozen=True)
class Pose:
    across: float  # how far the feet have travelled along the page's path, as a share of the frame's width
    rise: float  # how far the feet are lifted, as a share of the frame's height (negative sinks)
    stretch: float  # vertical scale about the feet (the width keeps the area: 1 / sqrt(stretch))
    tilt: float  # degrees, anticlockwise, about the feet

    def rounded(self) -> tuple[float, float]:
        """The shape part of the pose (stretch, tilt), on the grid poses are prepared at."""
        return round(self.stretch / STEP_STRETCH) * STEP_STRETCH, round(self.tilt / STEP_TILT) * STEP_TILT


# How far each crossing travels over its page, as a share of the frame's width.
TRAVEL = {Motion.FLY: 0.55, Motion.SWIM: 0.5, Motion.WALK: 0.4}


def pose(motion: Motion, *, seconds: float, progress: float, heading: int, liveliness: float) -> Pose:
    """The figure's pose `seconds` into its page, `progress` (0..1) of the way through it."""
    lively = max(0.0, min(liveliness, 1.0))
    clock = seconds * (0.6 + 0.4 * lively)  # gentler pages also move more slowly

    def wave(period: float) -> float:
        return math.sin(2 * math.pi * clock / period)

    across = heading * TRAVEL.get(motion, 0.0) * lively**0.5 * _eased(progress)
    match motion:
        case Motion.HOP:
            phase = (clock / 0.9) % 1.0
            if phase < 0.7:  # in the air: up and down in an arc, stretched by the leap
                height = math.sin(math.pi * phase / 0.7)
                return Pose(across, 0.07 * lively * height, 1 + 0.08 * lively * height, 0.0)
            landing = math.sin(math.pi * (phase - 0.7) / 0.3)  # squashed as it lands, then springs up again
            return Pose(across, 0.0, 1 - 0.14 * lively * landing, 0.0)
        case Motion.BOB:
            return Pose(across, 0.025 * lively * (1 + wave(2.2)), 1 + 0.03 * lively * wave(2.2), 0.0)
        case Motion.SWAY:
            return Pose(across, 0.0, 1.0, 7 * lively * wave(2.6))
        case Motion.WAVE:
            return Pose(across, 0.0, 1.0, 11 * lively * wave(1.2))
        case Motion.FLY:
            return Pose(across, 0.035 * lively * wave(1.8), 1.0, -heading * (6 + 4 * lively * wave(1.8)))  # leaning into its flight
        case Motion.SWIM:
            return Pose(across, 0.02 * lively * wave(1.6), 1.0, 5 * lively * wave(1.6))
        case Motion.WALK:
            step = abs(math.sin(math.pi * clock / 0.45))
            return Pose(across, 0.02 * lively * step, 1 - 0.04 * lively * (1 - step), 4 * lively * wave(0.9))
        case Motion.REST:
            return Pose(across, 0.0, 1 + 0.025 * wave(3.5), 0.0)  # breathing: the same for everyone


def _eased(progress: float) -> float:
    """Slow away, slow to a stop."""
    return 0.5 - 0.5 * math.cos(math.pi * max(0.0, min(progress, 1.0)))
