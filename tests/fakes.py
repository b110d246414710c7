"""In-memory implementations of the ports (shared.domain.ports), for unit tests.

Each implements its Protocol fully (the type checker holds them to it, see
the annotations at the bottom), and the checkpoint store's fake passes the
same contract tests as the DynamoDB adapter (shared/tests/test_checkpoints.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.domain.assets import Retention
from shared.domain.errors import DailyRunLimitReached, DeleteIncomplete, TooManyRuns
from shared.domain.events import Envelope
from shared.domain.models import LibraryEntry
from shared.domain.ports import (
    AssetStore,
    CheckpointStore,
    EventPublisher,
    LibraryStore,
    ObjectNotFound,
    OpenedShare,
    RangeNotSatisfiable,
    RecordResult,
    RunAlreadyExists,
    RunPlaces,
    ShareStore,
    StoredBytes,
    UserAccounts,
    UserRows,
)
from shared.domain.run import ACTIVE_STATUSES, Checkpoint, Claim, Expect, RunBudget, RunPatch, RunStatus, now_iso
from shared.domain.shares import ShareLink


class InMemoryAssetStore:
    """The AssetStore port, in a dict (one version per key); keys in `undeletable` fail to delete, as S3's Errors entries do."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.retention: dict[str, Retention] = {}
        self.undeletable: set[str] = set()

    async def put(self, key: str, body: bytes, content_type: str, *, retention: Retention) -> None:
        self.objects[key] = (body, content_type)
        self.retention[key] = retention

    async def get(self, key: str) -> bytes:
        try:
            return self.objects[key][0]
        except KeyError:
            raise ObjectNotFound(key) from None

    async def read(self, key: str, *, first: int = 0, last: int | None = None) -> StoredBytes:
        body, content_type = self.objects.get(key) or (None, "")
        if body is None:
            raise ObjectNotFound(key)
        if first >= len(body):
            raise RangeNotSatisfiable(len(body))
        last = len(body) - 1 if last is None else min(last, len(body) - 1)

        async def chunks() -> AsyncIterator[bytes]:
            yield body[first : last + 1]

        return StoredBytes(size=len(body), first=first, last=last, content_type=content_type, chunks=chunks())

    async def upload_file(self, path: Path, key: str, content_type: str, *, retention: Retention) -> None:
        await self.put(key, path.read_bytes(), content_type, retention=retention)

    async def download_file(self, key: str, path: Path) -> None:
        path.write_bytes(await self.get(key))

    async def exists(self, key: str) -> bool:
        return key in self.objects

    async def copy(self, source_key: str, destination_key: str, *, retention: Retention) -> None:
        body, content_type = self.objects[source_key]
        await self.put(destination_key, body, content_type, retention=retention)

    async def delete(self, keys: Sequence[str]) -> None:
        failed = [key for key in keys if key in self.undeletable and key in self.objects]
        for key in keys:
            if key not in failed:
                self.objects.pop(key, None)
                self.retention.pop(key, None)
        if failed:
            raise DeleteIncomplete(f"{len(failed)} object versions could not be deleted", remaining=len(failed))

    async def delete_under(self, prefix: str, *, where: Callable[[str], bool] | None = None) -> None:
        await self.delete([key for key in self.objects if key.startswith(prefix) and (where is None or where(key))])

    async def presigned_get(self, key: str, expires_in: int) -> str:
        return f"memory://{key}?expires_in={expires_in}"


class RecordingPublisher:
    """The EventPublisher port, remembering what was published (and able to fail once)."""

    def __init__(self) -> None:
        self.published: list[Envelope[Any]] = []
        self.fail_next = False

    async def publish(self, envelope: Envelope[Any]) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("the topic is unreachable")
        self.published.append(envelope)


