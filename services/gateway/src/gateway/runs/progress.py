"""How far a run has got: a percentage, waiting for the next stage to finish,
and the stream of stage changes behind the SSE endpoint.

Workers report progress only through the checkpoint, so the gateway follows
it by reading; a short poll keeps that simple and correct across gateway
instances. Everyone following one run from this gateway (its progress streams,
its long polls) shares one read per poll (SharedReads), so a hundred open
streams cost the table what a few do.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable

from shared.domain.events import Stage
from shared.domain.run import Checkpoint, RunStatus, StageStatus

# Rough share of a whole journey's time each stage takes.
STAGE_WEIGHTS: dict[Stage, int] = {Stage.VISION: 10, Stage.STORY: 10, Stage.IMAGES: 30, Stage.VOICE: 20, Stage.VIDEO: 30}
# A stream ends where nothing will change without the parent: at a gate, or at the end.
STREAM_ENDS = (RunStatus.COMPLETE, RunStatus.FAILED, RunStatus.WAITING)
HEARTBEAT_SECONDS = 15.0

Loader = Callable[[], Awaitable[Checkpoint | None]]


class SharedReads:
    """One read of a run at a time for all its followers, and a read younger than `max_age` is everyone's answer.

    Only for following progress: a follower polls, so an answer a poll old is as good as a new one. A parent's own
    read (GET /runs/{id}, and a decision checked against the run's version) reads the table itself.
    """

    def __init__(self, max_age: float) -> None:
        self._max_age = max_age
        self._reads: dict[Hashable, tuple[float, asyncio.Future[Checkpoint | None]]] = {}

    async def read(self, key: Hashable, load: Loader) -> Checkpoint | None:
        now = time.monotonic()
        latest = self._reads.get(key)
        if latest is None or (latest[1].done() and now - latest[0] >= self._max_age):
            latest = (now, asyncio.ensure_future(load()))
            self._reads[key] = latest
            latest[1].add_done_callback(lambda done: self._forget_later(key, done))
        # Shielded: a follower that goes away (a closed stream) must not cancel the read the others wait on.
        return await asyncio.shield(latest[1])

    def _forget_later(self, key: Hashable, done: asyncio.Future[Checkpoint | None]) -> None:
        def forget() -> None:
            if (latest := self._reads.get(key)) is not None and latest[1] is done:
                del self._reads[key]

        if done.cancelled() or done.exception() is not None:
            forget()  # a failed read is nobody's answer: the next follower reads again
        else:
            asyncio.get_running_loop().call_later(self._max_age, forget)


def percent(run: Checkpoint) -> int:
    if run.status == RunStatus.COMPLETE:
        return 100
    earned = 0.0
    for stage, weight in STAGE_WEIGHTS.items():
        status = run.stages[stage].status
        earned += weight if status == StageStatus.DONE else weight / 2 if status == StageStatus.RUNNING else 0
    return min(99, round(earned * 100 / sum(STAGE_WEIGHTS.values())))


def _finished(run: Checkpoint) -> set[tuple[Stage, str | None]]:
    return {(stage, state.finished_at) for stage, state in run.stages.items() if state.status in (StageStatus.DONE, StageStatus.FAILED)}


async def wait_for_next_stage(*, load: Loader, baseline: Checkpoint, timeout: float, poll: float) -> Checkpoint:
    """Returns as soon as a stage finishes after `baseline` (or the run stops), else at `timeout`; reads every `poll` s."""
    deadline = time.monotonic() + timeout
    latest = baseline
    if baseline.status in (RunStatus.COMPLETE, RunStatus.FAILED):
        return baseline
    while time.monotonic() < deadline:
        await asyncio.sleep(poll)
        fresh = await load()
        if fresh is None:
            return latest
        latest = fresh
        if _finished(fresh) - _finished(baseline) or fresh.status != baseline.status:
            return fresh
    return latest


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _stage_event(run: Checkpoint, stage: Stage) -> dict:
    return {"run_id": run.run_id, "stage": stage.value, "status": run.stages[stage].status.value, "percent": percent(run)}


async def stage_events(*, load: Loader, first: Checkpoint, max_seconds: float, poll: float) -> AsyncIterator[str]:
    """Server-Sent Events: one `stage` event per stage change in pipeline order, then `end`; reads every `poll` s."""
    seen: dict[Stage, StageStatus] = {}
    run: Checkpoint | None = first
    deadline = time.monotonic() + max_seconds
    last_sent = time.monotonic()
    while run is not None:
        for stage in STAGE_WEIGHTS:
            if seen.get(stage) != run.stages[stage].status:
                seen[stage] = run.stages[stage].status
                yield _sse("stage", _stage_event(run, stage))
                last_sent = time.monotonic()
        if run.status in STREAM_ENDS or time.monotonic() > deadline:
            error = run.error.model_dump(mode="json") if run.error else None
            yield _sse("end", {"run_id": run.run_id, "status": run.status.value, "percent": percent(run), "error": error})
            return
        if time.monotonic() - last_sent > HEARTBEAT_SECONDS:
            yield ": still working\n\n"
            last_sent = time.monotonic()
        await asyncio.sleep(poll)
        run = await load()
