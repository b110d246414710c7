"""Vision's settings: a worker's, and which analyser reads the drawing."""

from __future__ import annotations

from shared.runtime.settings import WorkerSettings


class VisionSettings(WorkerSettings):
    vision_provider: str = "local"
