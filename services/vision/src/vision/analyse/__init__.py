"""The port through which the vision service reads a drawing."""

from dataclasses import dataclass
from typing import Protocol

from shared.domain.models import DrawingAnalysis


@dataclass(frozen=True)
class DrawingReading:
    analysis: DrawingAnalysis
    # PNG, mode "L", the size of the upright drawing: 255 where a figure's ink is.
    figure_mask: bytes


class DrawingAnalyser(Protocol):
    def analyse(self, drawing: bytes) -> DrawingReading:
        """Blocking; raises shared.domain.errors.StageFailure for a file that is not a readable drawing."""
        ...
