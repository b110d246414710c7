"""The port through which the story service writes a script (async: a cloud writer waits on the network)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from shared.domain.costs import Usage
from shared.domain.models import DrawingAnalysis, StoryOptions, StoryScript


@dataclass(frozen=True)
class WrittenStory:
    script: StoryScript
    usage: Usage | None = None  # what a paid model was asked (None offline)
    note: str = ""  # what the parent is told about how it was written (e.g. the offline writer stood in)


class StoryWriter(Protocol):
    async def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> WrittenStory:
        """The same inputs and seed give the same script from the offline writer; a model's may vary."""
        ...


class BlockingStoryWriter(Protocol):
    def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> StoryScript: ...


class OffTheLoop:
    """A writer that works on the CPU (the offline one), behind the port: it writes in a thread."""

    def __init__(self, blocking: BlockingStoryWriter) -> None:
        self._blocking = blocking

    async def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> WrittenStory:
        return WrittenStory(await asyncio.to_thread(self._blocking.write, analysis=analysis, options=options, seed=seed))
