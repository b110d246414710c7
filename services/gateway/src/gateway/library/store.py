"""The library table: a parent's saved storybooks, newest first through the created_at index."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from botocore.exceptions import ClientError

from shared.dynamodb import Expression, from_item, to_item
from shared.models import LibraryEntry

NEWEST_FIRST_INDEX = "by_created_at"


class InvalidCursor(ValueError):
    pass


class LibraryStore:
    def __init__(self, dynamodb: Any, table: str) -> None:
        self._dynamodb = dynamodb
        self._table = table

    def _key(self, user_id: str, entry_id: str) -> dict[str, Any]:
        return {"user_id": {"S": user_id}, "id": {"S": entry_id}}

    async def add(self, user_id: str, entry: LibraryEntry, *, run_id: str) -> bool:
        """False when the entry is already there (saving is idempotent)."""
        try:
            await self._dynamodb.put_item(
                TableName=self._table,
                Item=to_item({**entry.model_dump(mode="json"), "user_id": user_id, "run_id": run_id}),
                ConditionExpression="attribute_not_exists(id)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
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
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor(cursor) from error
    expected = {"user_id", "id", "created_at"}
    if (
        not isinstance(plain, dict)
        or set(plain) != expected
        or plain["user_id"] != user_id
        or not all(isinstance(v, str) for v in plain.values())
    ):
        raise InvalidCursor(cursor)
    return to_item(plain)
