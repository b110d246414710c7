"""Real processes with one fault injected, for the fault suite (tests/e2e/test_faults.py).

`python -m tests.e2e.faulty worker <service> <event type> <fault> <marker file>`: the service's own routes, settings
and runtime, with that event's handler replaced by one that
- `hang`s: waits on a child process that never ends (a wedged ffmpeg), from a thread as providers do;
- `crash`es: ends the whole process at once, as the kernel's OOM killer or a segfault would, on every receive;
- `stall-once`: waits forever the first time (so the test can SIGKILL it mid-stage), and works after that;
- `publish-fails-once`: handles the event, but SNS refuses the first event the worker publishes after it.

`python -m tests.e2e.faulty gateway <port> <fault> <marker file>`: the gateway on that port, where SNS
- `publish-fails-once`: refuses the first drawing.submitted it publishes;
- `killed-before-publish`: is never reached: the process is SIGKILLed between writing a new run and publishing it.

The marker file records that the fault has happened, for the test to wait on and for "once".
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import EndpointConnectionError

from shared.adapters.aws import AwsClients
from shared.adapters.sns_sqs import SnsEventPublisher
from shared.domain.events import Envelope, EventType
from shared.domain.ports import AssetStore
from shared.domain.run import Checkpoint
from shared.runtime import subprocesses
from shared.runtime.processing import Handler, Outcome, Route
from shared.runtime.settings import WorkerSettings
from shared.runtime.worker import run_worker

WORKER_FAULTS = ("hang", "crash", "stall-once", "publish-fails-once")
GATEWAY_FAULTS = ("publish-fails-once", "killed-before-publish")


def _waiting_on_a_child_forever() -> None:
    subprocesses.popen(["sleep", "3600"]).wait()


def _sns_unreachable() -> Exception:
    """What an SNS outage between recording and publishing looks like to the process: the call raises."""
    return EndpointConnectionError(endpoint_url="https://sns.invalid")


def _instead_of_the_next_publish(marker: Path, fault: Callable[[], Exception | None], *, of: EventType | None = None) -> None:
    publish = SnsEventPublisher.publish

    async def faulty_publish(self: SnsEventPublisher, envelope: Envelope[Any]) -> None:
        if of is not None and envelope.type != of:
            return await publish(self, envelope)
        SnsEventPublisher.publish = publish
        marker.touch()
        error = fault()
        if error is not None:
            raise error

    SnsEventPublisher.publish = faulty_publish


def faulty(handler: Handler[Any], fault: str, marker: Path) -> Handler[Any]:
    async def handle(event: Envelope[Any], checkpoint: Checkpoint) -> Outcome:
        if fault == "crash":
            marker.touch()
            os._exit(137)
        if fault == "hang" or (fault == "stall-once" and not marker.exists()):
            marker.touch()
            await asyncio.to_thread(_waiting_on_a_child_forever)
        if fault == "publish-fails-once" and not marker.exists():
            _instead_of_the_next_publish(marker, _sns_unreachable)
        return await handler(event, checkpoint)

    return handle


def worker(service: str, event_type: str, fault: str, marker: str) -> None:
    if fault not in WORKER_FAULTS:
        raise SystemExit(f"unknown worker fault {fault!r}: one of {', '.join(WORKER_FAULTS)}")
    bootstrap = importlib.import_module(f"{service}.bootstrap")
    settings_module = importlib.import_module(f"{service}.settings")
    settings_type: type[WorkerSettings] = getattr(settings_module, f"{service.capitalize()}Settings")

    def build_routes(settings: WorkerSettings, assets: AssetStore, aws: AwsClients) -> dict[EventType, Route[Any]]:
        routes: dict[EventType, Route[Any]] = bootstrap.build_routes(settings, assets, aws)
        target = EventType(event_type)
        routes[target] = dataclasses.replace(routes[target], handler=faulty(routes[target].handler, fault, Path(marker)))
        return routes

    run_worker(service, settings_type, build_routes)


def _killed() -> Exception | None:
    os.kill(os.getpid(), signal.SIGKILL)
    return None


def gateway(port: str, fault: str, marker: str) -> None:
    if fault not in GATEWAY_FAULTS:
        raise SystemExit(f"unknown gateway fault {fault!r}: one of {', '.join(GATEWAY_FAULTS)}")
    os.environ["NOCOMELON_GATEWAY_PORT"] = port
    refusal = _sns_unreachable if fault == "publish-fails-once" else _killed
    _instead_of_the_next_publish(Path(marker), refusal, of=EventType.DRAWING_SUBMITTED)
    from gateway.__main__ import main as serve

    serve()


if __name__ == "__main__":
    {"worker": worker, "gateway": gateway}[sys.argv[1]](*sys.argv[2:])
