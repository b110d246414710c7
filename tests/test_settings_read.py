"""Every setting is read somewhere: a field nobody reads is a promise to an operator the code does not keep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from gateway.settings import GatewaySettings
from media.settings import MediaSettings
from shared.runtime.settings import GatewayAddress, ServiceSettings, WorkerSettings
from story.settings import StorySettings
from vision.settings import VisionSettings

REPO = Path(__file__).resolve().parents[1]
SOURCES = [*REPO.glob("shared/src/**/*.py"), *REPO.glob("services/*/src/**/*.py"), *REPO.glob("devstack/src/**/*.py")]
SETTINGS: list[type[BaseSettings]] = [
    ServiceSettings,
    WorkerSettings,
    GatewayAddress,
    GatewaySettings,
    VisionSettings,
    StorySettings,
    MediaSettings,
]


def _own_fields(settings: type[BaseSettings]) -> list[str]:
    inherited = {name for base in settings.__mro__[1:] if issubclass(base, BaseSettings) for name in base.model_fields}
    return [name for name in settings.model_fields if name not in inherited]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda settings: settings.__name__)
def test_every_field_is_read(settings: type[BaseSettings]) -> None:
    code = "\n".join(path.read_text() for path in SOURCES)
    unread = [name for name in _own_fields(settings) if not re.search(rf"\.{name}\b", code)]
    assert unread == []
