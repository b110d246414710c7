"""DynamoDB: the checkpoint store, the budget's places, the library store, and every row of a user (for deleting them).

Every checkpoint write is a conditional UpdateItem on the fields a RunPatch
sets, never a whole-item put that could wipe another stage's result. An
event's result, its id and the events it will emit (the outbox) are written
in one update, so a repeated delivery changes nothing and a crash between
writing and publishing loses no event. This is the only module that spells
an update expression.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from shared.adapters.aws import delete_in_batches
from shared.domain.errors import DailyRunLimitReached, DeleteIncomplete, InvalidCursor, RunsBusyNow, TooManyRuns
from shared.domain.events import Envelope
from shared.domain.models import LibraryEntry
from shared.domain.ports import CheckpointStore, OpenedShare, RecordResult, RunAlreadyExists
from shared.domain.run import ACTIVE_STATUSES, Checkpoint, Claim, Expect, RunBudget, RunPatch, RunStatus, StageStatus, now_iso
from shared.domain.shares import REMEMBERED_AFTER_END, ShareLink
from shared.topology import TableSpec

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attribute(value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    # A JSON round trip turns models (at any depth), enums and datetimes into plain values and floats into
    # Decimals, which is what DynamoDB accepts.
    plain = json.loads(json.dumps(value, default=to_jsonable_python), parse_float=Decimal)
    return dict(_serializer.serialize(plain))


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(_deserializer.deserialize(value)) for key, value in item.items()}


def to_item(value: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return to_attribute(value)["M"]


def _plain(value: object) -> Any:
    """Decimals back to ints and floats, at any depth."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in cast(dict[str, object], value).items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in cast(list[object], value)]
    if isinstance(value, set):
        return {_plain(item) for item in cast(set[object], value)}
    return value


