"""Wires story's handlers to the writer chosen by settings."""

from __future__ import annotations

from functools import partial

from shared.events import EventType, Stage
from shared.processing import Route
from shared.settings import Settings
from shared.storage import AssetStore
from story.handlers import write_requested_story, write_story_for_drawing
from story.write import StoryWriter


def writer_for(settings: Settings) -> StoryWriter:
    if settings.story_provider == "local":
        from story.write.local import LocalStoryWriter

        return LocalStoryWriter()
    raise SystemExit(f"story provider {settings.story_provider!r} is not available; use 'local'")


def build_routes(settings: Settings, assets: AssetStore, writer: StoryWriter | None = None) -> dict[EventType, Route]:
    writer = writer or writer_for(settings)
    return {
        EventType.VISION_COMPLETED: Route(Stage.STORY, partial(write_story_for_drawing, writer=writer)),
        EventType.STORY_REQUESTED: Route(Stage.STORY, partial(write_requested_story, writer=writer)),
    }
