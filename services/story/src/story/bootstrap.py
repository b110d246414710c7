"""Wires story's handlers to the writer chosen by settings."""

from __future__ import annotations

from functools import partial
from typing import Any

from shared.adapters.aws import AwsClients
from shared.domain.events import EventType, Stage, StoryRequested, VisionCompleted
from shared.domain.ports import AssetStore
from shared.runtime.processing import Route
from story.handlers import write_requested_story, write_story_for_drawing
from story.settings import StorySettings
from story.write import OffTheLoop, StoryWriter


def writer_for(settings: StorySettings, aws: AwsClients | None = None) -> StoryWriter:
    from story.write.local import LocalStoryWriter

    offline = OffTheLoop(LocalStoryWriter())
    if settings.story_provider == "bedrock":
        from shared.adapters.bedrock import BedrockStructuredModel
        from story.write.cloud import CloudStoryWriter

        if aws is None:
            raise SystemExit("the bedrock writer needs the worker's AWS clients")
        model = BedrockStructuredModel(aws.bedrock_runtime, model_id=settings.bedrock_story_model, prices=settings.price_table())
        return CloudStoryWriter(model, fallback=offline if settings.cloud_fallback else None)
    if settings.story_provider == "openai":
        from shared.runtime.openai_endpoint import structured_model
        from story.write.cloud import CloudStoryWriter

        return CloudStoryWriter(
            structured_model(settings, settings.openai_story_model), fallback=offline if settings.cloud_fallback else None
        )
    return offline


async def check_models(settings: StorySettings, aws: AwsClients) -> None:
    """Before the first story: an OpenAI-compatible endpoint serves the configured model."""
    if settings.story_provider == "openai":
        from shared.runtime.openai_endpoint import require_served

        await require_served(settings, [settings.openai_story_model])


def build_routes(
    settings: StorySettings, assets: AssetStore, aws: AwsClients | None = None, *, writer: StoryWriter | None = None
) -> dict[EventType, Route[Any]]:
    writer = writer or writer_for(settings, aws)
    return {
        EventType.VISION_COMPLETED: Route(VisionCompleted, Stage.STORY, partial(write_story_for_drawing, writer=writer)),
        EventType.STORY_REQUESTED: Route(StoryRequested, Stage.STORY, partial(write_requested_story, writer=writer)),
    }
