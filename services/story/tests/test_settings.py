"""Which writer a story worker runs, and the AWS clients it opens for it, from the environment."""

from __future__ import annotations

import os

import pytest

from story.bootstrap import writer_for
from story.settings import StorySettings
from story.write import OffTheLoop
from story.write.cloud import CloudStoryWriter


def test_the_offline_writer_is_the_default_and_needs_no_cloud_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOCOMELON_STORY_PROVIDER", raising=False)
    settings = StorySettings()
    assert settings.cloud_services() == () and isinstance(writer_for(settings), OffTheLoop)


def test_bedrock_is_chosen_with_its_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_STORY_PROVIDER", "bedrock")
    monkeypatch.setenv("NOCOMELON_BEDROCK_STORY_MODEL", "us.amazon.nova-pro-v1:0")
    settings = StorySettings()
    assert settings.cloud_services() == ("bedrock-runtime",) and settings.bedrock_story_model == "us.amazon.nova-pro-v1:0"
    with pytest.raises(SystemExit, match="AWS clients"):
        writer_for(settings, None)


def test_an_openai_compatible_endpoint_is_chosen_with_its_model_and_key_kept_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_STORY_PROVIDER", "openai")
    monkeypatch.setenv("NOCOMELON_OPENAI_BASE_URL", "http://gpu-box:8080/v1")
    monkeypatch.setenv("NOCOMELON_OPENAI_API_KEY", "sk-secret-of-the-school")
    monkeypatch.setenv("NOCOMELON_OPENAI_STORY_MODEL", "llama3.2-vision")
    settings = StorySettings()
    assert settings.cloud_services() == () and isinstance(writer_for(settings), CloudStoryWriter)
    assert "sk-secret" not in repr(settings) and settings.openai_api_key.get_secret_value() == "sk-secret-of-the-school"


@pytest.mark.parametrize(("provider", "at_once"), [("local", os.cpu_count() or 1), ("bedrock", 8), ("openai", 8)])
def test_a_worker_takes_a_message_per_core_offline_and_several_where_its_model_is_a_network_wait(
    monkeypatch: pytest.MonkeyPatch, provider: str, at_once: int
) -> None:
    monkeypatch.delenv("NOCOMELON_WORKER_CONCURRENCY", raising=False)
    monkeypatch.setenv("NOCOMELON_STORY_PROVIDER", provider)
    assert StorySettings().messages_at_once == at_once
    monkeypatch.setenv("NOCOMELON_NETWORK_CONCURRENCY", "3")
    assert StorySettings().messages_at_once == (3 if provider != "local" else at_once)
    monkeypatch.setenv("NOCOMELON_WORKER_CONCURRENCY", "5")
    assert StorySettings().messages_at_once == 5  # an operator's number wins
