"""Limits before work: the caller's sign-in and the body's size are settled before the body is read."""

from __future__ import annotations

import json
from typing import Any

from gateway.app import create_app
from gateway.auth.verifier import Caller, InvalidToken
from gateway.runs.service import RunService
from gateway.runs.uploads import DrawingReader
from gateway.settings import GatewaySettings
from tests.fakes import InMemoryAssetStore, InMemoryCheckpointStore, InMemoryRunPlaces, RecordingPublisher

SETTINGS = GatewaySettings(cognito_user_pool_id="us-east-1_pool", cognito_client_id="client", max_upload_bytes=1024 * 1024)
CHUNK = b"x" * 65536


class OneToken:
    async def verify(self, token: str) -> Caller:
        if token != "good":
            raise InvalidToken("unknown")
        return Caller(user_id="parent", username="parent")


class Exchange:
    """One request straight into the ASGI app, counting how much of its body the app took."""

    def __init__(self, path: str, headers: dict[str, str], chunks: int) -> None:
        self.scope: dict[str, Any] = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 8000),
            "scheme": "http",
        }
        self.chunks_left = chunks
        self.body_read = 0
        self.status = 0
        self.answer = b""

    async def receive(self) -> dict[str, Any]:
        self.chunks_left -= 1
        self.body_read += len(CHUNK)
        return {"type": "http.request", "body": CHUNK, "more_body": self.chunks_left > 0}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.answer += message.get("body", b"")

    async def run(self) -> Exchange:
        app = create_app(SETTINGS)
        # The lifespan is not run: the parts a route needs are the fakes'.
        app.state.verifier = OneToken()
        app.state.drawings = DrawingReader(max_bytes=SETTINGS.max_upload_bytes, concurrency=1)
        checkpoints = InMemoryCheckpointStore()
        app.state.runs = RunService(
            checkpoints=checkpoints,
            places=InMemoryRunPlaces(checkpoints),
            assets=InMemoryAssetStore(),
            publisher=RecordingPublisher(),
            budget=SETTINGS.run_budget,
            progress_poll_seconds=SETTINGS.progress_poll_seconds,
        )
        await app(self.scope, self.receive, self.send)  # pyright: ignore[reportArgumentType]
        return self

    def error(self) -> dict[str, str]:
        return json.loads(self.answer)["error"]


async def test_an_unsigned_upload_is_refused_before_its_body_is_read() -> None:
    thirty_megabytes = 30 * 1024 * 1024
    exchange = await Exchange("/api/v1/runs", {"content-length": str(thirty_megabytes), "content-type": "multipart/form-data"}, 480).run()
    assert exchange.status == 401
    assert exchange.body_read == 0
    assert exchange.error()["code"] == "unauthorized"


async def test_a_declared_length_over_the_limit_is_refused_at_once() -> None:
    headers = {"content-length": str(5 * 1024 * 1024), "authorization": "Bearer good", "content-type": "multipart/form-data"}
    exchange = await Exchange("/api/v1/vision/analyze", headers, 80).run()
    assert (exchange.status, exchange.body_read) == (413, 0)
    assert exchange.error()["code"] == "file_too_large"
    assert "1 MB" in exchange.error()["message"]


async def test_a_streamed_body_is_cut_off_at_the_limit() -> None:
    headers = {"authorization": "Bearer good", "content-type": "application/json", "transfer-encoding": "chunked"}
    exchange = await Exchange("/api/v1/story/generate", headers, 1000).run()
    assert exchange.status == 413
    assert exchange.body_read <= SETTINGS.max_json_body_bytes + len(CHUNK)
    assert exchange.error()["code"] == "body_too_large"


async def test_an_upload_may_be_as_big_as_a_photo_in_base64() -> None:
    headers = {"authorization": "Bearer good", "content-type": "application/json", "transfer-encoding": "chunked"}
    exchange = await Exchange("/api/v1/vision/analyze", headers, 1000).run()
    assert exchange.status == 413
    # 1 MB of photo is 1.33 MB of base64: the cut comes there, not at the small limit of other bodies.
    assert SETTINGS.max_upload_bytes * 4 // 3 < exchange.body_read <= SETTINGS.max_upload_bytes * 4 // 3 + 2 * len(CHUNK) + 64 * 1024
    assert exchange.error()["code"] == "file_too_large"


async def test_a_content_length_that_is_not_a_number_is_a_bad_request() -> None:
    exchange = await Exchange("/api/v1/story/generate", {"content-length": "lots", "authorization": "Bearer good"}, 1).run()
    assert (exchange.status, exchange.error()["code"]) == (400, "bad_content_length")
