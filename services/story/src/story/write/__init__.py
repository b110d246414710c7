"""The port through which the story service writes a script."""

from typing import Protocol

from shared.domain.models import DrawingAnalysis, StoryOptions, StoryScript


class StoryWriter(Protocol):
    def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> StoryScript:
        """Blocking; the same inputs and seed give the same script."""
        ...