class InMemoryCheckpointStore:
    """The CheckpointStore port, in a dict, with the DynamoDB adapter's conditions."""

    def __init__(self, ttl_days: int = 7) -> None:
        self.runs: dict[tuple[str, str], Checkpoint] = {}
        self._ttl_days = ttl_days

    async def create(self, checkpoint: Checkpoint, *, outbox: Sequence[Envelope[Any]] = ()) -> Checkpoint:
        key = (checkpoint.user_id, checkpoint.run_id)
        if key in self.runs:
            raise RunAlreadyExists(checkpoint.run_id)
        expires = int((datetime.now(UTC) + timedelta(days=self._ttl_days)).timestamp())
        created = checkpoint.model_copy(update={"ttl": expires, "outbox": {event.id: [event.model_dump_json()] for event in outbox}})
        self.runs[key] = created
        return created.model_copy(deep=True)

    async def get(self, user_id: str, run_id: str) -> Checkpoint | None:
        run = self.runs.get((user_id, run_id))
        return run.model_copy(deep=True) if run else None

    async def unsettled(self, updated_before: str) -> list[Checkpoint]:
        return [
            run.model_copy(deep=True)
            for run in self.runs.values()
            if run.updated_at < updated_before and (run.status == RunStatus.RUNNING or run.outbox)
        ]

    async def count_active(self, user_id: str) -> int:
        return sum(1 for (owner, _), run in self.runs.items() if owner == user_id and run.status in ACTIVE_STATUSES)

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
        run = self.runs.get((user_id, run_id))
        if run is None or (expected_version is not None and run.version != expected_version):
            return False
        if expect is not None and not expect.holds(run):
            return False
        self._write(run.apply(changes), {"outbox": {**run.outbox, **{event.id: [event.model_dump_json()] for event in outbox}}})
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
        run = self.runs.get((user_id, run_id))
        if run is None:
            return RecordResult.MISSING
        if event_id in run.processed_events:
            return RecordResult.DUPLICATE
        if expect is not None and not expect.holds(run):
            return RecordResult.STALE
        if claim is not None and not claim.can_take(getattr(run, claim.field)):
            return RecordResult.CLAIM_LOST
        bookkeeping: dict[str, Any] = {"processed_events": run.processed_events | {event_id}}
        if claim is not None:
            bookkeeping[claim.field] = claim.value
        if outbox:
            bookkeeping["outbox"] = {**run.outbox, event_id: [envelope.model_dump_json() for envelope in outbox]}
        self._write(run.apply(changes), bookkeeping)
        return RecordResult.APPLIED

    async def clear_outbox(self, user_id: str, run_id: str, event_id: str) -> None:
        run = self.runs[(user_id, run_id)]
        self.runs[(user_id, run_id)] = run.model_copy(
            update={"outbox": {key: value for key, value in run.outbox.items() if key != event_id}}
        )

    async def delete_ended(self, user_id: str, run_id: str) -> bool:
        run = self.runs.get((user_id, run_id))
        if run is not None and run.status in ACTIVE_STATUSES:
            return False
        self.runs.pop((user_id, run_id), None)
        return True

    def _write(self, run: Checkpoint, bookkeeping: dict[str, Any]) -> None:
        self.runs[(run.user_id, run.run_id)] = run.model_copy(update={**bookkeeping, "version": run.version + 1, "updated_at": now_iso()})


class InMemoryRunPlaces:
    """The RunPlaces port over the fake checkpoints: the active runs are counted, the day's starts kept here."""

    def __init__(self, checkpoints: CheckpointStore) -> None:
        self._checkpoints = checkpoints
        self.started: dict[tuple[str, date], int] = {}
        # Claimed places whose run's checkpoint is not written yet: they count, as DynamoRunPlaces' do in its grace.
        self._starting: dict[str, set[str]] = {}

    async def claim(self, user_id: str, run_id: str, budget: RunBudget) -> None:
        starting = self._starting.setdefault(user_id, set())
        for starter in list(starting):
            if await self._checkpoints.get(user_id, starter) is not None:
                starting.discard(starter)
        if await self._checkpoints.count_active(user_id) + len(starting - {run_id}) >= budget.max_active:
            raise TooManyRuns(budget.max_active)
        today = (user_id, datetime.now(UTC).date())
        if self.started.get(today, 0) >= budget.max_per_day:
            raise DailyRunLimitReached(budget.max_per_day, 3600)
        self.started[today] = self.started.get(today, 0) + 1
        if await self._checkpoints.get(user_id, run_id) is None:
            starting.add(run_id)


