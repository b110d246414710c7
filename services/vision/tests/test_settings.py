"""Which analyser a vision worker runs, and the AWS clients it opens for it, from the environment."""

from __future__ import annotations

import pytest

from vision.analyse import OffTheLoop
from vision.analyse.cloud import CloudDrawingAnalyser
from vision.bootstrap import analyser_for
from vision.settings import VisionSettings


def test_the_classical_analyser_is_the_default_and_needs_no_cloud_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOCOMELON_VISION_PROVIDER", raising=False)
    settings = VisionSettings()
    assert settings.cloud_services() == () and isinstance(analyser_for(settings), OffTheLoop)


def test_bedrock_is_chosen_with_its_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_VISION_PROVIDER", "bedrock")
    monkeypatch.setenv("NOCOMELON_BEDROCK_VISION_MODEL", "us.amazon.nova-pro-v1:0")
    settings = VisionSettings()
    assert settings.cloud_services() == ("bedrock-runtime",) and settings.bedrock_vision_model == "us.amazon.nova-pro-v1:0"
    with pytest.raises(SystemExit, match="AWS clients"):
        analyser_for(settings, None)


def test_an_openai_compatible_endpoint_is_chosen_with_its_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_VISION_PROVIDER", "openai")
    monkeypatch.setenv("NOCOMELON_OPENAI_VISION_MODEL", "gpt-4.1-mini")
    settings = VisionSettings()
    assert settings.openai_vision_model == "gpt-4.1-mini" and isinstance(analyser_for(settings), CloudDrawingAnalyser)
