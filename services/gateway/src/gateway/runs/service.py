"""Starting runs, reading them, and letting the parent move them on."""

from __future__ import annotations

import uuid

from gateway.errors import ApiError
from gateway.runs.uploads import PreparedDrawing
from shared.bus import EventPublisher
from shared.checkpoints import Checkpoint, CheckpointStore, RunStatus
from shared.events import DrawingSubmitted, Envelope, EventType, RunMode
from shared.models import OptionChoices
from shared.settings import Settings
from shared.storage import AssetKeys, AssetStore, Retention

RETRY_AFTER_SECONDS = 30


async def ensure_capacity(*, user_id: str, checkpoints: CheckpointStore, settings: Settings) -> None:
    """One account may have only a few runs being worked on at once."""
    if await checkpoints.count_running(user_id) >= settings.max_running_runs:
        raise ApiError(
            429,
            "too_many_runs",
            f"You already have {settings.max_running_runs} storybooks being made. Please wait for one to finish.",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


async def start_run(
    *,
    user_id: str,
    drawing: PreparedDrawing,
    choices: OptionChoices,
    mode: RunMode,
    checkpoints: CheckpointStore,
    assets: AssetStore,
    publisher: EventPublisher,
    settings: Settings,
) -> Checkpoint:
    await ensure_capacity(user_id=user_id, checkpoints=checkpoints, settings=settings)
    run_id = str(uuid.uuid4())
    drawing_key = AssetKeys.drawing(user_id, run_id, drawing.extension)
    await assets.put(drawing_key, drawing.body, drawing.media_type, retention=Retention.RUN)
    checkpoint = await checkpoints.create(
        Checkpoint(
            user_id=user_id,
            run_id=run_id,
            mode=mode,
            drawing_key=drawing_key,
            media_type=drawing.media_type,
            choices=choices,
        )
    )
    submitted = DrawingSubmitted(drawing_key=drawing_key, media_type=drawing.media_type, choices=choices)
    await publisher.publish(Envelope.new(submitted, type=EventType.DRAWING_SUBMITTED, run_id=run_id, user_id=user_id, mode=mode))
    return checkpoint


async def find_run(*, user_id: str, run_id: str, checkpoints: CheckpointStore) -> Checkpoint:
    """Runs are keyed by the caller's own id, so another user's run is simply not found."""
    try:
        uuid.UUID(run_id)
    except ValueError:
        run = None
    else:
        run = await checkpoints.get(user_id, run_id)
    if run is None:
        raise ApiError(404, "run_not_found", "We couldn't find that story. It may have expired; please start a new one.")
    return run


def ensure_not_busy(run: Checkpoint) -> None:
    if run.status == RunStatus.RUNNING:
        raise ApiError(409, "run_busy", "We're still working on this story. Please wait until this step has finished.")
