"""Wires media's handlers to the illustrator, narrator and composer chosen by settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from media.compose import VideoComposer
from media.handlers import illustrate_scenes, join_images_and_voice, narrate_scenes, render_video, start_pipeline
from media.illustrate import Illustrator
from media.narrate import Narrator
from shared.events import EventType, Stage
from shared.processing import Route
from shared.settings import Settings
from shared.storage import AssetStore


@dataclass(frozen=True)
class MediaProviders:
    illustrator: Illustrator
    narrator: Narrator
    composer: VideoComposer


def providers_for(settings: Settings) -> MediaProviders:
    if settings.media_provider == "local":
        from media.compose.local import StreamingComposer
        from media.illustrate.local import LocalIllustrator
        from media.narrate.local import PiperNarrator

        narrator = PiperNarrator()
        narrator.warm_up()  # at start-up, so a parent's first storybook does not wait for the voice to load
        return MediaProviders(illustrator=LocalIllustrator(), narrator=narrator, composer=StreamingComposer())
    raise SystemExit(f"media provider {settings.media_provider!r} is not available; use 'local'")


def build_routes(settings: Settings, assets: AssetStore, providers: MediaProviders | None = None) -> dict[EventType, Route]:
    providers = providers or providers_for(settings)
    join = Route(Stage.VIDEO, join_images_and_voice, starts_stage=False)
    return {
        EventType.PIPELINE_REQUESTED: Route(Stage.IMAGES, start_pipeline, starts_stage=False),
        EventType.IMAGES_REQUESTED: Route(Stage.IMAGES, partial(illustrate_scenes, assets=assets, illustrator=providers.illustrator)),
        EventType.VOICE_REQUESTED: Route(Stage.VOICE, partial(narrate_scenes, assets=assets, narrator=providers.narrator)),
        EventType.IMAGES_COMPLETED: join,
        EventType.VOICE_COMPLETED: join,
        EventType.VIDEO_REQUESTED: Route(Stage.VIDEO, partial(render_video, assets=assets, composer=providers.composer)),
    }
