"""The sweeper: no run stays running past its budget, and no decided event stays unpublished.

Workers repair their own outboxes when SQS redelivers a message; nothing redelivers a gateway request. So every
gateway, now and then, looks over the runs that were last written a while ago and are still running or still hold
an outbox: it publishes what a gateway stopped before publishing (consumers skip an event they already handled),
and fails, with a message a parent can read, a run whose stage has been going for longer than its budget: a
worker killed on every attempt, a message lost, a stage that hung past the point where its worker gave up.
Several gateways sweeping at once is safe: every write is conditional on the version it read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry.trace import Status, StatusCode

from shared.domain.events import Envelope, EventType, RunFailed, Stage, parse_envelope
from shared.domain.ports import CheckpointStore, EventPublisher
from shared.domain.run import Checkpoint, RunError, RunStatus, run_failed
from shared.runtime.tracing import continued, tracer

log = logging.getLogger(__name__)

STALLED_MESSAGE = "This storybook stopped making progress, so we stopped it. Please try again; it usually works the second time."


@dataclass(frozen=True)
class SweepReport:
    published: int = 0
    failed: int = 0


class RunSweeper:
    def __init__(
        self,
        *,
        checkpoints: CheckpointStore,
        publisher: EventPublisher,
        stage_budgets: Mapping[Stage, float],
        outbox_grace_seconds: float,
        stall_grace_seconds: float,
    ) -> None:
        self._checkpoints = checkpoints
        self._publisher = publisher
        self._stage_budgets = stage_budgets
        # A gateway publishes right after writing: an outbox younger than this is still being published by it.
        self._outbox_grace = timedelta(seconds=outbox_grace_seconds)
        # Past its budget a stage's worker has failed the run itself; this much later, nobody is left to do it.
        self._stall_grace = timedelta(seconds=stall_grace_seconds)

    async def run(self, every_seconds: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                report = await self.sweep_once()
                if report.published or report.failed:
                    log.info("swept", extra={"published": report.published, "failed": report.failed})
            except Exception:
                log.exception("sweep failed; trying again next time")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every_seconds)
            except TimeoutError:
                pass

    async def sweep_once(self) -> SweepReport:
        now = datetime.now(UTC)
        published = failed = 0
        for run in await self._checkpoints.unsettled((now - min(self._outbox_grace, self._stall_grace)).isoformat()):
            age = now - datetime.fromisoformat(run.updated_at)
            if run.outbox and age >= self._outbox_grace:
                published += await self._publish_outbox(run)
            if run.status == RunStatus.RUNNING and self._stalled(run, age) and await self._fail(run):
                failed += 1
        return SweepReport(published=published, failed=failed)

    def _stalled(self, run: Checkpoint, age: timedelta) -> bool:
        stage = run.current_stage
        budget = self._stage_budgets[stage] if isinstance(stage, Stage) else min(self._stage_budgets.values())
        return age > timedelta(seconds=budget) + self._stall_grace

    async def _publish_outbox(self, run: Checkpoint) -> int:
        count = 0
        with continued(run.trace_parent), tracer.start_as_current_span("sweeper published an outbox", attributes={"run_id": run.run_id}):
            for source_id, bodies in run.outbox.items():
                for body in bodies:
                    await self._publisher.publish(parse_envelope(body))
                    count += 1
                await self._checkpoints.clear_outbox(run.user_id, run.run_id, source_id)
        log.warning("published a stopped gateway's or worker's events", extra={"run_id": run.run_id, "count": count})
        return count

    async def _fail(self, run: Checkpoint) -> bool:
        stage = run.current_stage if isinstance(run.current_stage, Stage) else Stage.VIDEO
        error = RunError(stage=stage, code="stalled", message=STALLED_MESSAGE)
        event: Envelope[Any] = Envelope.new(
            RunFailed(stage=stage, code=error.code, message=error.message),
            type=EventType.RUN_FAILED,
            run_id=run.run_id,
            user_id=run.user_id,
            mode=run.mode,
        )
        with (
            continued(run.trace_parent),
            tracer.start_as_current_span("sweeper failed a stalled run", attributes={"run_id": run.run_id}) as span,
        ):
            if not await self._checkpoints.update(run.user_id, run.run_id, run_failed(error), expected_version=run.version, outbox=[event]):
                return False  # it moved on meanwhile: not stalled after all
            span.set_status(Status(StatusCode.ERROR, "stalled"))
            log.error("run stalled past its stage's budget; failed it", extra={"run_id": run.run_id, "stage": stage.value})
            await self._publisher.publish(event)
            await self._checkpoints.clear_outbox(run.user_id, run.run_id, event.id)
            return True