class Expression:
    """Builds update and condition expressions with placeholder names and values."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def name(self, path: str) -> str:
        parts: list[str] = []
        for part in path.split("."):
            placeholder = f"#n{len(self.names)}"
            self.names[placeholder] = part
            parts.append(placeholder)
        return ".".join(parts)

    def value(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = to_attribute(value)
        return placeholder

    def raw_value(self, attribute_value: dict[str, Any]) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = attribute_value
        return placeholder


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _conditions(expect: Expect | None, expression: Expression) -> list[str]:
    """An Expect as condition expressions on the item, as Expect.holds reads the checkpoint."""
    if expect is None:
        return []
    conditions: list[str] = []
    if expect.not_failed:
        conditions.append(f"{expression.name('status')} <> {expression.value(RunStatus.FAILED.value)}")
    if expect.pipeline_id is not None:
        conditions.append(f"{expression.name('pipeline_id')} = {expression.value(expect.pipeline_id)}")
    if expect.stage_not_done is not None:
        stage, attempt = expect.stage_not_done
        status = expression.name(f"stages.{stage.value}.status")
        not_done = f"{status} <> {expression.value(StageStatus.DONE.value)}"
        if attempt is not None:
            not_done += f" OR {expression.name(f'stages.{stage.value}.attempt')} <> {expression.value(attempt)}"
        conditions.append(f"({not_done})")
    return conditions


def _outbox_entries(events: Sequence[Envelope[Any]]) -> dict[str, list[str]]:
    """A decision's outbox (the gateway's): each event under its own id, until it is published."""
    return {event.id: [event.model_dump_json()] for event in events}


_BUDGET_ATTEMPTS = 8


# What readers wait on is set last. DynamoDB applies an update all at once, but the local AWS (moto) applies
# it action by action with no lock, and a reader in between would see a run "complete" without its video.
_WAITED_ON = frozenset({"status", "current_stage", "finished_at"})


def _waited_on_last(values: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(values.items(), key=lambda item: item[0] in _WAITED_ON)


# A checkpoint's documents (the script, the analysis, the results, each scene's entry) are kept as JSON text: they are
# only ever written and read whole, and as typed maps every read would cost a parse per value (a storybook's word
# timings are thousands of them). The local AWS pays that parse too, in most of its time serving a run.
_DOCUMENTS = frozenset({"choices", "options", "drawing_analysis", "story_script", "image_result", "audio_result", "video_result", "error"})
_DOCUMENT_MAPS = frozenset({"pictures", "narrations", "page_videos"})
# A stage's usage too: its counts are read only whole, and as a map they were half of every stage's values.
_STAGE_DOCUMENT = "usage"


def _as_text(value: Any) -> Any:  # noqa: ANN401 - any document, or None
    if value is None:
        return None
    return json.dumps(value.model_dump(mode="json") if isinstance(value, BaseModel) else value, default=to_jsonable_python)


def _from_text(value: Any) -> Any:  # noqa: ANN401 - a stored document: text, or a map written before documents were text
    return json.loads(value) if isinstance(value, str) else value


def _stored(name: str, value: Any) -> Any:  # noqa: ANN401 - any field's value
    if name in _DOCUMENTS:
        return _as_text(value)
    if name in _DOCUMENT_MAPS:
        return {key: _as_text(entry) for key, entry in value.items()}
    if name == "stages":
        return {stage: {field: _stored_in_stage(field, entry) for field, entry in state.items()} for stage, state in value.items()}
    return value


def _stored_in_stage(name: str, value: Any) -> Any:  # noqa: ANN401 - any field of a stage's state
    return _as_text(value) if name == _STAGE_DOCUMENT else value


def _checkpoint_item(checkpoint: Checkpoint) -> dict[str, Any]:
    fields = checkpoint.model_dump(mode="json", exclude={"processed_events"})
    return to_item({name: _stored(name, value) for name, value in fields.items()})


def _checkpoint_from(item: dict[str, Any]) -> Checkpoint:
    """A checkpoint from its item; a document stored as a map (before documents were kept as text) reads the same."""
    fields = from_item(item)
    for name in _DOCUMENTS & fields.keys():
        fields[name] = _from_text(fields[name])
    for name in _DOCUMENT_MAPS & fields.keys():
        fields[name] = {key: _from_text(entry) for key, entry in fields[name].items()}
    for state in fields.get("stages", {}).values():
        if _STAGE_DOCUMENT in state:
            state[_STAGE_DOCUMENT] = _from_text(state[_STAGE_DOCUMENT])
    return Checkpoint.model_validate(fields)


def _assignments(patch: RunPatch) -> dict[str, Any]:
    """The attribute paths a patch sets; a stage's state is set field by field, inside its map, and a map entry on
    its own (the map itself exists from the run's creation)."""
    run = [(name, _stored(name, value)) for name, value in _waited_on_last(patch.values())]
    paths = {name: value for name, value in run if name not in _WAITED_ON}
    paths |= {f"{entry.map}.{entry.key}": _as_text(entry.value) for entry in patch.entries}
    for stage, stage_patch in patch.stages.items():
        paths |= {f"stages.{stage.value}.{name}": _stored_in_stage(name, value) for name, value in _waited_on_last(stage_patch.values())}
    return paths | {name: value for name, value in run if name in _WAITED_ON}


class DynamoCheckpointStore:
    def __init__(self, dynamodb: Any, table: str, ttl_days: int = 7) -> None:
        self._dynamodb = dynamodb
        self._table = table
        self._ttl_days = ttl_days

    def _key(self, user_id: str, run_id: str) -> dict[str, Any]:
        return {"user_id": {"S": user_id}, "run_id": {"S": run_id}}

    async def create(self, checkpoint: Checkpoint, *, outbox: Sequence[Envelope[Any]] = ()) -> Checkpoint:
        """The only whole-item write: a new run, guarded so it can never replace one."""
        created = checkpoint.model_copy(
            update={
                "ttl": int((datetime.now(UTC) + timedelta(days=self._ttl_days)).timestamp()),
                "outbox": _outbox_entries(outbox),
            }
        )
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": _checkpoint_item(created),
            "ConditionExpression": "attribute_not_exists(run_id)",
        }
        try:
            await self._dynamodb.put_item(**put)
        except ClientError as error:
            if _is_condition_failure(error):
                raise RunAlreadyExists(checkpoint.run_id) from error
            raise
        return created

    async def get(self, user_id: str, run_id: str) -> Checkpoint | None:
        response = await self._dynamodb.get_item(TableName=self._table, Key=self._key(user_id, run_id), ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return None
        return _checkpoint_from(item)

    async def unsettled(self, updated_before: str) -> list[Checkpoint]:
        # A scan: the sweeper's once-a-minute look over every run, small while runs expire after days.
        expression = Expression()
        status, updated, outbox = expression.name("status"), expression.name("updated_at"), expression.name("outbox")
        running, before, nothing = expression.value(RunStatus.RUNNING.value), expression.value(updated_before), expression.value(0)
        arguments = {
            "TableName": self._table,
            "FilterExpression": f"{updated} < {before} AND ({status} = {running} OR size({outbox}) > {nothing})",
            "ConsistentRead": True,
            "ExpressionAttributeNames": expression.names,
            "ExpressionAttributeValues": expression.values,
        }
        runs: list[Checkpoint] = []
        async for page in self._dynamodb.get_paginator("scan").paginate(**arguments):
            runs += [_checkpoint_from(item) for item in page.get("Items", [])]
        return runs

    async def count_active(self, user_id: str) -> int:
        expression = Expression()
        user, status = expression.name("user_id"), expression.name("status")
        active = ", ".join(expression.value(status_value.value) for status_value in ACTIVE_STATUSES)
        arguments = {
            "TableName": self._table,
            "KeyConditionExpression": f"{user} = {expression.value(user_id)}",
            "FilterExpression": f"{status} IN ({active})",
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        arguments |= {"ExpressionAttributeNames": expression.names, "ExpressionAttributeValues": expression.values}
        count = 0
        paginator = self._dynamodb.get_paginator("query")
        async for page in paginator.paginate(**arguments):
            count += page["Count"]
        return count

    async def update(
        self,
        user_id: str,
        run_id: str,
        changes: RunPatch,
        *,
        expected_version: int | None = None,
        outbox: Sequence[Envelope[Any]] = (),
        expect: Expect | None = None,
    ) -> bool:
        expression = Expression()
        conditions = ["attribute_exists(run_id)", *_conditions(expect, expression)]
        if expected_version is not None:
            conditions.append(f"{expression.name('version')} = {expression.value(expected_version)}")
        paths = _assignments(changes) | {f"outbox.{event_id}": bodies for event_id, bodies in _outbox_entries(outbox).items()}
        update = self._update_request(user_id, run_id, expression, paths, conditions, adds=[])
        try:
            await self._dynamodb.update_item(**update)
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    async def record(
        self,
        user_id: str,
        run_id: str,
        *,
        event_id: str,
        changes: RunPatch,
        outbox: list[Envelope[Any]],
        claim: Claim | None = None,
        expect: Expect | None = None,
    ) -> RecordResult:
        expression = Expression()
        processed = expression.name("processed_events")
        event_set = expression.raw_value({"SS": [event_id]})
        conditions = [
            "attribute_exists(run_id)",
            f"NOT contains({processed}, {expression.value(event_id)})",
            *_conditions(expect, expression),
        ]
        paths = _assignments(changes)
        if claim is not None:
            field = expression.name(claim.field)
            conditions.append(f"(attribute_not_exists({field}) OR {field} <> {expression.value(claim.value)})")
            paths[claim.field] = claim.value
        if outbox:
            paths[f"outbox.{event_id}"] = [envelope.model_dump_json() for envelope in outbox]
        try:
            await self._update(user_id, run_id, expression, paths, conditions, adds=[(processed, event_set)])
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            return await self._why_not_recorded(user_id, run_id, event_id, expect)
        return RecordResult.APPLIED

    async def _why_not_recorded(self, user_id: str, run_id: str, event_id: str, expect: Expect | None) -> RecordResult:
        current = await self.get(user_id, run_id)
        if current is None:
            return RecordResult.MISSING
        if event_id in current.processed_events:
            return RecordResult.DUPLICATE
        if expect is not None and not expect.holds(current):
            return RecordResult.STALE
        return RecordResult.CLAIM_LOST

    async def clear_outbox(self, user_id: str, run_id: str, event_id: str) -> None:
        expression = Expression()
        await self._dynamodb.update_item(
            TableName=self._table,
            Key=self._key(user_id, run_id),
            UpdateExpression=f"REMOVE {expression.name(f'outbox.{event_id}')}",
            ExpressionAttributeNames=expression.names,
        )

    async def delete_ended(self, user_id: str, run_id: str) -> bool:
        expression = Expression()
        active = ", ".join(expression.value(status.value) for status in ACTIVE_STATUSES)
        try:
            await self._dynamodb.delete_item(
                TableName=self._table,
                Key=self._key(user_id, run_id),
                # A missing item passes too: IN on an absent attribute is false.
                ConditionExpression=f"NOT ({expression.name('status')} IN ({active}))",
                ExpressionAttributeNames=expression.names,
                ExpressionAttributeValues=expression.values,
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    async def _update(
        self,
        user_id: str,
        run_id: str,
        expression: Expression,
        paths: dict[str, Any],
        conditions: list[str],
        adds: list[tuple[str, str]],
    ) -> None:
        await self._dynamodb.update_item(**self._update_request(user_id, run_id, expression, paths, conditions, adds))

    def _update_request(
        self,
        user_id: str,
        run_id: str,
        expression: Expression,
        paths: dict[str, Any],
        conditions: list[str],
        adds: list[tuple[str, str]],
    ) -> dict[str, Any]:
        paths = {**paths, "updated_at": now_iso()}
        assignments = [f"{expression.name(path)} = {expression.value(value)}" for path, value in paths.items()]
        version = expression.name("version")
        adds = [*adds, (version, expression.value(1))]
        update = "SET " + ", ".join(assignments) + " ADD " + ", ".join(f"{name} {value}" for name, value in adds)
        return {
            "TableName": self._table,
            "Key": self._key(user_id, run_id),
            "UpdateExpression": update,
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": expression.names,
            "ExpressionAttributeValues": expression.values,
        }


UNCREATED_GRACE_SECONDS = 60.0


def _claimed_at(run_id: str) -> str:
    """The attribute of the places item that keeps when the run's place was claimed."""
    return f"claimed_{run_id}"


class DynamoRunPlaces:
    """The places in each parent's budget, in the budgets table."""

    def __init__(
        self, dynamodb: Any, table: str, *, checkpoints: CheckpointStore, uncreated_grace_seconds: float = UNCREATED_GRACE_SECONDS
    ) -> None:
        self._dynamodb = dynamodb
        self._table = table
        # Runs that have ended give their place back, which the checkpoints tell.
        self._checkpoints = checkpoints
        # A place is claimed before its run's checkpoint is written: until this long after its claim, a run without a
        # checkpoint is still being started, not one a stopped gateway never created, and keeps its place.
        self._uncreated_grace = timedelta(seconds=uncreated_grace_seconds)

    async def claim(self, user_id: str, run_id: str, budget: RunBudget) -> None:
        """A place for the run in its parent's budget, or TooManyRuns / DailyRunLimitReached.

        The places are one item per parent: the set of its active runs and the day's count of starts, changed only by
        conditional updates of that one item, so however many starts race, no more than the budget get in. A run that
        has ended (or never got its checkpoint) gives its place back the next time the set is full.
        """
        if await self._checkpoints.count_active(user_id) >= budget.max_active:
            raise TooManyRuns(budget.max_active)
        today = datetime.now(UTC).date().isoformat()
        for _ in range(_BUDGET_ATTEMPTS):
            places = await self._places(user_id)
            if places.get("day", {}).get("S") != today:
                await self._start_day(user_id, today, places)
                continue
            try:
                await self._dynamodb.update_item(**self._claim(user_id, run_id, budget, today))
                return
            except ClientError as error:
                if not _is_condition_failure(error):
                    raise
            places = await self._places(user_id)
            if int(places.get("started", {}).get("N", "0")) >= budget.max_per_day and places.get("day", {}).get("S") == today:
                tomorrow = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), datetime.min.time(), UTC)
                raise DailyRunLimitReached(budget.max_per_day, int((tomorrow - datetime.now(UTC)).total_seconds()) + 1)
            holders = set(places.get("active", {}).get("SS", []))
            if len(holders) >= budget.max_active and not await self._give_back_ended(user_id, places):
                raise TooManyRuns(budget.max_active)
        raise RunsBusyNow()

    def _places_key(self, user_id: str) -> dict[str, Any]:
        return {"user_id": {"S": user_id}, "counter": {"S": "places"}}

    async def _places(self, user_id: str) -> dict[str, Any]:
        response = await self._dynamodb.get_item(TableName=self._table, Key=self._places_key(user_id), ConsistentRead=True)
        return response.get("Item", {})

    async def _start_day(self, user_id: str, today: str, places: dict[str, Any]) -> None:
        expression = Expression()
        day, started = expression.name("day"), expression.name("started")
        seen = places.get("day", {}).get("S")
        condition = f"attribute_not_exists({day})" if seen is None else f"{day} = {expression.value(seen)}"
        try:
            await self._dynamodb.update_item(
                TableName=self._table,
                Key=self._places_key(user_id),
                UpdateExpression=f"SET {day} = {expression.value(today)}, {started} = {expression.value(0)}",
                ConditionExpression=condition,
                ExpressionAttributeNames=expression.names,
                ExpressionAttributeValues=expression.values,
            )
        except ClientError as error:
            if not _is_condition_failure(error):  # another start began the day first
                raise

    def _claim(self, user_id: str, run_id: str, budget: RunBudget, today: str) -> dict[str, Any]:
        expression = Expression()
        active, day, started = expression.name("active"), expression.name("day"), expression.name("started")
        run, claimed = expression.value(run_id), expression.name(_claimed_at(run_id))
        room = f"(attribute_not_exists({active}) OR contains({active}, {run}) OR size({active}) < {expression.value(budget.max_active)})"
        return {
            "TableName": self._table,
            "Key": self._places_key(user_id),
            "UpdateExpression": (
                f"ADD {active} {expression.raw_value({'SS': [run_id]})}, {started} {expression.value(1)} "
                f"SET {claimed} = {expression.value(datetime.now(UTC).isoformat())}"
            ),
            "ConditionExpression": f"{room} AND {day} = {expression.value(today)} AND {started} < {expression.value(budget.max_per_day)}",
            "ExpressionAttributeNames": expression.names,
            "ExpressionAttributeValues": expression.values,
        }

    async def _give_back_ended(self, user_id: str, places: dict[str, Any]) -> bool:
        """Frees the places of runs that have ended or were never created; True if any was freed."""
        holders = list(places.get("active", {}).get("SS", []))
        runs = await asyncio.gather(*(self._checkpoints.get(user_id, run_id) for run_id in holders))
        started_before = (datetime.now(UTC) - self._uncreated_grace).isoformat()

        def never_created(run_id: str) -> bool:
            return places.get(_claimed_at(run_id), {}).get("S", "") < started_before

        ended = [
            run_id
            for run_id, run in zip(holders, runs, strict=True)
            if (run is None and never_created(run_id)) or (run is not None and run.status not in ACTIVE_STATUSES)
        ]
        if ended:
            expression = Expression()
            claims = ", ".join(expression.name(_claimed_at(run_id)) for run_id in ended)
            await self._dynamodb.update_item(
                TableName=self._table,
                Key=self._places_key(user_id),
                UpdateExpression=f"DELETE {expression.name('active')} {expression.raw_value({'SS': ended})} REMOVE {claims}",
                ExpressionAttributeNames=expression.names,
                ExpressionAttributeValues=expression.values,
            )
        return bool(ended)


# The library table: a parent's saved storybooks, newest first through the created_at index.
NEWEST_FIRST_INDEX = "by_created_at"


class DynamoLibraryStore:
    def __init__(self, dynamodb: Any, table: str) -> None:
        self._dynamodb = dynamodb
        self._table = table

    def _key(self, user_id: str, entry_id: str) -> dict[str, Any]:
        return {"user_id": {"S": user_id}, "id": {"S": entry_id}}

    async def add(self, user_id: str, entry: LibraryEntry, *, run_id: str) -> bool:
        try:
            await self._dynamodb.put_item(
                TableName=self._table,
                Item=to_item({**entry.model_dump(mode="json"), "user_id": user_id, "run_id": run_id}),
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    async def get(self, user_id: str, entry_id: str) -> LibraryEntry | None:
        response = await self._dynamodb.get_item(TableName=self._table, Key=self._key(user_id, entry_id), ConsistentRead=True)
        item = response.get("Item")
        return _entry(item) if item else None

    async def page(self, user_id: str, *, limit: int, cursor: str | None) -> tuple[list[LibraryEntry], str | None]:
        expression = Expression()
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": NEWEST_FIRST_INDEX,
            "KeyConditionExpression": f"{expression.name('user_id')} = {expression.value(user_id)}",
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            arguments["ExclusiveStartKey"] = decode_cursor(cursor, user_id)
        arguments |= {"ExpressionAttributeNames": expression.names, "ExpressionAttributeValues": expression.values}
        response = await self._dynamodb.query(**arguments)
        last = response.get("LastEvaluatedKey")
        return [_entry(item) for item in response.get("Items", [])], encode_cursor(last) if last else None

    async def run_of(self, user_id: str, entry_id: str) -> str | None:
        response = await self._dynamodb.get_item(
            TableName=self._table, Key=self._key(user_id, entry_id), ProjectionExpression="run_id", ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(item).get("run_id") if item else None

    async def entries_of_run(self, user_id: str, run_id: str) -> list[str]:
        expression = Expression()
        entry_id = expression.name("id")
        arguments = {
            "TableName": self._table,
            "KeyConditionExpression": f"{expression.name('user_id')} = {expression.value(user_id)}",
            "FilterExpression": f"{expression.name('run_id')} = {expression.value(run_id)}",
            "ProjectionExpression": entry_id,
            "ConsistentRead": True,
        }
        arguments |= {"ExpressionAttributeNames": expression.names, "ExpressionAttributeValues": expression.values}
        entries: list[str] = []
        async for page in self._dynamodb.get_paginator("query").paginate(**arguments):
            entries += [item["id"]["S"] for item in page.get("Items", [])]
        return entries

    async def remove(self, user_id: str, entry_id: str) -> None:
        await self._dynamodb.delete_item(TableName=self._table, Key=self._key(user_id, entry_id))


# The shares table: a parent's links, found by their token's hash through this index.
BY_TOKEN_INDEX = "by_token"


class DynamoShareStore:
    """Links to saved storybooks. The index finds a token's link; the link is then read (and a view counted) on the
    table itself, so a link revoked a moment ago is already ended: an index is only eventually consistent."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self._dynamodb = dynamodb
        self._table = table

    def _key(self, user_id: str, share_id: str) -> dict[str, Any]:
        return {"user_id": {"S": user_id}, "id": {"S": share_id}}

    async def add(self, user_id: str, link: ShareLink, *, token_hash: str) -> None:
        times = {"created_at": _instant(link.created_at), "expires_at": _instant(link.expires_at)}
        # An absent revoked_at (not a NULL one) is what the conditions read as "not revoked".
        item = {
            **link.model_dump(mode="json", exclude_none=True),
            **times,
            "user_id": user_id,
            "token_hash": token_hash,
            "ttl": _epoch(link.remembered_until),
        }
        await self._dynamodb.put_item(TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(id)")

    async def links_of(self, user_id: str, *, entry_id: str | None = None) -> list[ShareLink]:
        expression = Expression()
        arguments: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": f"{expression.name('user_id')} = {expression.value(user_id)}",
            "ConsistentRead": True,
        }
        if entry_id is not None:
            arguments["FilterExpression"] = f"{expression.name('entry_id')} = {expression.value(entry_id)}"
        arguments |= {"ExpressionAttributeNames": expression.names, "ExpressionAttributeValues": expression.values}
        links: list[ShareLink] = []
        async for page in self._dynamodb.get_paginator("query").paginate(**arguments):
            links += [_link(item) for item in page.get("Items", [])]
        return sorted(links, key=lambda link: link.created_at)

    async def revoke(self, user_id: str, share_id: str, *, at: datetime) -> ShareLink | None:
        expression = Expression()
        revoked, expires = expression.name("revoked_at"), expression.name("expires_at")
        moment = expression.value(_instant(at))
        try:
            response = await self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(user_id, share_id),
                UpdateExpression=f"SET {revoked} = {moment}, {expression.name('ttl')} = {expression.value(_epoch(at + REMEMBERED_AFTER_END))}",
                ConditionExpression=f"attribute_exists({expression.name('id')}) AND attribute_not_exists({revoked}) AND {expires} > {moment}",
                ExpressionAttributeNames=expression.names,
                ExpressionAttributeValues=expression.values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            return await self._get(user_id, share_id)  # not there, or ended already: left as it was
        return _link(response["Attributes"])

    async def by_token(self, token_hash: str, *, viewed_at: datetime | None = None) -> OpenedShare | None:
        expression = Expression()
        response = await self._dynamodb.query(
            TableName=self._table,
            IndexName=BY_TOKEN_INDEX,
            KeyConditionExpression=f"{expression.name('token_hash')} = {expression.value(token_hash)}",
            ProjectionExpression="user_id, id",
            ExpressionAttributeNames=expression.names,
            ExpressionAttributeValues=expression.values,
        )
        found = response.get("Items", [])
        if not found:
            return None
        owner, share_id = found[0]["user_id"]["S"], found[0]["id"]["S"]
        link = await self._viewed(owner, share_id, viewed_at) if viewed_at is not None else None
        link = link or await self._get(owner, share_id)
        return OpenedShare(owner=owner, link=link) if link is not None else None

    async def _viewed(self, user_id: str, share_id: str, at: datetime) -> ShareLink | None:
        """Counts a view, if the link is open (None when it is not)."""
        expression = Expression()
        try:
            response = await self._dynamodb.update_item(
                TableName=self._table,
                Key=self._key(user_id, share_id),
                UpdateExpression=f"ADD {expression.name('views')} {expression.value(1)}",
                ConditionExpression=(
                    f"attribute_exists({expression.name('id')}) AND attribute_not_exists({expression.name('revoked_at')})"
                    f" AND {expression.name('expires_at')} > {expression.value(_instant(at))}"
                ),
                ExpressionAttributeNames=expression.names,
                ExpressionAttributeValues=expression.values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return None
            raise
        return _link(response["Attributes"])

    async def _get(self, user_id: str, share_id: str) -> ShareLink | None:
        response = await self._dynamodb.get_item(TableName=self._table, Key=self._key(user_id, share_id), ConsistentRead=True)
        item = response.get("Item")
        return _link(item) if item else None


def _link(item: dict[str, Any]) -> ShareLink:
    plain = from_item(item)
    return ShareLink.model_validate({field: plain[field] for field in ShareLink.model_fields if field in plain})


def _instant(moment: datetime) -> str:
    """One fixed width for every time of a link, so the table compares them as strings in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


# The most requests one BatchWriteItem may carry.
_WRITE_BATCH = 25


class DynamoUserRows:
    """Every row of a user, in each of the tables (all keyed by the user's id first), found by a query and deleted in batches."""

    def __init__(self, dynamodb: Any, tables: Sequence[TableSpec]) -> None:
        self._dynamodb = dynamodb
        self._tables = tables

    async def delete_all(self, user_id: str) -> None:
        for table in self._tables:
            await self._delete_rows(table, user_id)

    async def _delete_rows(self, table: TableSpec, user_id: str) -> None:
        async def delete_batch(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
            requests = [{"DeleteRequest": {"Key": key}} for key in batch]
            response = await self._dynamodb.batch_write_item(RequestItems={table.name: requests})
            return [request["DeleteRequest"]["Key"] for request in response.get("UnprocessedItems", {}).get(table.name, [])]

        await delete_in_batches(await self._keys(table, user_id), delete_batch, batch_size=_WRITE_BATCH, what=f"rows of {table.name}")

    async def _keys(self, table: TableSpec, user_id: str) -> list[dict[str, Any]]:
        expression = Expression()
        hash_key, range_key = expression.name(table.hash_key), expression.name(table.range_key)
        arguments = {
            "TableName": table.name,
            "KeyConditionExpression": f"{hash_key} = {expression.value(user_id)}",
            "ProjectionExpression": f"{hash_key}, {range_key}",
            "ConsistentRead": True,
            "ExpressionAttributeNames": expression.names,
            "ExpressionAttributeValues": expression.values,
        }
        keys: list[dict[str, Any]] = []
        try:
            async for page in self._dynamodb.get_paginator("query").paginate(**arguments):
                keys += page.get("Items", [])
        except (BotoCoreError, ClientError) as error:
            raise DeleteIncomplete(f"the rows of {table.name} could not be listed") from error
        return keys


def _entry(item: dict[str, Any]) -> LibraryEntry:
    plain = from_item(item)
    # A field added later (captions_key, book_keys) is absent from older rows, and takes its default.
    return LibraryEntry.model_validate({field: plain[field] for field in LibraryEntry.model_fields if field in plain})


def encode_cursor(last_key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(from_item(last_key)).encode()).decode()


def decode_cursor(cursor: str, user_id: str) -> dict[str, Any]:
    """A cursor is the caller's own: one naming another user's partition is refused."""
    try:
        plain: object = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    if not isinstance(plain, dict):
        raise InvalidCursor()
    key = cast(dict[str, object], plain)
    if set(key) != {"user_id", "id", "created_at"} or key["user_id"] != user_id or not all(isinstance(v, str) for v in key.values()):
        raise InvalidCursor()
    return to_item(key)
