"""The port through which the vision service reads a drawing (async: a cloud analyser waits on the network)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from shared.domain.costs import Usage
from shared.domain.models import DrawingAnalysis


@dataclass(frozen=True)
class DrawingReading:
    analysis: DrawingAnalysis
    # PNG, mode "L", the size of the upright drawing: 255 where a figure's ink is.
    figure_mask: bytes
    usage: Usage | None = None  # what a paid model was asked (None offline)


class DrawingAnalyser(Protocol):
    async def analyse(self, drawing: bytes) -> DrawingReading:
        """Raises shared.domain.errors.StageFailure for a file that is not a readable drawing."""
        ...


class BlockingDrawingAnalyser(Protocol):
    def analyse(self, drawing: bytes) -> DrawingReading: ...


class OffTheLoop:
    """An analyser that works on the CPU (the classical one), behind the port: it reads in a thread."""

    def __init__(self, blocking: BlockingDrawingAnalyser) -> None:
        self._blocking = blocking

    async def analyse(self, drawing: bytes) -> DrawingReading:
        return await asyncio.to_thread(self._blocking.analyse, drawing)
