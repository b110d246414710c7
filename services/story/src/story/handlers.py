"""Story's handlers: an analysis and the parent's direction in, a script out.

Whichever writer writes, the shared safety policy stands around it: the writer reads
the analysis softened and the personal context only if it may be woven in, and what
it wrote is softened before it is kept, or the stage fails if it cannot be.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.domain.costs import Usage
from shared.domain.errors import StageFailure
from shared.domain.events import Envelope, EventType, PipelineRequested, StoryCompleted, StoryRequested, VisionCompleted
from shared.domain.models import DrawingAnalysis, StoryOptions, StoryScript
from shared.domain.options import recommend_options
from shared.domain.run import Checkpoint, gate_reached, story_written
from shared.domain.safety import banned_in_script, read_context, soften_analysis, soften_script
from shared.runtime.processing import Outcome
from shared.runtime.tracing import tracer
from story.write import StoryWriter
from story.write.woven import unwoven_note


def story_seed(event: Envelope[Any]) -> int:
    """Each request gets its own story, and the same request always the same one."""
    return uuid.UUID(event.id).int % 2**32


UNSAFE_STORY_MESSAGE = "The story came out with words we don't put in children's stories, so we stopped. Please ask for a new story."


async def _write(
    writer: StoryWriter, event: Envelope[Any], analysis: DrawingAnalysis, options: StoryOptions
) -> tuple[StoryScript, list[str], Usage | None]:
    """The script, made safe, the notes for the parent (why their personal context was left out, who wrote it), and its usage."""
    context = read_context(options.personal_context)
    told = options.model_copy(update={"personal_context": context.text})
    with tracer.start_as_current_span("write", attributes={"provider": type(writer).__name__}):
        written = await writer.write(analysis=soften_analysis(analysis), options=told, seed=story_seed(event))
    script = soften_script(written.script)
    if banned_in_script(script):
        # Softening can join what it left into a word again ("f shit u c k"); such a script is never kept.
        raise StageFailure("unsafe_story", UNSAFE_STORY_MESSAGE)
    # Why the context is not in the story: the policy left it out, or the writer could not tell what it is about.
    notes = [note for note in (written.note, context.note or unwoven_note(context)) if note]
    return script, notes, written.usage


async def write_story_for_drawing(event: Envelope[VisionCompleted], checkpoint: Checkpoint, *, writer: StoryWriter) -> Outcome:
    """One-shot runs: no parent gate, so choose the options and go straight on to the media."""
    completed = event.payload
    options = recommend_options(completed.drawing_analysis, checkpoint.choices)
    script, notes, usage = await _write(writer, event, completed.drawing_analysis, options)
    pipeline = PipelineRequested(
        story_script=script,
        drawing_analysis=completed.drawing_analysis,
        options=options,
        drawing_key=checkpoint.drawing_key,
        figure_mask_key=completed.figure_mask_key,
    )
    return Outcome(
        changes=story_written(script, options, notes, usage),
        events=[event.follow(pipeline, type=EventType.PIPELINE_REQUESTED)],
    )


async def write_requested_story(event: Envelope[StoryRequested], checkpoint: Checkpoint, *, writer: StoryWriter) -> Outcome:
    """Interactive runs: write (or rewrite) the script and wait for the parent to approve it."""
    requested = event.payload
    script, notes, usage = await _write(writer, event, requested.drawing_analysis, requested.options)
    return Outcome(
        # The parent approves (or edits) the script before anything is painted.
        changes=story_written(script, requested.options, notes, usage) | gate_reached(),
        events=[event.follow(StoryCompleted(story_script=script), type=EventType.STORY_COMPLETED)],
    )
