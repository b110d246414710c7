"""The cloud providers against the local fake of their services (devstack/generative_fake), started as `make run`
starts it: in-process tests of each provider, and a stack of the four services on the cloud providers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devstack.stack import GenerativeFake, LocalAws, Stack, free_port, wait_for_http
from tests.paths import ARTEFACTS

# Every stage on the cloud: what each service is told.
ON_AWS = {
    "vision": {"NOCOMELON_VISION_PROVIDER": "bedrock"},
    "story": {"NOCOMELON_STORY_PROVIDER": "bedrock"},
    "media": {"NOCOMELON_ILLUSTRATION_PROVIDER": "bedrock", "NOCOMELON_VOICE_PROVIDER": "polly"},
}
ON_OPENAI = {
    "vision": {"NOCOMELON_VISION_PROVIDER": "openai"},
    "story": {"NOCOMELON_STORY_PROVIDER": "openai"},
    "media": {"NOCOMELON_ILLUSTRATION_PROVIDER": "openai", "NOCOMELON_VOICE_PROVIDER": "openai"},
}
OFFLINE = {
    "vision": {"NOCOMELON_VISION_PROVIDER": "local"},
    "story": {"NOCOMELON_STORY_PROVIDER": "local"},
    "media": {"NOCOMELON_ILLUSTRATION_PROVIDER": "local", "NOCOMELON_VOICE_PROVIDER": "local"},
}


class FakeCloud:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def faults(self, **asked: float) -> None:
        httpx.post(f"{self.endpoint}/_fake/faults", json=asked).raise_for_status()

    def faults_left(self) -> dict[str, int]:
        return httpx.get(f"{self.endpoint}/_fake/faults").json()

    def calls(self, operation: str) -> list[dict]:
        return [call for call in httpx.get(f"{self.endpoint}/_fake/calls").json() if call["operation"] == operation]


@pytest.fixture(scope="session")
def fake_cloud() -> Iterator[FakeCloud]:
    fake = GenerativeFake(port=free_port(), log_path=ARTEFACTS / "logs" / "generative-fake.log")
    fake.start()
    yield FakeCloud(fake.endpoint)
    fake.stop()


@pytest.fixture
def cloud_env(fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> FakeCloud:
    """botocore finds the fake as it would find any endpoint: by its per-service variables."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_POLLY", fake_cloud.endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake_cloud.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return fake_cloud


class CloudStack:
    """The four services in their own environment of the session's local AWS, their providers switched per test module."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._providers: dict[str, dict[str, str]] = {}

    def use(self, providers: dict[str, dict[str, str]]) -> Stack:
        """Restarts only the services whose providers change. The gateway is told the writer's and the voice's, as a
        deployment tells every service the same settings, so it offers the languages they have."""
        told = {
            name: value
            for settings in providers.values()
            for name, value in settings.items()
            if name.endswith(("_STORY_PROVIDER", "_VOICE_PROVIDER"))
        }
        for service in ("gateway", "vision", "story", "media"):
            wanted = told if service == "gateway" else providers.get(service, {})
            if service not in self._providers or self._providers[service] != wanted:
                self.stack.restart_service(service, wanted)
                self._providers[service] = wanted
        wait_for_http(f"{self.stack.gateway_url}/health", timeout=60, process=self.stack.processes["gateway"])
        return self.stack


@pytest.fixture(scope="session")
def cloud_stack(local_aws: LocalAws, fake_cloud: FakeCloud) -> Iterator[CloudStack]:
    stack = Stack(
        aws_endpoint=local_aws.endpoint,
        gateway_port=free_port(),
        log_dir=ARTEFACTS / "logs" / "cloud",
        environment="nocomelon-cloud",
        cloud_endpoint=fake_cloud.endpoint,
        overrides={
            "NOCOMELON_VISIBILITY_TIMEOUT_SECONDS": "8",
            "NOCOMELON_RECEIVE_WAIT_SECONDS": "2",
            "NOCOMELON_LOG_LEVEL": "INFO",
            "NOCOMELON_SWEEP_EVERY_SECONDS": "1",
            "NOCOMELON_OUTBOX_GRACE_SECONDS": "3",
            # The fake answers in well under a second; a test's slow answer (4 s) is past this and asked for again.
            "NOCOMELON_MODEL_READ_TIMEOUT_SECONDS": "3",
        },
    )
    stack.provision()
    yield CloudStack(stack)
    stack.stop()
