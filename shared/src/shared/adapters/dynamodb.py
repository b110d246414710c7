"""DynamoDB: the checkpoint store and the library store.

Every checkpoint write is a conditional UpdateItem on the fields a RunPatch
sets, never a whole-item put that could wipe another stage's result. An
event's result, its id and the events it will emit (the outbox) are written
in one update, so a repeated delivery changes nothing and a crash between
writing and publishing loses no event. This is the only module that spells
an update expression.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from pydantic import BaseModel

from shared.domain.errors import InvalidCursor
from shared.domain.events import Envelope
from shared.domain.models import LibraryEntry
from shared.domain.ports import RecordResult, RunAlreadyExists
from shared.domain.run import Checkpoint, Claim, RunPatch, RunStatus, now_iso

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attribute(value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    # A JSON round trip turns enums and datetimes into strings and floats into
    # Decimals, which is what DynamoDB accepts.
    plain = json.loads(json.dumps(value, default=str), parse_float=Decimal)
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


def _assignments(patch: RunPatch) -> dict[str, Any]:
    """The attribute paths a patch sets; a stage's state is set field by field, inside its map."""
    paths = dict(patch.values())
    for stage, stage_patch in patch.stages.items():
        paths |= {f"stages.{stage.value}.{name}": value for name, value in stage_patch.values().items()}
    return paths


class DynamoCheckpointStore:
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
            if _is_condition_failure(error):
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

    async def update(self, user_id: str, run_id: str, changes: RunPatch, *, expected_version: int | None = None) -> bool:
        expression = Expression()
        conditions = ["attribute_exists(run_id)"]
        if expected_version is not None:
            conditions.append(f"{expression.name('version')} = {expression.value(expected_version)}")
        try:
            await self._update(user_id, run_id, expression, _assignments(changes), conditions, adds=[])
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
    ) -> RecordResult:
        expression = Expression()
        processed = expression.name("processed_events")
        event_set = expression.raw_value({"SS": [event_id]})
        conditions = ["attribute_exists(run_id)", f"NOT contains({processed}, {expression.value(event_id)})"]
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
        paths: dict[str, Any],
        conditions: list[str],
        adds: list[tuple[str, str]],
    ) -> None:
        paths = {**paths, "updated_at": now_iso()}
        assignments = [f"{expression.name(path)} = {expression.value(value)}" for path, value in paths.items()]
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

    async def remove(self, user_id: str, entry_id: str) -> None:
        await self._dynamodb.delete_item(TableName=self._table, Key=self._key(user_id, entry_id))


def _entry(item: dict[str, Any]) -> LibraryEntry:
    plain = from_item(item)
    return LibraryEntry.model_validate({field: plain[field] for field in LibraryEntry.model_fields})


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
