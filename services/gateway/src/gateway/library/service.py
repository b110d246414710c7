"""Saving a finished storybook to the library, listing and deleting it.

Saving copies the video and thumbnail to keys of the entry's own, so a new
look made later on the same run never changes what was saved.
"""

from __future__ import annotations

import uuid

from gateway.errors import ApiError
from gateway.library.store import LibraryStore
from shared.checkpoints import CheckpointStore, RunStatus, now_iso
from shared.models import LibraryEntry
from shared.storage import AssetKeys, AssetStore, Retention

_ENTRY_NAMESPACE = uuid.UUID("6f1c2a52-8f3e-4a53-9c0e-1d6a3c4b5e70")


async def save_run(
    *, user_id: str, run_id: str, checkpoints: CheckpointStore, library: LibraryStore, assets: AssetStore
) -> tuple[LibraryEntry, bool]:
    """The entry for the run's current video, and whether it was created now."""
    run = await checkpoints.get(user_id, run_id)
    if run is None:
        raise ApiError(404, "run_not_found", "We couldn't find that story. It may have expired; please make it again.")
    if run.status != RunStatus.COMPLETE or run.video_result is None or run.story_script is None or run.options is None:
        raise ApiError(409, "video_not_ready", "The video isn't ready yet. Save it once it has finished.")
    # The same video saved twice is one entry; a new look of the run is a new one.
    entry_id = str(uuid.uuid5(_ENTRY_NAMESPACE, f"{run_id}:{run.pipeline_id}"))
    existing = await library.get(user_id, entry_id)
    if existing is not None:
        return existing, False
    entry = LibraryEntry(
        id=entry_id,
        title=run.story_script.title,
        video_key=AssetKeys.video(user_id, entry_id),
        thumbnail_key=AssetKeys.thumbnail(user_id, entry_id),
        duration_sec=run.video_result.duration_sec,
        style=run.options.style,
        created_at=now_iso(),
    )
    await assets.copy(run.video_result.video_key, entry.video_key, retention=Retention.LIBRARY)
    await assets.copy(run.video_result.thumbnail_key, entry.thumbnail_key, retention=Retention.LIBRARY)
    created = await library.add(user_id, entry, run_id=run_id)
    return (entry, True) if created else (await library.get(user_id, entry_id) or entry, False)


async def delete_entry(*, user_id: str, entry_id: str, library: LibraryStore, assets: AssetStore) -> None:
    entry = await library.get(user_id, entry_id)
    if entry is None:
        raise ApiError(404, "entry_not_found", "That storybook isn't in your library.")
    await assets.delete([entry.video_key, entry.thumbnail_key])
    await library.remove(user_id, entry_id)
