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
        from shared.adapters.bedrock import BedrockStructuredModel
        from vision.analyse.cloud import CloudDrawingAnalyser

        if aws is None:
            raise SystemExit("the bedrock analyser needs the worker's AWS clients")
        model = BedrockStructuredModel(aws.bedrock_runtime, model_id=settings.bedrock_vision_model, prices=settings.price_table())
        return CloudDrawingAnalyser(model, classical=classical, classical_stands_in=settings.cloud_fallback)
    if settings.vision_provider == "openai":
        from shared.runtime.openai_endpoint import structured_model
        from vision.analyse.cloud import CloudDrawingAnalyser

        model = structured_model(settings, settings.openai_vision_model)
        return CloudDrawingAnalyser(model, classical=classical, classical_stands_in=settings.cloud_fallback)
    return classical


async def check_models(settings: VisionSettings, aws: AwsClients) -> None:
    """Before the first drawing: an OpenAI-compatible endpoint serves the configured model."""
    if settings.vision_provider == "openai":
        from shared.runtime.openai_endpoint import require_served

        await require_served(settings, [settings.openai_vision_model])


def build_routes(
    settings: VisionSettings, assets: AssetStore, aws: AwsClients | None = None, *, analyser: DrawingAnalyser | None = None
) -> dict[EventType, Route[Any]]:
    """`aws` is there for the cloud analysers; the offline one needs no client."""
    analyser = analyser or analyser_for(settings, aws)
    return {
        EventType.DRAWING_SUBMITTED: Route(DrawingSubmitted, Stage.VISION, partial(analyse_drawing, assets=assets, analyser=analyser)),
    }
