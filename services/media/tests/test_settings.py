"""Which illustrator and narrator a media worker runs, and the AWS clients it opens for it, from the environment."""

from __future__ import annotations

import os

import pytest

from media.bootstrap import providers_for
from media.illustrate import OffTheLoop
from media.narrate import InThread
from media.settings import POLLY_VOICES, MediaSettings
from shared.domain.models import Language, VoiceType


def test_the_offline_voice_is_the_default_and_needs_no_cloud_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOCOMELON_VOICE_PROVIDER", raising=False)
    settings = MediaSettings()
    assert settings.voice_provider == "local" and settings.cloud_services() == ()


def test_polly_is_chosen_with_its_voices_and_engine_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_VOICE_PROVIDER", "polly")
    monkeypatch.setenv("NOCOMELON_POLLY_ENGINE", "generative")
    monkeypatch.setenv("NOCOMELON_POLLY_VOICES", '{"en": {"gentle": "Ruth"}}')
    settings = MediaSettings()
    assert settings.cloud_services() == ("polly",)
    voices = settings.voices()
    assert settings.polly_engine == "generative" and voices[Language.ENGLISH][VoiceType.GENTLE] == "Ruth"
    assert voices[Language.ENGLISH][VoiceType.WISE] == "Matthew" and voices[Language.SPANISH] == POLLY_VOICES[Language.SPANISH]
    assert all(set(POLLY_VOICES[language]) == set(VoiceType) for language in Language)  # every narrator has a voice in every language


def test_a_provider_that_does_not_exist_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_VOICE_PROVIDER", "espeak")
    with pytest.raises(ValueError, match="voice_provider"):
        MediaSettings()


def test_polly_without_the_workers_clients_is_a_start_up_error() -> None:
    with pytest.raises(SystemExit, match="AWS clients"):
        providers_for(MediaSettings(voice_provider="polly"), None)


def test_the_offline_narrator_runs_off_the_event_loop() -> None:
    assert isinstance(providers_for(MediaSettings()).narrator, InThread)


def test_bedrock_pictures_are_chosen_with_their_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_ILLUSTRATION_PROVIDER", "bedrock")
    monkeypatch.setenv("NOCOMELON_BEDROCK_IMAGE_MODEL", "amazon.nova-canvas-v1:0")
    monkeypatch.setenv("NOCOMELON_VOICE_PROVIDER", "polly")
    settings = MediaSettings()
    assert settings.cloud_services() == ("polly", "bedrock-runtime") and settings.bedrock_image_model == "amazon.nova-canvas-v1:0"
    with pytest.raises(SystemExit, match="AWS clients"):
        providers_for(MediaSettings(illustration_provider="bedrock"), None)


def test_the_offline_painter_and_voice_share_the_render_s_cores() -> None:
    providers = providers_for(MediaSettings())
    assert isinstance(providers.illustrator, OffTheLoop) and isinstance(providers.narrator, InThread)
    assert providers.illustrator._cores is providers.narrator._cores is providers.cores  # noqa: SLF001
    assert providers.cores.count == (os.cpu_count() or 1)


def test_an_openai_compatible_voice_is_chosen_with_its_model_and_voices(monkeypatch: pytest.MonkeyPatch) -> None:
    from media.narrate.openai import OpenAINarrator

    monkeypatch.setenv("NOCOMELON_VOICE_PROVIDER", "openai")
    monkeypatch.setenv("NOCOMELON_OPENAI_VOICES", '{"wise": "sage"}')
    settings = MediaSettings()
    assert settings.cloud_services() == () and settings.openai_voice_model == "tts-1" and settings.openai_voices[VoiceType.WISE] == "sage"
    assert isinstance(providers_for(settings).narrator, OpenAINarrator)


def test_media_holds_three_messages_a_core_offline_and_more_while_a_cloud_model_paints_or_speaks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOCOMELON_WORKER_CONCURRENCY", raising=False)
    # Its core slots keep the CPU work to its cores; the rest in hand are the fan-in's announcements and the video request.
    assert MediaSettings().messages_at_once == 3 * (os.cpu_count() or 1)
    assert MediaSettings().messages_at_once > providers_for(MediaSettings()).cores.count
    monkeypatch.setenv("NOCOMELON_ILLUSTRATION_PROVIDER", "bedrock")
    assert MediaSettings().messages_at_once == 8  # its CPU work (the render) still takes one of its cores' slots
    monkeypatch.setenv("NOCOMELON_ILLUSTRATION_PROVIDER", "local")
    monkeypatch.setenv("NOCOMELON_VOICE_PROVIDER", "polly")
    monkeypatch.setenv("NOCOMELON_NETWORK_CONCURRENCY", "5")
    assert MediaSettings().messages_at_once == 5
