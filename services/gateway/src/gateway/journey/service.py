"""The parent's gates of an interactive run: the corrected analysis goes to
the story, the approved script goes to the media."""

from __future__ import annotations

from gateway.errors import ApiError
from gateway.runs.service import ensure_capacity, ensure_not_busy, find_run
from shared.bus import EventPublisher
from shared.checkpoints import Checkpoint, CheckpointStore, RunStatus, StageState
from shared.events import Envelope, EventType, PipelineRequested, Stage, StoryRequested
from shared.models import DrawingAnalysis, StoryOptions, StoryScript, Style, VoiceType
from shared.settings import Settings

_CHANGED_MEANWHILE = ApiError(409, "run_changed", "This story changed in another window. Please reload and try again.")


async def _move_on(
    *, run: Checkpoint, changes: dict, event: Envelope, checkpoints: CheckpointStore, publisher: EventPublisher
) -> Checkpoint:
    """Records the parent's decision (only if nobody else changed the run meanwhile) and asks for the next step."""
    if not await checkpoints.update(run.user_id, run.run_id, {**changes, "status": RunStatus.RUNNING}, expected_version=run.version):
        raise _CHANGED_MEANWHILE
    await publisher.publish(event)
    return run.model_copy(update={"status": RunStatus.RUNNING, "current_stage": changes.get("current_stage", run.current_stage)})


async def request_story(
    *,
    user_id: str,
    run_id: str,
    analysis: DrawingAnalysis,
    options: StoryOptions,
    checkpoints: CheckpointStore,
    publisher: EventPublisher,
    settings: Settings,
) -> Checkpoint:
    run = await find_run(user_id=user_id, run_id=run_id, checkpoints=checkpoints)
    ensure_not_busy(run)
    if run.drawing_analysis is None or run.figure_mask_key is None:
        raise ApiError(409, "drawing_not_read", "We haven't finished looking at the drawing yet. Please wait a moment.")
    await ensure_capacity(user_id=user_id, checkpoints=checkpoints, settings=settings)
    event = Envelope.new(
        StoryRequested(drawing_analysis=analysis, options=options),
        type=EventType.STORY_REQUESTED,
        run_id=run_id,
        user_id=user_id,
        mode=run.mode,
    )
    changes = {
        "drawing_analysis": analysis,
        "options": options,
        "current_stage": Stage.STORY.value,
        "error": None,
        f"stages.{Stage.STORY.value}": StageState(),
    }
    return await _move_on(run=run, changes=changes, event=event, checkpoints=checkpoints, publisher=publisher)


async def request_pipeline(
    *,
    user_id: str,
    run_id: str,
    script: StoryScript,
    analysis: DrawingAnalysis,
    style: Style,
    voice: VoiceType,
    checkpoints: CheckpointStore,
    publisher: EventPublisher,
    settings: Settings,
) -> Checkpoint:
    """Pictures, narration and video for the approved script; also a new look for a finished run."""
    run = await find_run(user_id=user_id, run_id=run_id, checkpoints=checkpoints)
    ensure_not_busy(run)
    if run.story_script is None or run.options is None or run.figure_mask_key is None:
        raise ApiError(409, "story_not_written", "There is no story to illustrate yet. Please write the story first.")
    await ensure_capacity(user_id=user_id, checkpoints=checkpoints, settings=settings)
    options = run.options.model_copy(update={"style": style, "voice": voice})
    request = PipelineRequested(
        story_script=script, drawing_analysis=analysis, options=options, drawing_key=run.drawing_key, figure_mask_key=run.figure_mask_key
    )
    event = Envelope.new(request, type=EventType.PIPELINE_REQUESTED, run_id=run_id, user_id=user_id, mode=run.mode)
    # The earlier images, narration and video stay in the checkpoint until the new ones replace them.
    return await _move_on(
        run=run, changes={"current_stage": Stage.IMAGES.value, "error": None}, event=event, checkpoints=checkpoints, publisher=publisher
    )
