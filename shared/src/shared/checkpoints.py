"""The run checkpoint in DynamoDB and the store that writes it field by field.

Every write is a conditional UpdateItem on the fields its writer owns, never a
whole-item put that could wipe another stage's result. A stage's result, the
id of the event that produced it and the events it will emit (the outbox)
are written in one update, so a repeated delivery changes nothing and a crash
between writing and publishing loses no event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field

from shared.dynamodb import Expression, from_item, to_item
from shared.events import Envelope, RunMode, Stage
from shared.models import (
    AudioResult,
    DrawingAnalysis,
    ImageResult,
    OptionChoices,
    StoryOptions,
    StoryScript,
    VideoResult,
)

COMPLETE = "complete"


class StageStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RunStatus(StrEnum):
    RUNNING = "running"
    WAITING = "waiting"  # for the parent, at a gate of an interactive run
    COMPLETE = "complete"
    FAILED = "failed"


class StageState(BaseModel):
    status: StageStatus = StageStatus.PENDING
    # Which pipeline (the pipeline.requested event id) a media stage's state belongs to.
    attempt: str | None = None
    started_at: str | None = None
    finished_at: str | None = None


class RunError(BaseModel):
    stage: Stage
    code: str
    message: str


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Checkpoint(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user_id: str
    run_id: str
    mode: RunMode
    status: RunStatus = RunStatus.RUNNING
    current_stage: str = Stage.VISION
    stages: dict[Stage, StageState] = Field(default_factory=lambda: {stage: StageState() for stage in Stage})
    drawing_key: str
    media_type: str
    figure_mask_key: str | None = None
    choices: OptionChoices = Field(default_factory=OptionChoices)
    options: StoryOptions | None = None
    drawing_analysis: DrawingAnalysis | None = None
    story_script: StoryScript | None = None
    pipeline_id: str | None = None
    video_claim: str | None = None
    image_result: ImageResult | None = None
    audio_result: AudioResult | None = None
    video_result: VideoResult | None = None
    error: RunError | None = None
    created_at: str = Field(default_factory=now_iso)
    updated_at: str = Field(default_factory=now_iso)
    ttl: int = 0
    version: int = 0
    processed_events: set[str] = Field(default_factory=set)
    outbox: dict[str, list[str]] = Field(default_factory=dict)

    def stage_done(self, stage: Stage, attempt: str | None = None) -> bool:
        state = self.stages[stage]
        return state.status == StageStatus.DONE and (attempt is None or state.attempt == attempt)

    def public_view(self) -> dict[str, Any]:
        """What the API shows: everything but the delivery bookkeeping."""
        return self.model_dump(mode="json", exclude={"processed_events", "outbox", "video_claim"})


class RecordResult(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # this event id was already recorded
    CLAIM_LOST = "claim_lost"  # another delivery claimed the same follow-up first
    MISSING = "missing"  # the run does not exist


@dataclass(frozen=True)
class Claim:
    """A field that must not yet hold `value`: makes a fan-in emit its follow-up once."""

    field: str
    value: str


class RunAlreadyExists(Exception):
    pass


class CheckpointStore:
    def __init__(self, dynamodb: Any, table: str, ttl_days: int = 7) -> None:
        self._dynamodb = dynamodb
        self._table = table
        self._ttl_days = ttl_days

    def _key(self, user_id: str, run_id: str) -> dict[str, Any]:
        return {"user_id": {"S": user_id}, "run_id": {"S": run_id}}

    async def create(self, checkpoint: Checkpoint) -> Checkpoint:
        """The only whole-item write: a new run, guarded so it can never replace one."""
        created = checkpoint.model_copy(update={"ttl": int((datetime.now(UTC) + timedelta(days=self._ttl_days)).timestamp())})
        item = to_item(created.model_dump(mode="json", exclude={"processed_events"}))
        try:
            await self._dynamodb.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(run_id)")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise RunAlreadyExists(checkpoint.run_id) from error
            raise
        return created

    async def get(self, user_id: str, run_id: str) -> Checkpoint | None:
        response = await self._dynamodb.get_item(TableName=self._table, Key=self._key(user_id, run_id), ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return None
        return Checkpoint.model_validate(from_item(item))

    async def count_running(self, user_id: str) -> int:
        """How many of the user's runs are being worked on right now (a parent gate is not running)."""
        expression = Expression()
        user, status = expression.name("user_id"), expression.name("status")
        arguments = {
            "TableName": self._table,
            "KeyConditionExpression": f"{user} = {expression.value(user_id)}",
            "FilterExpression": f"{status} = {expression.value(RunStatus.RUNNING.value)}",
            "ProjectionExpression": "run_id",
            "Select": "SPECIFIC_ATTRIBUTES",
        }
        arguments |= {"ExpressionAttributeNames": expression.names, "ExpressionAttributeValues": expression.values}
        running = 0
        paginator = self._dynamodb.get_paginator("query")
        async for page in paginator.paginate(**arguments):
            running += page["Count"]
        return running

    async def update(self, user_id: str, run_id: str, changes: dict[str, Any], *, expected_version: int | None = None) -> bool:
        """Set the given fields (dotted paths reach into maps); False if the run is gone or moved on."""
        expression = Expression()
        conditions = ["attribute_exists(run_id)"]
        if expected_version is not None:
            conditions.append(f"{expression.name('version')} = {expression.value(expected_version)}")
        try:
            await self._update(user_id, run_id, expression, changes, conditions, adds=[])
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    async def record(
        self,
        user_id: str,
        run_id: str,
        *,
        event_id: str,
        changes: dict[str, Any],
        outbox: list[Envelope],
        claim: Claim | None = None,
    ) -> RecordResult:
        """Apply one event's result once: its changes, its id, and its outbox together."""
        expression = Expression()
        processed = expression.name("processed_events")
        event_set = expression.raw_value({"SS": [event_id]})
        conditions = ["attribute_exists(run_id)", f"NOT contains({processed}, {expression.value(event_id)})"]
        if claim is not None:
            field = expression.name(claim.field)
            conditions.append(f"(attribute_not_exists({field}) OR {field} <> {expression.value(claim.value)})")
            changes = {**changes, claim.field: claim.value}
        if outbox:
            changes = {**changes, f"outbox.{event_id}": [envelope.model_dump_json() for envelope in outbox]}
        try:
            await self._update(user_id, run_id, expression, changes, conditions, adds=[(processed, event_set)])
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return await self._why_not_recorded(user_id, run_id, event_id)
        return RecordResult.APPLIED

    async def _why_not_recorded(self, user_id: str, run_id: str, event_id: str) -> RecordResult:
        current = await self.get(user_id, run_id)
        if current is None:
            return RecordResult.MISSING
        if event_id in current.processed_events:
            return RecordResult.DUPLICATE
        return RecordResult.CLAIM_LOST

    async def clear_outbox(self, user_id: str, run_id: str, event_id: str) -> None:
        expression = Expression()
        await self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(user_id, run_id),
            UpdateExpression=f"REMOVE {expression.name(f'outbox.{event_id}')}",
            ExpressionAttributeNames=expression.names,
        )

    async def _update(
        self,
        user_id: str,
        run_id: str,
        expression: Expression,
        changes: dict[str, Any],
        conditions: list[str],
        adds: list[tuple[str, str]],
    ) -> None:
        changes = {**changes, "updated_at": now_iso()}
        assignments = [f"{expression.name(path)} = {expression.value(value)}" for path, value in changes.items()]
        version = expression.name("version")
        adds = [*adds, (version, expression.value(1))]
        update = "SET " + ", ".join(assignments) + " ADD " + ", ".join(f"{name} {value}" for name, value in adds)
        await self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(user_id, run_id),
            UpdateExpression=update,
            ConditionExpression=" AND ".join(conditions),
            ExpressionAttributeNames=expression.names,
            ExpressionAttributeValues=expression.values,
        )
