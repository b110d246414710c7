"""Story's handlers: an analysis and the parent's direction in, a script out."""

from __future__ import annotations

import asyncio
import uuid

from shared.checkpoints import Checkpoint, RunStatus
from shared.events import (
    Envelope,
    EventType,
    PipelineRequested,
    Stage,
    StoryCompleted,
    StoryRequested,
    VisionCompleted,
)
from shared.models import DrawingAnalysis, StoryOptions, StoryScript
from shared.options import recommend_options
from shared.processing import Outcome, stage_finished
from story.write import StoryWriter


def story_seed(event: Envelope) -> int:
    """Each request gets its own story, and the same request always the same one."""
    return uuid.UUID(event.id).int % 2**32


async def _write(writer: StoryWriter, event: Envelope, analysis: DrawingAnalysis, options: StoryOptions) -> StoryScript:
    return await asyncio.to_thread(writer.write, analysis=analysis, options=options, seed=story_seed(event))


async def write_story_for_drawing(event: Envelope, checkpoint: Checkpoint, *, writer: StoryWriter) -> Outcome:
    """One-shot runs: no parent gate, so choose the options and go straight on to the media."""
    completed = event.payload()
    assert isinstance(completed, VisionCompleted)
    options = recommend_options(completed.drawing_analysis, checkpoint.choices)
    script = await _write(writer, event, completed.drawing_analysis, options)
    pipeline = PipelineRequested(
        story_script=script,
        drawing_analysis=completed.drawing_analysis,
        options=options,
        drawing_key=checkpoint.drawing_key,
        figure_mask_key=completed.figure_mask_key,
    )
    return Outcome(
        changes={"story_script": script, "options": options, **stage_finished(Stage.STORY)},
        events=[event.follow(pipeline, type=EventType.PIPELINE_REQUESTED)],
    )


async def write_requested_story(event: Envelope, checkpoint: Checkpoint, *, writer: StoryWriter) -> Outcome:
    """Interactive runs: write (or rewrite) the script and wait for the parent to approve it."""
    requested = event.payload()
    assert isinstance(requested, StoryRequested)
    script = await _write(writer, event, requested.drawing_analysis, requested.options)
    return Outcome(
        changes={
            "story_script": script,
            "options": requested.options,
            "status": RunStatus.WAITING,
            **stage_finished(Stage.STORY),
        },
        events=[event.follow(StoryCompleted(story_script=script), type=EventType.STORY_COMPLETED)],
    )
