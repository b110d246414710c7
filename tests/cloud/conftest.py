"""The cloud providers against the local fake of their services (devstack/generative_fake), in this process."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from devstack.generative_fake.server import make_server
from devstack.stack import free_port


class FakeCloud:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def faults(self, **asked: float) -> None:
        httpx.post(f"{self.endpoint}/_fake/faults", json=asked).raise_for_status()

    def calls(self, operation: str) -> list[dict]:
        return [call for call in httpx.get(f"{self.endpoint}/_fake/calls").json() if call["operation"] == operation]


@pytest.fixture(scope="session")
def fake_cloud() -> Iterator[FakeCloud]:
    server = make_server(free_port())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield FakeCloud(f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()


@pytest.fixture
def cloud_env(fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> FakeCloud:
    """botocore finds the fake as it would find any endpoint: by its per-service variables."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_POLLY", fake_cloud.endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake_cloud.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return fake_cloud