class InMemoryLibraryStore:
    """The LibraryStore port: each entry with the run it was saved from."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], tuple[LibraryEntry, str]] = {}

    async def add(self, user_id: str, entry: LibraryEntry, *, run_id: str) -> bool:
        if (user_id, entry.id) in self.entries:
            return False
        self.entries[(user_id, entry.id)] = (entry, run_id)
        return True

    async def get(self, user_id: str, entry_id: str) -> LibraryEntry | None:
        saved = self.entries.get((user_id, entry_id))
        return saved[0] if saved else None

    async def page(self, user_id: str, *, limit: int, cursor: str | None) -> tuple[list[LibraryEntry], str | None]:
        mine = sorted((entry for (owner, _), (entry, _) in self.entries.items() if owner == user_id), key=lambda entry: entry.created_at)
        start = int(cursor or 0)
        newest_first = mine[::-1]
        return newest_first[start : start + limit], str(start + limit) if start + limit < len(newest_first) else None

    async def run_of(self, user_id: str, entry_id: str) -> str | None:
        saved = self.entries.get((user_id, entry_id))
        return saved[1] if saved else None

    async def entries_of_run(self, user_id: str, run_id: str) -> list[str]:
        return [entry_id for (owner, entry_id), (_, saved_from) in self.entries.items() if owner == user_id and saved_from == run_id]

    async def remove(self, user_id: str, entry_id: str) -> None:
        self.entries.pop((user_id, entry_id), None)


class InMemoryShareStore:
    """The ShareStore port: each link by (parent, id), with its token's hash."""

    def __init__(self) -> None:
        self.links: dict[tuple[str, str], tuple[ShareLink, str]] = {}

    async def add(self, user_id: str, link: ShareLink, *, token_hash: str) -> None:
        assert (user_id, link.id) not in self.links
        self.links[(user_id, link.id)] = (link, token_hash)

    async def links_of(self, user_id: str, *, entry_id: str | None = None) -> list[ShareLink]:
        mine = [link for (owner, _), (link, _) in self.links.items() if owner == user_id]
        return sorted((link for link in mine if entry_id in (None, link.entry_id)), key=lambda link: link.created_at)

    async def revoke(self, user_id: str, share_id: str, *, at: datetime) -> ShareLink | None:
        kept = self.links.get((user_id, share_id))
        if kept is None:
            return None
        link, hashed = kept
        if link.open_at(at):
            link = link.model_copy(update={"revoked_at": at})
            self.links[(user_id, share_id)] = (link, hashed)
        return link

    async def by_token(self, token_hash: str, *, viewed_at: datetime | None = None) -> OpenedShare | None:
        for (owner, share_id), (link, hashed) in self.links.items():
            if hashed == token_hash:
                if viewed_at is not None and link.open_at(viewed_at):
                    link = link.model_copy(update={"views": link.views + 1})
                    self.links[(owner, share_id)] = (link, hashed)
                return OpenedShare(owner=owner, link=link)
        return None


class InMemoryUserRows:
    """The UserRows port over the fakes that hold a user's rows: checkpoints, library, the day's starts and links."""

    def __init__(
        self,
        checkpoints: InMemoryCheckpointStore,
        library: InMemoryLibraryStore,
        places: InMemoryRunPlaces,
        shares: InMemoryShareStore,
    ) -> None:
        self._checkpoints = checkpoints
        self._library = library
        self._places = places
        self._shares = shares
        self.fail_next = False

    async def delete_all(self, user_id: str) -> None:
        if self.fail_next:
            self.fail_next = False
            raise DeleteIncomplete("3 rows of nocomelon-library could not be deleted", remaining=3)
        # Each fake's rows are keyed by (user, what); the user's are dropped from each.
        self._checkpoints.runs = {key: run for key, run in self._checkpoints.runs.items() if key[0] != user_id}
        self._library.entries = {key: entry for key, entry in self._library.entries.items() if key[0] != user_id}
        self._places.started = {key: count for key, count in self._places.started.items() if key[0] != user_id}
        self._shares.links = {key: link for key, link in self._shares.links.items() if key[0] != user_id}


class InMemoryUserAccounts:
    """The UserAccounts port: the usernames that can still sign in."""

    def __init__(self, *usernames: str) -> None:
        self.usernames = set(usernames)

    async def delete(self, username: str) -> None:
        self.usernames.discard(username)


# The type checker holds each fake to its port.
_assets: AssetStore = InMemoryAssetStore()
_publisher: EventPublisher = RecordingPublisher()
_checkpoints: CheckpointStore = InMemoryCheckpointStore()
_places: RunPlaces = InMemoryRunPlaces(_checkpoints)
_library: LibraryStore = InMemoryLibraryStore()
_shares: ShareStore = InMemoryShareStore()
_user_rows: UserRows = InMemoryUserRows(
    InMemoryCheckpointStore(), InMemoryLibraryStore(), InMemoryRunPlaces(_checkpoints), InMemoryShareStore()
)
_user_accounts: UserAccounts = InMemoryUserAccounts()
