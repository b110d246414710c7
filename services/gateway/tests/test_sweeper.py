"""The sweeper on fakes: unpublished decisions get published, stalled runs get failed, nothing else is touched."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from gateway.runs.sweeper import STALLED_MESSAGE, RunSweeper
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode, Stage
from shared.domain.run import STAGE_BUDGET_SECONDS, Checkpoint, RunStatus
from tests.fakes import InMemoryCheckpointStore, RecordingPublisher


def aged(run: Checkpoint, seconds: float) -> Checkpoint:
    return run.model_copy(update={"updated_at": (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat()})


async def setup(*runs: Checkpoint) -> tuple[InMemoryCheckpointStore, RecordingPublisher, RunSweeper]:
    checkpoints, publisher = InMemoryCheckpointStore(), RecordingPublisher()
    for run in runs:
        checkpoints.runs[(run.user_id, run.run_id)] = run
    sweeper = RunSweeper(
        checkpoints=checkpoints, publisher=publisher, stage_budgets=STAGE_BUDGET_SECONDS, outbox_grace_seconds=30, stall_grace_seconds=60
    )
    return checkpoints, publisher, sweeper


def run(status: RunStatus = RunStatus.RUNNING, stage: Stage = Stage.VISION) -> Checkpoint:
    run_id = str(uuid.uuid4())
    return Checkpoint(
        user_id="u", run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key=f"u/drawings/{run_id}.png", media_type="image/png", status=status
    ).model_copy(update={"current_stage": stage})


def submitted(of: Checkpoint) -> Envelope[DrawingSubmitted]:
    return Envelope.new(
        DrawingSubmitted(drawing_key=of.drawing_key, media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id=of.run_id,
        user_id=of.user_id,
        mode=of.mode,
    )


async def test_an_event_a_stopped_gateway_never_published_is_published_once() -> None:
    stopped = run()
    event = submitted(stopped)
    checkpoints, publisher, sweeper = await setup(aged(stopped.model_copy(update={"outbox": {event.id: [event.model_dump_json()]}}), 45))
    report = await sweeper.sweep_once()
    assert report.published == 1 and [published.id for published in publisher.published] == [event.id]
    stored = await checkpoints.get("u", stopped.run_id)
    assert stored is not None and stored.outbox == {}
    assert (await sweeper.sweep_once()).published == 0


async def test_an_outbox_its_own_gateway_is_still_publishing_is_left_alone() -> None:
    fresh = run()
    event = submitted(fresh)
    _, publisher, sweeper = await setup(aged(fresh.model_copy(update={"outbox": {event.id: [event.model_dump_json()]}}), 5))
    assert (await sweeper.sweep_once()).published == 0 and publisher.published == []


async def test_a_run_running_far_past_its_stage_budget_is_failed_with_a_readable_message() -> None:
    stalled = aged(run(stage=Stage.VIDEO), STAGE_BUDGET_SECONDS[Stage.VIDEO] + 61)
    busy = aged(run(stage=Stage.VIDEO), STAGE_BUDGET_SECONDS[Stage.VIDEO] - 10)
    waiting = aged(run(status=RunStatus.WAITING, stage=Stage.STORY), 10 * 24 * 3600)
    checkpoints, publisher, sweeper = await setup(stalled, busy, waiting)
    assert (await sweeper.sweep_once()).failed == 1
    failed = await checkpoints.get("u", stalled.run_id)
    assert failed is not None and failed.status == RunStatus.FAILED
    assert failed.error is not None and (failed.error.stage, failed.error.code, failed.error.message) == (
        Stage.VIDEO,
        "stalled",
        STALLED_MESSAGE,
    )
    assert [(event.type, event.run_id) for event in publisher.published] == [(EventType.RUN_FAILED, stalled.run_id)]
    for untouched in (busy, waiting):
        stored = await checkpoints.get("u", untouched.run_id)
        assert stored is not None and stored.status == untouched.status
