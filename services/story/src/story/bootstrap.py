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
from story.write import StoryWriter


def writer_for(settings: StorySettings) -> StoryWriter:
    if settings.story_provider == "local":
        from story.write.local import LocalStoryWriter

        return LocalStoryWriter()
    raise SystemExit(f"story provider {settings.story_provider!r} is not available; use 'local'")


def build_routes(
    settings: StorySettings, assets: AssetStore, aws: AwsClients | None = None, *, writer: StoryWriter | None = None
) -> dict[EventType, Route[Any]]:
    """`aws` is there for the cloud writers; the offline one needs no client."""
    writer = writer or writer_for(settings)
    return {
        EventType.VISION_COMPLETED: Route(VisionCompleted, Stage.STORY, partial(write_story_for_drawing, writer=writer)),
        EventType.STORY_REQUESTED: Route(StoryRequested, Stage.STORY, partial(write_requested_story, writer=writer)),
    }
