"""Runs a service's handlers with at-least-once delivery made safe.

A handler is pure with respect to delivery: it gets the event and the run's
checkpoint and returns an Outcome (fields to set, events to emit). The
processor records the outcome and the event id in one conditional update,
then publishes the outbox. A repeated event therefore changes nothing and
emits nothing new; a crash between recording and publishing is repaired by
the next delivery, which publishes what the outbox still holds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from shared.bus import Disposition, EventPublisher
from shared.checkpoints import Checkpoint, CheckpointStore, Claim, RecordResult, RunError, RunStatus, StageStatus, now_iso
from shared.events import Envelope, EventType, RunFailed, Stage
from shared.failures import StageFailure

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    changes: dict[str, Any] = field(default_factory=dict)
    events: list[Envelope] = field(default_factory=list)
    claim: Claim | None = None


Handler = Callable[[Envelope, Checkpoint], Awaitable[Outcome]]


@dataclass(frozen=True)
class Route:
    stage: Stage
    handler: Handler
    # False for bookkeeping events (a fan-in) that do not start the stage's work.
    starts_stage: bool = True


# What a parent reads when a stage fails for a reason that is ours, not theirs.
UNEXPECTED_FAILURE_MESSAGES: dict[Stage, str] = {
    Stage.VISION: "We couldn't look at this drawing properly. Please try again, or take a new photo of it.",
    Stage.STORY: "We couldn't write the story this time. Please try again in a moment.",
    Stage.IMAGES: "We couldn't paint the pictures for this story. Please try again in a moment.",
    Stage.VOICE: "We couldn't record the narration for this story. Please try again in a moment.",
    Stage.VIDEO: "We couldn't put the video together. Please try again in a moment.",
}


def stage_started(stage: Stage, attempt: str | None = None) -> dict[str, Any]:
    return {
        "current_stage": stage.value,
        f"stages.{stage.value}": {"status": StageStatus.RUNNING, "attempt": attempt, "started_at": now_iso(), "finished_at": None},
    }


def stage_finished(stage: Stage, attempt: str | None = None) -> dict[str, Any]:
    # Field by field: started_at was written when the stage started, after the handler's snapshot was read.
    prefix = f"stages.{stage.value}"
    return {f"{prefix}.status": StageStatus.DONE, f"{prefix}.attempt": attempt, f"{prefix}.finished_at": now_iso()}


class EventProcessor:
    def __init__(
        self,
        *,
        checkpoints: CheckpointStore,
        publisher: EventPublisher,
        routes: dict[EventType, Route],
        max_receive_count: int,
    ) -> None:
        self._checkpoints = checkpoints
        self._publisher = publisher
        self._routes = routes
        self._max_receive_count = max_receive_count

    async def __call__(self, envelope: Envelope, receive_count: int) -> Disposition:
        route = self._routes.get(envelope.type)
        if route is None:
            log.error("no handler for this event type here")
            return Disposition.DEAD_LETTER
        checkpoint = await self._checkpoints.get(envelope.user_id, envelope.run_id)
        if checkpoint is None:
            log.error("event for a run that does not exist")
            return Disposition.DEAD_LETTER
        if envelope.id in checkpoint.processed_events:
            log.info("duplicate delivery; publishing only what the outbox still holds")
            await self._flush_outbox(checkpoint, envelope.id)
            return Disposition.DONE
        if checkpoint.status == RunStatus.FAILED:
            log.info("run already failed; nothing to do")
            return Disposition.DONE
        attempt = envelope.data.get("pipeline_id")
        # A media event of a replaced pipeline must not touch the current pipeline's stage state.
        if route.starts_stage and (attempt is None or attempt == checkpoint.pipeline_id):
            await self._checkpoints.update(envelope.user_id, envelope.run_id, stage_started(route.stage, attempt))
        try:
            outcome = await route.handler(envelope, checkpoint)
        except StageFailure as failure:
            log.warning("stage failed for good", extra={"code": failure.code, "reason": failure.message})
            await self._fail(envelope, route.stage, failure.code, failure.message)
            return Disposition.DEAD_LETTER
        except Exception:
            if receive_count < self._max_receive_count:
                raise
            log.exception("stage failed on its last attempt")
            await self._fail(envelope, route.stage, "internal_error", UNEXPECTED_FAILURE_MESSAGES[route.stage])
            return Disposition.DEAD_LETTER
        await self._record(envelope, outcome)
        return Disposition.DONE

    async def _record(self, envelope: Envelope, outcome: Outcome) -> None:
        result = await self._checkpoints.record(
            envelope.user_id,
            envelope.run_id,
            event_id=envelope.id,
            changes=outcome.changes,
            outbox=outcome.events,
            claim=outcome.claim,
        )
        events = outcome.events
        if result is RecordResult.CLAIM_LOST:
            # Another event emits the follow-up: keep this event's own changes, and emit nothing.
            log.info("follow-up already claimed", extra={"claim": outcome.claim.field if outcome.claim else None})
            changes = {key: value for key, value in outcome.changes.items() if not outcome.claim or key != outcome.claim.field}
            result = await self._checkpoints.record(envelope.user_id, envelope.run_id, event_id=envelope.id, changes=changes, outbox=[])
            events = []
        if result is RecordResult.APPLIED:
            await self._publish(envelope.user_id, envelope.run_id, envelope.id, events)
        else:
            log.info("outcome not recorded", extra={"result": result.value})

    async def _publish(self, user_id: str, run_id: str, source_event_id: str, events: list[Envelope]) -> None:
        for event in events:
            await self._publisher.publish(event)
        if events:
            await self._checkpoints.clear_outbox(user_id, run_id, source_event_id)

    async def _flush_outbox(self, checkpoint: Checkpoint, event_id: str) -> None:
        pending = [Envelope.model_validate_json(body) for body in checkpoint.outbox.get(event_id, [])]
        if pending:
            log.warning("publishing events left in the outbox", extra={"count": len(pending)})
            await self._publish(checkpoint.user_id, checkpoint.run_id, event_id, pending)

    async def _fail(self, envelope: Envelope, stage: Stage, code: str, message: str) -> None:
        failed = envelope.follow(RunFailed(stage=stage, code=code, message=message), type=EventType.RUN_FAILED)
        changes = {
            "status": RunStatus.FAILED,
            "error": RunError(stage=stage, code=code, message=message),
            f"stages.{stage.value}.status": StageStatus.FAILED,
            f"stages.{stage.value}.finished_at": now_iso(),
        }
        await self._record(envelope, Outcome(changes=changes, events=[failed]))
