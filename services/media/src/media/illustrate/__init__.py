"""The port through which the media service paints one scene."""

from typing import Protocol

from shared.domain.models import DrawingAnalysis, Scene, Style

FRAME_SIZE = (1280, 720)


class Illustrator(Protocol):
    def illustrate(
        self,
        *,
        drawing: bytes,
        figure_mask: bytes,
        analysis: DrawingAnalysis,
        scene: Scene,
        scene_count: int,
        style: Style,
    ) -> bytes:
        """Blocking; returns a PNG of FRAME_SIZE."""
        ...
