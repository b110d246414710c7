"""The library: saving a finished storybook, listing and deleting the saved ones.

Saving copies the video and thumbnail to keys of the entry's own, so a new
look made later on the same run never changes what was saved. Deleting
ends the storybook's family links first (they answer 410 from then on),
then removes every version of those copies, and with the run's last entry the run
itself (its checkpoint and its own files: drawing, mask, pictures, narration,
video), unless the parent is still working on it.
"""

from __future__ import annotations

import uuid

from shared.domain.assets import AssetKeys, Retention, belongs_to_run, run_file_prefixes
from shared.domain.errors import NotFound, RunNotFound, VideoNotReady
from shared.domain.models import LibraryEntry
from shared.domain.ports import AssetStore, CheckpointStore, LibraryStore, ShareStore
from shared.domain.run import RunStatus, now_iso
from shared.domain.shares import now

_ENTRY_NAMESPACE = uuid.UUID("6f1c2a52-8f3e-4a53-9c0e-1d6a3c4b5e70")


class EntryNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("entry_not_found", "That storybook isn't in your library.")


class LibraryService:
    def __init__(self, *, checkpoints: CheckpointStore, library: LibraryStore, shares: ShareStore, assets: AssetStore) -> None:
        self._checkpoints = checkpoints
        self._library = library
        self._shares = shares
        self._assets = assets

    async def page(self, user_id: str, *, limit: int, cursor: str | None) -> tuple[list[LibraryEntry], str | None]:
        """Newest first."""
        return await self._library.page(user_id, limit=limit, cursor=cursor)

    async def save_run(self, user_id: str, run_id: str) -> tuple[LibraryEntry, bool]:
        """The entry for the run's current video, and whether it was created now."""
        run = await self._checkpoints.get(user_id, run_id)
        if run is None:
            raise RunNotFound("We couldn't find that story. It may have expired; please make it again.")
        if run.status != RunStatus.COMPLETE or run.video_result is None or run.story_script is None or run.options is None:
            raise VideoNotReady()
        # The same video saved twice is one entry; a new look of the run is a new one.
        entry_id = str(uuid.uuid5(_ENTRY_NAMESPACE, f"{run_id}:{run.pipeline_id}"))
        existing = await self._library.get(user_id, entry_id)
        if existing is not None:
            return existing, False
        entry = LibraryEntry(
            id=entry_id,
            title=run.story_script.title,
            video_key=AssetKeys.video(user_id, entry_id),
            thumbnail_key=AssetKeys.thumbnail(user_id, entry_id),
            captions_key=AssetKeys.captions(user_id, entry_id) if run.video_result.captions_key else None,
            book_keys={paper: AssetKeys.book(user_id, entry_id, paper.value) for paper in run.video_result.book_keys},
            duration_sec=run.video_result.duration_sec,
            style=run.options.style,
            created_at=now_iso(),
        )
        copies = [(run.video_result.video_key, entry.video_key), (run.video_result.thumbnail_key, entry.thumbnail_key)]
        if run.video_result.captions_key and entry.captions_key:
            copies.append((run.video_result.captions_key, entry.captions_key))
        copies += [(key, entry.book_keys[paper]) for paper, key in run.video_result.book_keys.items()]
        for source, copy in copies:
            await self._assets.copy(source, copy, retention=Retention.LIBRARY)
        created = await self._library.add(user_id, entry, run_id=run_id)
        return (entry, True) if created else (await self._library.get(user_id, entry_id) or entry, False)

    async def delete_entry(self, user_id: str, entry_id: str) -> None:
        """Ends the entry's family links, removes its video and thumbnail, the run it was saved from when nothing else
        needs it, then the entry.

        Raises DeleteIncomplete when something could not be deleted. The entry is removed last, so until everything
        else is gone it is still there to delete again, and deleting again finishes the job.
        """
        entry = await self._library.get(user_id, entry_id)
        if entry is None:
            raise EntryNotFound()
        moment = now()
        for link in await self._shares.links_of(user_id, entry_id=entry_id):
            if link.open_at(moment):
                await self._shares.revoke(user_id, link.id, at=moment)
        await self._assets.delete(
            [key for key in (entry.video_key, entry.thumbnail_key, entry.captions_key, *entry.book_keys.values()) if key]
        )
        run_id = await self._library.run_of(user_id, entry_id)
        if run_id is not None and set(await self._library.entries_of_run(user_id, run_id)) <= {entry_id}:
            await self._delete_run(user_id, run_id)
        await self._library.remove(user_id, entry_id)

    async def _delete_run(self, user_id: str, run_id: str) -> None:
        """The run's checkpoint, then its files; a run still being made or waiting at a gate is kept, files and all.

        The checkpoint goes first: once it is gone the run can be neither restarted nor saved again, so no new file of
        it appears behind the delete, and an attempt that stops before the files finds no checkpoint the next time
        and goes on to them.
        """
        if not await self._checkpoints.delete_ended(user_id, run_id):
            return
        for prefix in run_file_prefixes(user_id, run_id):
            await self._assets.delete_under(prefix, where=lambda key: belongs_to_run(key, user_id, run_id))
