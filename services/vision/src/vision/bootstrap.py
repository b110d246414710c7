"""Wires vision's handler to its adapters, chosen by settings."""

from __future__ import annotations

from functools import partial

from shared.events import EventType, Stage
from shared.processing import Route
from shared.settings import Settings
from shared.storage import AssetStore
from vision.analyse import DrawingAnalyser
from vision.handlers import analyse_drawing


def analyser_for(settings: Settings) -> DrawingAnalyser:
    if settings.vision_provider == "local":
        from vision.analyse.local import LocalDrawingAnalyser

        return LocalDrawingAnalyser()
    raise SystemExit(f"vision provider {settings.vision_provider!r} is not available; use 'local'")


def build_routes(settings: Settings, assets: AssetStore, analyser: DrawingAnalyser | None = None) -> dict[EventType, Route]:
    analyser = analyser or analyser_for(settings)
    return {
        EventType.DRAWING_SUBMITTED: Route(Stage.VISION, partial(analyse_drawing, assets=assets, analyser=analyser)),
    }
