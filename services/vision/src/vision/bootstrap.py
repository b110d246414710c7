"""Wires vision's handler to its adapters, chosen by settings."""

from __future__ import annotations

from functools import partial
from typing import Any

from shared.adapters.aws import AwsClients
from shared.domain.events import DrawingSubmitted, EventType, Stage
from shared.domain.ports import AssetStore
from shared.runtime.processing import Route
from vision.analyse import DrawingAnalyser, OffTheLoop
from vision.handlers import analyse_drawing
from vision.settings import VisionSettings


def analyser_for(settings: VisionSettings, aws: AwsClients | None = None) -> DrawingAnalyser:
    from vision.analyse.local import LocalDrawingAnalyser

    classical = OffTheLoop(LocalDrawingAnalyser())
    if settings.vision_provider == "bedrock":
        from vision.analyse.bedrock import BedrockDrawingAnalyser

        if aws is None:
            raise SystemExit("the bedrock analyser needs the worker's AWS clients")
        return BedrockDrawingAnalyser(
            aws.bedrock_runtime,
            model_id=settings.bedrock_vision_model,
            classical=classical,
            prices=settings.price_table(),
            classical_stands_in=settings.cloud_fallback,
        )
    return classical


def build_routes(
    settings: VisionSettings, assets: AssetStore, aws: AwsClients | None = None, *, analyser: DrawingAnalyser | None = None
) -> dict[EventType, Route[Any]]:
    """`aws` is there for the cloud analysers; the offline one needs no client."""
    analyser = analyser or analyser_for(settings, aws)
    return {
        EventType.DRAWING_SUBMITTED: Route(DrawingSubmitted, Stage.VISION, partial(analyse_drawing, assets=assets, analyser=analyser)),
    }
