"""Percentages, ?wait and the event stream, over a checkpoint that changes under them."""

import asyncio
import json

import pytest

from gateway.runs.progress import SharedReads, percent, stage_events, wait_for_next_stage
from shared.domain.events import RunMode, Stage
from shared.domain.run import Checkpoint, RunStatus, StageState, StageStatus


def run(**stages: str) -> Checkpoint:
    states = {stage: StageState() for stage in Stage}
    for name, status in stages.items():
        states[Stage(name)] = StageState(status=StageStatus(status), finished_at=f"t-{name}" if status in ("done", "failed") else None)
    return Checkpoint(user_id="u", run_id="r", mode=RunMode.ONE_SHOT, drawing_key="k", media_type="image/png", stages=states)


class Timeline:
    """A loader that returns the next checkpoint on each read, then keeps the last."""

    def __init__(self, *checkpoints: Checkpoint) -> None:
        self.checkpoints = list(checkpoints)
        self.reads = 0

    async def __call__(self) -> Checkpoint:
        self.reads += 1
        return self.checkpoints.pop(0) if len(self.checkpoints) > 1 else self.checkpoints[0]


def test_percent_grows_with_the_stages() -> None:
    values = [
        percent(run()),
        percent(run(vision="running")),
        percent(run(vision="done", story="done", images="running", voice="done")),
        percent(run(vision="done", story="done", images="done", voice="done", video="running")),
    ]
    assert values == sorted(values) and values[0] == 0 and values[-1] < 100
    assert percent(run().model_copy(update={"status": RunStatus.COMPLETE})) == 100


async def test_wait_returns_when_the_next_stage_finishes() -> None:
    baseline = run(vision="running")
    timeline = Timeline(run(vision="running"), run(vision="done"), run(vision="done", story="done"))
    fresh = await wait_for_next_stage(load=timeline, baseline=baseline, timeout=10, poll=0.25)
    assert fresh.stages[Stage.VISION].status == StageStatus.DONE
    assert fresh.stages[Stage.STORY].status == StageStatus.PENDING
    assert timeline.reads == 2


async def test_wait_gives_up_at_its_timeout_with_the_latest_state() -> None:
    baseline = run(vision="running")
    fresh = await wait_for_next_stage(load=Timeline(run(vision="running")), baseline=baseline, timeout=0.6, poll=0.25)
    assert fresh.stages[Stage.VISION].status == StageStatus.RUNNING


async def test_wait_on_a_finished_run_returns_at_once() -> None:
    finished = run(vision="done").model_copy(update={"status": RunStatus.COMPLETE})
    timeline = Timeline(finished)
    assert await wait_for_next_stage(load=timeline, baseline=finished, timeout=10, poll=0.25) == finished
    assert timeline.reads == 0


async def test_the_stream_sends_each_change_in_order_and_ends() -> None:
    first = run(vision="running")
    complete = run(vision="done", story="done", images="done", voice="done", video="done").model_copy(update={"status": RunStatus.COMPLETE})
    timeline = Timeline(run(vision="done", story="running"), run(vision="done", story="done", images="running", voice="running"), complete)
    chunks = [chunk async for chunk in stage_events(load=timeline, first=first, max_seconds=60, poll=0.25)]
    events = [(chunk.split("\n")[0].removeprefix("event: "), json.loads(chunk.split("\n")[1].removeprefix("data: "))) for chunk in chunks]
    assert [(name, data.get("stage"), data["status"]) for name, data in events] == [
        ("stage", "vision", "running"),
        ("stage", "story", "pending"),
        ("stage", "images", "pending"),
        ("stage", "voice", "pending"),
        ("stage", "video", "pending"),
        ("stage", "vision", "done"),
        ("stage", "story", "running"),
        ("stage", "story", "done"),
        ("stage", "images", "running"),
        ("stage", "voice", "running"),
        ("stage", "images", "done"),
        ("stage", "voice", "done"),
        ("stage", "video", "done"),
        ("end", None, "complete"),
    ]
    assert events[-1][1]["percent"] == 100


async def test_the_stream_ends_at_a_parent_gate() -> None:
    waiting = run(vision="done").model_copy(update={"status": RunStatus.WAITING})
    chunks = [chunk async for chunk in stage_events(load=Timeline(waiting), first=waiting, max_seconds=60, poll=0.25)]
    assert chunks[-1].startswith("event: end") and '"waiting"' in chunks[-1]


def status_of(answer: Checkpoint | None, stage: Stage) -> StageStatus:
    assert answer is not None
    return answer.stages[stage].status


async def test_followers_of_one_run_share_one_read_and_a_fresh_answer() -> None:
    reads, gate = SharedReads(max_age=0.2), asyncio.Event()
    table = Timeline(run(vision="running"), run(vision="done"))

    async def slow_read() -> Checkpoint:
        await gate.wait()
        return await table()

    followers = [asyncio.create_task(reads.read("r", slow_read)) for _ in range(100)]
    await asyncio.sleep(0.01)
    gate.set()
    answers = await asyncio.gather(*followers)
    assert table.reads == 1 and {status_of(answer, Stage.VISION) for answer in answers} == {StageStatus.RUNNING}
    assert status_of(await reads.read("r", table), Stage.VISION) == StageStatus.RUNNING  # still fresh: no read
    assert table.reads == 1
    await asyncio.sleep(0.25)
    assert status_of(await reads.read("r", table), Stage.VISION) == StageStatus.DONE
    assert table.reads == 2
    assert (await reads.read("another run", table)) is not None and table.reads == 3


async def test_a_failed_or_abandoned_shared_read_is_not_kept() -> None:
    reads, gate = SharedReads(max_age=10), asyncio.Event()

    async def broken() -> Checkpoint:
        raise ConnectionError("table unreachable")

    with pytest.raises(ConnectionError):
        await reads.read("r", broken)
    table = Timeline(run(vision="done"))
    assert (await reads.read("r", table)) is not None and table.reads == 1  # the failure was not everyone's answer

    async def slow() -> Checkpoint:
        await gate.wait()
        return run(story="done")

    leaving = asyncio.create_task(reads.read("s", slow))
    staying = asyncio.create_task(reads.read("s", slow))
    await asyncio.sleep(0.01)
    leaving.cancel()  # a stream closed while the read was on its way
    gate.set()
    assert status_of(await staying, Stage.STORY) == StageStatus.DONE
