"""Starting runs and reading them, for the routes to call."""

from __future__ import annotations

import uuid

from gateway.runs.uploads import PreparedDrawing
from shared.bus import EventPublisher
from shared.checkpoints import Checkpoint, CheckpointStore
from shared.events import DrawingSubmitted, Envelope, EventType, RunMode
from shared.models import OptionChoices
from shared.storage import AssetKeys, AssetStore


async def start_run(
    *,
    user_id: str,
    drawing: PreparedDrawing,
    choices: OptionChoices,
    mode: RunMode,
    checkpoints: CheckpointStore,
    assets: AssetStore,
    publisher: EventPublisher,
) -> Checkpoint:
    run_id = str(uuid.uuid4())
    drawing_key = AssetKeys.drawing(user_id, run_id, drawing.extension)
    await assets.put(drawing_key, drawing.body, drawing.media_type)
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


async def read_run(*, user_id: str, run_id: str, checkpoints: CheckpointStore) -> Checkpoint | None:
    """Runs are keyed by the caller's own id, so another user's run is simply not found."""
    try:
        uuid.UUID(run_id)
    except ValueError:
        return None
    return await checkpoints.get(user_id, run_id)
