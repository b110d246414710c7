"""Runs a service's handlers with at-least-once delivery made safe.

A handler is pure with respect to delivery: it gets the event, with its
payload already parsed and typed, and the run's checkpoint, and returns an
Outcome (a patch of the run, events to emit). The processor records the
outcome and the event id in one conditional update, then publishes the
outbox. A repeated event therefore changes nothing and emits nothing new; a
crash between recording and publishing is repaired by the next delivery,
which publishes what the outbox still holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from opentelemetry import trace

from shared.domain.errors import StageFailure
from shared.domain.events import CATALOGUE, Envelope, EventType, RunFailed, Stage, parse_envelope
from shared.domain.models import Model
from shared.domain.ports import CheckpointStore, Disposition, EventPublisher, RecordResult
from shared.domain.run import (
    STAGE_BUDGET_SECONDS,
    Checkpoint,
    Claim,
    Expect,
    RunError,
    RunPatch,
    RunStatus,
    run_failed,
    stage_started,
)
from shared.runtime.metrics import StageOutcome, WorkerMetrics
from shared.runtime.subprocesses import kill_all, owned_children

log = logging.getLogger(__name__)

P = TypeVar("P", bound=Model)


@dataclass(frozen=True)
class Outcome:
    changes: RunPatch = field(default_factory=RunPatch)
    events: list[Envelope[Any]] = field(default_factory=list[Envelope[Any]])
    claim: Claim | None = None
    # What must still hold when the outcome is written; by default only that the run has not failed meanwhile.
    expect: Expect = field(default_factory=Expect)


Handler = Callable[[Envelope[P], Checkpoint], Awaitable[Outcome]]


def _no_attempt(payload: Model) -> str | None:
    return None


@dataclass(frozen=True)
class Route(Generic[P]):
    """How a service handles one event type: its payload type, the stage it belongs to, the handler."""

    payload: type[P]
    stage: Stage
    handler: Handler[P]
    # False for bookkeeping events (a fan-in) that do not start the stage's work.
    starts_stage: bool = True
    # Which attempt of the stage (a media pipeline's id) the event belongs to; its stage state is marked only if current.
    attempt: Callable[[P], str | None] = _no_attempt

    def typed(self, envelope: Envelope[Any]) -> Envelope[P]:
        if not isinstance(envelope.payload, self.payload):
            raise TypeError(f"{envelope.type} carries {type(envelope.payload).__name__}, not {self.payload.__name__}")
        return cast(Envelope[P], envelope)


# What a parent reads when a stage fails for a reason that is ours, not theirs.
UNEXPECTED_FAILURE_MESSAGES: dict[Stage, str] = {
    Stage.VISION: "We couldn't look at this drawing properly. Please try again, or take a new photo of it.",
    Stage.STORY: "We couldn't write the story this time. Please try again in a moment.",
    Stage.IMAGES: "We couldn't paint the pictures for this story. Please try again in a moment.",
    Stage.VOICE: "We couldn't record the narration for this story. Please try again in a moment.",
    Stage.VIDEO: "We couldn't put the video together. Please try again in a moment.",
}


# What a parent reads when a stage ran out of time.
TIMED_OUT_MESSAGES: dict[Stage, str] = {
    stage: f"{message.split('.')[0]}: it took far too long, so we stopped. Please try again in a moment."
    for stage, message in UNEXPECTED_FAILURE_MESSAGES.items()
}


class EventProcessor:
    def __init__(
        self,
        *,
        checkpoints: CheckpointStore,
        publisher: EventPublisher,
        routes: dict[EventType, Route[Any]],
        max_receive_count: int,
        stage_budgets: Mapping[Stage, float] = STAGE_BUDGET_SECONDS,
        metrics: WorkerMetrics | None = None,
    ) -> None:
        for event_type, route in routes.items():
            if route.payload is not CATALOGUE[event_type]:
                raise TypeError(
                    f"the route for {event_type} takes {route.payload.__name__}; the catalogue says {CATALOGUE[event_type].__name__}"
                )
        self._checkpoints = checkpoints
        self._publisher = publisher
        self._routes = routes
        self._max_receive_count = max_receive_count
        self._stage_budgets = stage_budgets
        self._metrics = metrics or WorkerMetrics()

    async def __call__(self, envelope: Envelope[Any], receive_count: int) -> Disposition:
        route = self._routes.get(envelope.type)
        if route is None:
            log.error("no handler for this event type here")
            return Disposition.DEAD_LETTER
        event = route.typed(envelope)
        trace.get_current_span().set_attribute("stage", route.stage.value)
        checkpoint = await self._checkpoints.get(event.user_id, event.run_id)
        if checkpoint is None:
            log.error("event for a run that does not exist")
            return Disposition.DEAD_LETTER
        if event.id in checkpoint.processed_events:
            log.info("duplicate delivery; publishing only what the outbox still holds")
            await self._flush_outbox(checkpoint, event.id)
            return Disposition.DONE
        if checkpoint.status == RunStatus.FAILED:
            log.info("run already failed; nothing to do")
            return Disposition.DONE
        attempt = route.attempt(event.payload)
        # An event of a replaced attempt must not touch the current attempt's stage state. A stage already running for
        # this attempt (its other scenes started it) keeps the time it started, and costs no write.
        current = attempt is None or attempt == checkpoint.pipeline_id
        if route.starts_stage and current and not checkpoint.stage_running(route.stage, attempt):
            # Conditional: a duplicate delivery arriving after the first finished the stage must not mark it running again.
            started = Expect(pipeline_id=attempt, stage_not_done=(route.stage, attempt))
            if not await self._checkpoints.update(event.user_id, event.run_id, stage_started(route.stage, attempt), expect=started):
                log.info("stage already done for this attempt, or the run moved on; nothing to do")
                return Disposition.DONE
        started_at = time.perf_counter()

        def handled(outcome: StageOutcome, code: str | None = None) -> None:
            self._metrics.stage_handled(route.stage, event.type, time.perf_counter() - started_at, outcome, code)

        try:
            outcome = await self._within_budget(route, event, checkpoint)
        except StageFailure as failure:
            handled(StageOutcome.FAILED, failure.code)
            log.warning("stage failed for good", extra={"code": failure.code, "reason": failure.message})
            await self._fail(event, route.stage, failure.code, failure.message)
            return Disposition.DEAD_LETTER
        except Exception:
            if receive_count < self._max_receive_count:
                handled(StageOutcome.RETRY)
                raise
            handled(StageOutcome.FAILED, "internal_error")
            log.exception("stage failed on its last attempt")
            await self._fail(event, route.stage, "internal_error", UNEXPECTED_FAILURE_MESSAGES[route.stage])
            return Disposition.DEAD_LETTER
        handled(StageOutcome.DONE)
        await self._record(event, outcome)
        return Disposition.DONE

    async def _within_budget(self, route: Route[Any], event: Envelope[Any], checkpoint: Checkpoint) -> Outcome:
        """The handler, stopped (with every process it started) once its stage has had its time."""
        budget = self._stage_budgets[route.stage]
        with owned_children() as children:
            try:
                async with asyncio.timeout(budget):
                    return await route.handler(event, checkpoint)
            except TimeoutError:
                kill_all(children)
                log.error("stage over its time budget; stopped", extra={"stage": route.stage.value, "budget_seconds": budget})
                raise StageFailure("stage_timed_out", TIMED_OUT_MESSAGES[route.stage]) from None

    async def _record(self, envelope: Envelope[Any], outcome: Outcome) -> None:
        result = await self._checkpoints.record(
            envelope.user_id,
            envelope.run_id,
            event_id=envelope.id,
            changes=outcome.changes,
            outbox=outcome.events,
            claim=outcome.claim,
            expect=outcome.expect,
        )
        events = outcome.events
        if result is RecordResult.CLAIM_LOST:
            # Another event emits the follow-up: keep this event's own changes, and emit nothing.
            log.info("follow-up already claimed", extra={"claim": outcome.claim.field if outcome.claim else None})
            result = await self._checkpoints.record(
                envelope.user_id, envelope.run_id, event_id=envelope.id, changes=outcome.changes, outbox=[], expect=outcome.expect
            )
            events = []
        if result is RecordResult.APPLIED:
            await self._publish(envelope.user_id, envelope.run_id, envelope.id, events)
        else:
            log.info("outcome not recorded", extra={"result": result.value})

    async def _publish(self, user_id: str, run_id: str, source_event_id: str, events: list[Envelope[Any]]) -> None:
        for event in events:
            await self._publisher.publish(event)
        if events:
            await self._checkpoints.clear_outbox(user_id, run_id, source_event_id)

    async def _flush_outbox(self, checkpoint: Checkpoint, event_id: str) -> None:
        pending = [parse_envelope(body) for body in checkpoint.outbox.get(event_id, [])]
        if pending:
            log.warning("publishing events left in the outbox", extra={"count": len(pending)})
            await self._publish(checkpoint.user_id, checkpoint.run_id, event_id, pending)

    async def _fail(self, envelope: Envelope[Any], stage: Stage, code: str, message: str) -> None:
        failed = envelope.follow(RunFailed(stage=stage, code=code, message=message), type=EventType.RUN_FAILED)
        await self._record(envelope, Outcome(changes=run_failed(RunError(stage=stage, code=code, message=message)), events=[failed]))
