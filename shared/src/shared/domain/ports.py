"""The ports: what the domain needs from the outside world, as Protocols.

Adapters (shared.adapters) implement them against AWS; the tests' fakes
(tests/fakes.py) implement them in memory. Handlers and the gateway's
services are given these, never a client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from shared.domain.assets import Retention
from shared.domain.events import Envelope
from shared.domain.models import LibraryEntry
from shared.domain.run import Checkpoint, Claim, Expect, RunBudget, RunPatch
from shared.domain.shares import ShareLink


class ObjectNotFound(LookupError):
    pass


class RangeNotSatisfiable(ValueError):
    """Bytes were asked for past the end of the file."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the file has {size} bytes")
        self.size = size


class RunAlreadyExists(Exception):
    pass


class RecordResult(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # this event id was already recorded
    CLAIM_LOST = "claim_lost"  # another delivery claimed the same follow-up first
    STALE = "stale"  # what the outcome expected of the run no longer holds (replaced pipeline, run failed)
    MISSING = "missing"  # the run does not exist


@dataclass(frozen=True)
class StoredBytes:
    """Some bytes of a stored file, as they arrive: bytes `first` to `last` (inclusive) of `size`."""

    size: int
    first: int
    last: int
    content_type: str
    chunks: AsyncIterator[bytes]


class AssetStore(Protocol):
    """The run's files (drawings, pictures, narration, videos) by key."""

    async def put(self, key: str, body: bytes, content_type: str, *, retention: Retention) -> None: ...

    async def get(self, key: str) -> bytes:
        """Raises ObjectNotFound."""
        ...

    async def read(self, key: str, *, first: int = 0, last: int | None = None) -> StoredBytes:
        """Bytes `first` to `last` (to the end without it) of the file, streamed; raises ObjectNotFound, and
        RangeNotSatisfiable when `first` is past the end."""
        ...

    async def upload_file(self, path: Path, key: str, content_type: str, *, retention: Retention) -> None: ...

    async def download_file(self, key: str, path: Path) -> None: ...

    async def exists(self, key: str) -> bool: ...

    async def copy(self, source_key: str, destination_key: str, *, retention: Retention) -> None: ...

    async def delete(self, keys: Sequence[str]) -> None:
        """Every version of each key (and its delete markers), so nothing of it can be restored or lingers until a lifecycle
        rule expires it; a key that is not there is already deleted. Raises DeleteIncomplete when some are left after retries."""
        ...

    async def delete_under(self, prefix: str, *, where: Callable[[str], bool] | None = None) -> None:
        """Every version of every key under the prefix that `where` accepts (all of them without it); raises DeleteIncomplete."""
        ...

    async def presigned_get(self, key: str, expires_in: int) -> str:
        """A URL that reads the object for `expires_in` seconds without signing in."""
        ...


class CheckpointStore(Protocol):
    """The runs' checkpoints, written patch by patch, never as a whole once created."""

    async def create(self, checkpoint: Checkpoint, *, outbox: Sequence[Envelope[Any]] = ()) -> Checkpoint:
        """Raises RunAlreadyExists; the returned checkpoint carries its expiry and the outbox, events to publish now it is written."""
        ...

    async def get(self, user_id: str, run_id: str) -> Checkpoint | None: ...

    async def unsettled(self, updated_before: str) -> list[Checkpoint]:
        """Every parent's runs last written before the time that are still running or hold unpublished events."""
        ...

    async def count_active(self, user_id: str) -> int:
        """How many of the user's runs are being worked on or waiting for them at a gate."""
        ...

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
        """False if the run is gone, has moved on (`expected_version`) or no longer meets `expect`; the outbox as in create."""
        ...

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
        """Apply one event's result once: its changes, its id and its outbox together."""
        ...

    async def clear_outbox(self, user_id: str, run_id: str, event_id: str) -> None: ...

    async def delete_ended(self, user_id: str, run_id: str) -> bool:
        """Deletes the run unless it is being worked on or waiting at a gate (decided in the delete itself, so a run
        restarted meanwhile is kept); True when it is gone now, or was already."""
        ...


class RunPlaces(Protocol):
    """Each parent's budget of active runs (running or waiting at a gate) and of starts per day."""

    async def claim(self, user_id: str, run_id: str, budget: RunBudget) -> None:
        """A place for the run (again, if it had one), decided atomically however many starts race;
        raises TooManyRuns or DailyRunLimitReached when there is none."""
        ...


class EventPublisher(Protocol):
    async def publish(self, envelope: Envelope[Any]) -> None: ...


class LibraryStore(Protocol):
    """A parent's saved storybooks."""

    async def add(self, user_id: str, entry: LibraryEntry, *, run_id: str) -> bool:
        """False when the entry is already there (saving is idempotent)."""
        ...

    async def get(self, user_id: str, entry_id: str) -> LibraryEntry | None: ...

    async def page(self, user_id: str, *, limit: int, cursor: str | None) -> tuple[list[LibraryEntry], str | None]:
        """Newest first, and the cursor of the next page; raises InvalidCursor for a cursor that is not the caller's."""
        ...

    async def run_of(self, user_id: str, entry_id: str) -> str | None:
        """The run the entry was saved from; None when the entry is not there."""
        ...

    async def entries_of_run(self, user_id: str, run_id: str) -> list[str]:
        """The ids of the entries saved from the run (each new look of a run can be saved)."""
        ...

    async def remove(self, user_id: str, entry_id: str) -> None: ...


@dataclass(frozen=True)
class OpenedShare:
    """A link opened by its token: whose storybook it shows, and the link."""

    owner: str
    link: ShareLink


class ShareStore(Protocol):
    """The links parents make to their saved storybooks."""

    async def add(self, user_id: str, link: ShareLink, *, token_hash: str) -> None: ...

    async def links_of(self, user_id: str, *, entry_id: str | None = None) -> list[ShareLink]:
        """The parent's links (of one storybook when `entry_id` is given), ended ones included, oldest first."""
        ...

    async def revoke(self, user_id: str, share_id: str, *, at: datetime) -> ShareLink | None:
        """Ends the link now (a link already ended stays as it was); None when the parent has no such link."""
        ...

    async def by_token(self, token_hash: str, *, viewed_at: datetime | None = None) -> OpenedShare | None:
        """The link with that token, as it is now; None when there is none. With `viewed_at`, an open link counts one
        view, in the same write that checks it is still open."""
        ...


class UserRows(Protocol):
    """Everything a parent has in the tables: their runs' checkpoints, their library, their budget."""

    async def delete_all(self, user_id: str) -> None:
        """Every row of the user, in every table; raises DeleteIncomplete when some are left after retries."""
        ...


class UserAccounts(Protocol):
    """The parents' sign-in accounts."""

    async def delete(self, username: str) -> None:
        """The account, so it can never sign in again; one already gone is deleted. Raises DeleteIncomplete."""
        ...


class Disposition(StrEnum):
    """What becomes of a message once it has been handled."""

    DONE = "done"  # delete the message
    DEAD_LETTER = "dead_letter"  # it can never succeed: keep it for an operator


# Given the envelope and how many times the queue has delivered it; raising means "retry later".
MessageHandler = Callable[[Envelope[Any], int], Awaitable[Disposition]]
