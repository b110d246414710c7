"""The containers' health checks: a worker's heartbeat file, the gateway's /health."""

import asyncio
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from shared.runtime.health import beat, gateway_answers, heartbeat_path, is_fresh, main


async def test_the_heartbeat_touches_its_file_until_stopped(tmp_path: Path) -> None:
    path, stop = tmp_path / "beat", asyncio.Event()
    beating = asyncio.create_task(beat(path, stop, every=0.05))
    await asyncio.sleep(0.02)
    first = path.stat().st_mtime_ns
    await asyncio.sleep(0.12)
    assert path.stat().st_mtime_ns > first

    stop.set()
    await asyncio.wait_for(beating, timeout=1)
    stopped_at = path.stat().st_mtime_ns
    await asyncio.sleep(0.1)
    assert path.stat().st_mtime_ns == stopped_at


def test_a_file_is_fresh_only_while_young(tmp_path: Path) -> None:
    path = tmp_path / "beat"
    assert not is_fresh(path)
    path.touch()
    assert is_fresh(path, max_age=60)
    old = time.time() - 120
    os.utime(path, (old, old))
    assert not is_fresh(path, max_age=60)


def test_a_worker_is_unhealthy_without_a_recent_heartbeat() -> None:
    path = heartbeat_path("health-test-worker")
    path.unlink(missing_ok=True)
    assert main(["health-test-worker"]) == 1
    path.touch()
    try:
        assert main(["health-test-worker"]) == 0
    finally:
        path.unlink()


@pytest.fixture
def health_route() -> Iterator[str]:
    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/health" else 503)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_gateway_is_healthy_when_its_route_answers(health_route: str) -> None:
    assert gateway_answers(f"{health_route}/health")
    assert not gateway_answers(f"{health_route}/broken")
    assert not gateway_answers("http://127.0.0.1:9/health", timeout=1)
