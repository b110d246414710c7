"""Media's settings: a worker's, and which providers paint, narrate and compose."""

from __future__ import annotations

from shared.runtime.settings import WorkerSettings


class MediaSettings(WorkerSettings):
    media_provider: str = "local"
