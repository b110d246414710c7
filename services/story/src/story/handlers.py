"""Story's handlers: an analysis and the parent's direction in, a script out."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from shared.domain.events import Envelope, EventType, PipelineRequested, StoryCompleted, StoryRequested, VisionCompleted
from shared.domain.models import DrawingAnalysis, StoryOptions, StoryScript
from shared.domain.options import recommend_options
from shared.domain.run import Checkpoint, gate_reached, story_written
from shared.runtime.processing import Outcome
from story.write import StoryWriter


def story_seed(event: Envelope[Any]) -> int:
    """Each request gets its own story, and the same request always the same one."""
    return uuid.UUID(event.id).int % 2**32


async def _write(writer: StoryWriter, event: Envelope[Any], analysis: DrawingAnalysis, options: StoryOptions) -> StoryScript:
    return await asyncio.to_thread(writer.write, analysis=analysis, options=options, seed=story_seed(event))


async def write_story_for_drawing(event: Envelope[VisionCompleted], checkpoint: Checkpoint, *, writer: StoryWriter) -> Outcome:
    """One-shot runs: no parent gate, so choose the options and go straight on to the media."""
    completed = event.payload
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
        changes=story_written(script, options),
        events=[event.follow(pipeline, type=EventType.PIPELINE_REQUESTED)],
    )


async def write_requested_story(event: Envelope[StoryRequested], checkpoint: Checkpoint, *, writer: StoryWriter) -> Outcome:
    """Interactive runs: write (or rewrite) the script and wait for the parent to approve it."""
    requested = event.payload
    script = await _write(writer, event, requested.drawing_analysis, requested.options)
    return Outcome(
        # The parent approves (or edits) the script before anything is painted.
        changes=story_written(script, requested.options) | gate_reached(),
        events=[event.follow(StoryCompleted(story_script=script), type=EventType.STORY_COMPLETED)],
    )
