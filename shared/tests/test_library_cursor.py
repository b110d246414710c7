"""Library page cursors: opaque to the client, and only ever for the caller's own partition."""

import base64
import json

import pytest

from shared.adapters.dynamodb import decode_cursor, encode_cursor, to_item
from shared.domain.errors import InvalidCursor

LAST_KEY = {"user_id": "me", "id": "entry-1", "created_at": "2026-11-27T10:00:00+00:00"}


def test_a_cursor_round_trips_for_its_owner() -> None:
    assert decode_cursor(encode_cursor(to_item(LAST_KEY)), "me") == to_item(LAST_KEY)


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(json.dumps({**LAST_KEY, "user_id": "someone-else"}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({**LAST_KEY, "extra": "x"}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps({**LAST_KEY, "id": 3}).encode()).decode(),
    ],
)
def test_a_forged_or_foreign_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, "me")
