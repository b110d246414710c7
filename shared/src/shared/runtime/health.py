"""Container health checks: `python -m shared.runtime.health <service>`.

A worker's loop touches a heartbeat file while its event loop is free to run;
the check fails once the file is a few beats old, which is what a hung loop
looks like (it would stop extending its messages' visibility too). The
gateway's check asks its own /health route.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

from shared.runtime.settings import GatewayAddress

BEAT_SECONDS = 10.0
STALE_AFTER_SECONDS = 60.0


def heartbeat_path(service: str) -> Path:
    return Path(tempfile.gettempdir()) / f"nocomelon-{service}.heartbeat"


async def beat(path: Path, stop: asyncio.Event, every: float = BEAT_SECONDS) -> None:
    """Touch `path` every `every` seconds until `stop` is set."""
    while not stop.is_set():
        path.touch()
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)


def is_fresh(path: Path, max_age: float = STALE_AFTER_SECONDS) -> bool:
    try:
        return time.time() - path.stat().st_mtime <= max_age
    except FileNotFoundError:
        return False


def gateway_answers(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m shared.runtime.health <gateway|vision|story|media>", file=sys.stderr)
        return 2
    service = argv[0]
    if service == "gateway":
        healthy = gateway_answers(f"http://127.0.0.1:{GatewayAddress().gateway_port}/health")
    else:
        healthy = is_fresh(heartbeat_path(service))
    print(f"{service}: {'healthy' if healthy else 'unhealthy'}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
