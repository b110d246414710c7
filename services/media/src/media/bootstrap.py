"""Wires media's handlers to the illustrator, narrator and composer chosen by settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from media.compose import VideoComposer
from media.cores import CpuSlots
from media.handlers import assemble_video, illustrate_scene, join_scenes, narrate_scene, render_page, start_pipeline
from media.illustrate import Illustrator, OffTheLoop
from media.narrate import InThread, Narrator
from media.settings import MediaSettings
from shared.adapters.aws import AwsClients
from shared.domain.events import EventType, PageRequested, PipelineRequested, SceneDone, SceneJob, Stage, VideoRequested
from shared.domain.ports import AssetStore
from shared.runtime.processing import Route


@dataclass(frozen=True)
class MediaProviders:
    illustrator: Illustrator
    narrator: Narrator
    composer: VideoComposer
    cores: CpuSlots  # shared by the offline painter and voice and the render


def providers_for(settings: MediaSettings, aws: AwsClients | None = None) -> MediaProviders:
    if settings.media_provider != "local":
        raise SystemExit(f"media provider {settings.media_provider!r} is not available; use 'local'")
    from media.compose.local import StreamingComposer
    from media.illustrate.local import LocalIllustrator

    cores = CpuSlots()
    offline = OffTheLoop(LocalIllustrator(), cores)
    return MediaProviders(
        illustrator=_illustrator_for(settings, aws, offline),
        narrator=_narrator_for(settings, aws, cores),
        composer=StreamingComposer(),
        cores=cores,
    )


def _illustrator_for(settings: MediaSettings, aws: AwsClients | None, offline: Illustrator) -> Illustrator:
    if settings.illustration_provider == "openai":
        from media.illustrate.openai import OpenAIIllustrator
        from shared.runtime.openai_endpoint import endpoint_client

        return OpenAIIllustrator(
            endpoint_client(settings),
            model_id=settings.openai_image_model,
            fallback=offline if settings.cloud_fallback else None,
            prices=settings.price_table(),
        )
    if settings.illustration_provider == "bedrock":
        from media.illustrate.bedrock import BedrockIllustrator

        if aws is None:
            raise SystemExit("the bedrock illustrator needs the worker's AWS clients")
        return BedrockIllustrator(
            aws.bedrock_runtime,
            model_id=settings.bedrock_image_model,
            fallback=offline if settings.cloud_fallback else None,
            prices=settings.price_table(),
        )
    return offline


def _narrator_for(settings: MediaSettings, aws: AwsClients | None, cores: CpuSlots) -> Narrator:
    if settings.voice_provider == "openai":
        from media.narrate.openai import OPENAI_VOICES, OpenAINarrator
        from shared.runtime.openai_endpoint import endpoint_client

        voices = {**OPENAI_VOICES, **settings.openai_voices}
        return OpenAINarrator(endpoint_client(settings), model_id=settings.openai_voice_model, voices=voices, prices=settings.price_table())
    if settings.voice_provider == "polly":
        from media.narrate.polly import PollyNarrator

        if aws is None:
            raise SystemExit("the polly voice needs the worker's AWS clients")
        return PollyNarrator(aws.polly, voices=settings.voices(), engine=settings.polly_engine, prices=settings.price_table())
    from media.narrate.local import PiperNarrator

    piper = PiperNarrator()
    piper.warm_up()  # at start-up, so a parent's first storybook does not wait for the voice to load
    return InThread(piper, cores)


async def check_voices(settings: MediaSettings, aws: AwsClients) -> None:
    """Before the first storybook: every Polly voice configured exists with the configured engine (Ivy has no generative
    voice); an OpenAI-compatible endpoint serves the configured speech model."""
    wanted = [
        model
        for model, used in (
            (settings.openai_voice_model, settings.voice_provider == "openai"),
            (settings.openai_image_model, settings.illustration_provider == "openai"),
        )
        if used
    ]
    if wanted:
        from shared.runtime.openai_endpoint import require_served

        await require_served(settings, wanted)
    if settings.voice_provider != "polly":
        return
    from media.narrate.polly import missing_voices

    if missing := await missing_voices(aws.polly, settings.voices(), settings.polly_engine):
        raise SystemExit(
            f"Polly has no {settings.polly_engine} voice {', '.join(missing)}: set NOCOMELON_POLLY_VOICES or NOCOMELON_POLLY_ENGINE"
        )


def build_routes(
    settings: MediaSettings, assets: AssetStore, aws: AwsClients | None = None, *, providers: MediaProviders | None = None
) -> dict[EventType, Route[Any]]:
    providers = providers or providers_for(settings, aws)
    illustrate = partial(illustrate_scene, assets=assets, illustrator=providers.illustrator)
    narrate = partial(narrate_scene, assets=assets, narrator=providers.narrator)
    page = partial(render_page, assets=assets, composer=providers.composer, cores=providers.cores)
    assemble = partial(assemble_video, assets=assets, composer=providers.composer, cores=providers.cores)
    join = partial(join_scenes, render_ahead=settings.render_ahead)
    # The pipeline's start marks pictures and narration under way, and the first pages asked for the video; a scene's
    # or a page's message, one of many, does not.
    return {
        EventType.PIPELINE_REQUESTED: Route(PipelineRequested, Stage.IMAGES, start_pipeline, starts_stage=False),
        EventType.PICTURE_REQUESTED: Route(SceneJob, Stage.IMAGES, illustrate, starts_stage=False),
        EventType.NARRATION_REQUESTED: Route(SceneJob, Stage.VOICE, narrate, starts_stage=False),
        EventType.PICTURE_COMPLETED: Route(SceneDone, Stage.IMAGES, join, starts_stage=False),
        EventType.NARRATION_COMPLETED: Route(SceneDone, Stage.VOICE, join, starts_stage=False),
        EventType.PAGE_REQUESTED: Route(PageRequested, Stage.VIDEO, page, starts_stage=False),
        EventType.PAGE_RENDERED: Route(SceneDone, Stage.VIDEO, join, starts_stage=False),
        EventType.VIDEO_REQUESTED: Route(VideoRequested, Stage.VIDEO, assemble, starts_stage=False),
    }
