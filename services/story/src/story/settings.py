"""Story's settings: a worker's, and which writer writes the script."""

from __future__ import annotations

from shared.runtime.settings import WorkerSettings


class StorySettings(WorkerSettings):
    story_provider: str = "local"
