"""Runs: starting one from a drawing, reading it, and moving it through the parent's gates.

One RunService serves the one-shot route and the interactive journey; it is
built once in the app's lifespan with its ports, and raises domain errors
that the gateway's error mapping turns into answers.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from opentelemetry.trace import SpanKind

from gateway.runs.progress import Loader, SharedReads
from gateway.runs.uploads import PreparedDrawing
from shared.domain.assets import AssetKeys, Retention
from shared.domain.errors import (
    DrawingNotRead,
    InvalidInput,
    LanguageNotOffered,
    LimitReached,
    NotForChildren,
    PageNotFound,
    RunBusy,
    RunChanged,
    RunFinished,
    RunNotFound,
    StorybookNotFinished,
    StoryNotWritten,
    TooManyRuns,
)
from shared.domain.events import DrawingSubmitted, Envelope, EventType, PipelineRequested, RunMode, SceneRedo, Stage, StoryRequested
from shared.domain.models import DrawingAnalysis, Language, OptionChoices, StoryOptions, StoryScript, Style, VoiceType
from shared.domain.options import language_not_offered
from shared.domain.ports import AssetStore, CheckpointStore, EventPublisher, RunPlaces
from shared.domain.run import Checkpoint, Expect, RunBudget, RunPatch, RunStatus, pipeline_requested, run_cancelled, story_requested
from shared.domain.safety import analysis_texts, context_findings, find_banned, not_for_children, script_refusal
from shared.runtime.tracing import continued, trace_parent, tracer

log = logging.getLogger(__name__)


class RunService:
    def __init__(
        self,
        *,
        checkpoints: CheckpointStore,
        places: RunPlaces,
        assets: AssetStore,
        publisher: EventPublisher,
        budget: RunBudget,
        languages: list[Language] | None = None,
        progress_poll_seconds: float,
    ) -> None:
        self._languages = languages or [Language.ENGLISH]  # what the configured writer and voice both have
        self._checkpoints = checkpoints
        self._places = places
        self._assets = assets
        self._publisher = publisher
        self._budget = budget
        # A read younger than most of a poll is as good as a new one to everyone following the run.
        self._followed = SharedReads(max_age=progress_poll_seconds * 0.8)

    async def check_room(self, user_id: str) -> None:
        """Early, before an upload is decoded: a parent with no room left is told at once (start decides for good)."""
        if await self._checkpoints.count_active(user_id) >= self._budget.max_active:
            raise TooManyRuns(self._budget.max_active)

    async def start(self, user_id: str, drawing: PreparedDrawing, *, mode: RunMode, choices: OptionChoices | None = None) -> Checkpoint:
        """A new run from the drawing: one-shot goes on to the video, interactive waits at each gate."""
        choices = choices or OptionChoices()
        self._check_language(choices.language or Language.ENGLISH)
        run_id = str(uuid.uuid4())
        # The run's trace starts here; the checkpoint keeps its context for everything that follows.
        with tracer.start_as_current_span("run", kind=SpanKind.SERVER, attributes={"run_id": run_id, "mode": mode.value}):
            drawing_key = AssetKeys.drawing(user_id, run_id, drawing.extension)
            await self._assets.put(drawing_key, drawing.body, drawing.media_type, retention=Retention.RUN)
            submitted = Envelope.new(
                DrawingSubmitted(drawing_key=drawing_key, media_type=drawing.media_type, choices=choices),
                type=EventType.DRAWING_SUBMITTED,
                run_id=run_id,
                user_id=user_id,
                mode=mode,
            )
            run = Checkpoint(
                user_id=user_id,
                run_id=run_id,
                mode=mode,
                drawing_key=drawing_key,
                media_type=drawing.media_type,
                choices=choices,
                trace_parent=trace_parent(),
            )
            try:
                await self._places.claim(user_id, run_id, self._budget)
            except LimitReached:
                await self._assets.delete([drawing_key])
                raise
            checkpoint = await self._checkpoints.create(run, outbox=[submitted])
            await self._publish(checkpoint, submitted)
            return checkpoint

    async def find(self, user_id: str, run_id: str) -> Checkpoint:
        """Runs are keyed by the caller's own id, so another user's run is simply not found."""
        run = await self.reload(user_id, run_id)
        if run is None:
            raise RunNotFound()
        return run

    async def reload(self, user_id: str, run_id: str) -> Checkpoint | None:
        try:
            uuid.UUID(run_id)
        except ValueError:
            return None
        return await self._checkpoints.get(user_id, run_id)

    def follower(self, user_id: str, run_id: str) -> Loader:
        """How a progress stream or a long poll reads the run again: one read shared by everyone following it."""
        return lambda: self._followed.read((user_id, run_id), lambda: self.reload(user_id, run_id))

    async def request_story(self, user_id: str, run_id: str, *, analysis: DrawingAnalysis, options: StoryOptions) -> Checkpoint:
        """Writes (or rewrites) the script from the analysis as the parent corrected it."""
        run = await self.find(user_id, run_id)
        _ensure_not_busy(run)
        if run.drawing_analysis is None or run.figure_mask_key is None:
            raise DrawingNotRead()
        _refuse_unsafe_words(analysis, run.drawing_analysis, options.personal_context)
        self._check_language(options.language)
        event = Envelope.new(
            StoryRequested(drawing_analysis=analysis, options=options),
            type=EventType.STORY_REQUESTED,
            run_id=run_id,
            user_id=user_id,
            mode=run.mode,
        )
        return await self._move_on(run, story_requested(analysis, options), event)

    async def request_pipeline(
        self, user_id: str, run_id: str, *, script: StoryScript, analysis: DrawingAnalysis, style: Style, voice: VoiceType
    ) -> Checkpoint:
        """Pictures, narration and video for the approved script; also a new look for a finished run."""
        run = await self.find(user_id, run_id)
        _ensure_not_busy(run)
        if run.story_script is None or run.options is None or run.figure_mask_key is None:
            raise StoryNotWritten()
        if refusal := script_refusal(script):
            raise NotForChildren(refusal)
        options = run.options.model_copy(update={"style": style, "voice": voice})
        request = PipelineRequested(
            story_script=script,
            drawing_analysis=analysis,
            options=options,
            drawing_key=run.drawing_key,
            figure_mask_key=run.figure_mask_key,
        )
        event = Envelope.new(request, type=EventType.PIPELINE_REQUESTED, run_id=run_id, user_id=user_id, mode=run.mode)
        return await self._move_on(run, pipeline_requested(), event)

    async def redo_scene(self, user_id: str, run_id: str, scene_number: int, *, picture: bool, text: str | None) -> Checkpoint:
        """One page of the finished storybook made again: its picture, its narration of the parent's edited words, or
        both; every other page's picture and narration are reused, and the video and the book are made anew.

        The run gets a new video; a saved storybook keeps its own copy until the parent saves the new one (a new entry).
        """
        run = await self.find(user_id, run_id)
        _ensure_not_busy(run)
        script, images, audio, analysis, options, mask = (
            run.story_script, run.image_result, run.audio_result, run.drawing_analysis, run.options, run.figure_mask_key
        )  # fmt: skip
        if run.status != RunStatus.COMPLETE or not (script and images and audio and analysis and options and mask):
            raise StorybookNotFinished()
        if not 1 <= scene_number <= len(script.scenes):
            raise PageNotFound(scene_number, len(script.scenes))
        scene = script.scenes[scene_number - 1]
        words = " ".join(text.split()) if text is not None else None
        renarrate = words is not None and words != " ".join(scene.text.split())
        if not (picture or renarrate):
            raise InvalidInput(
                "nothing_to_redo",
                "These are already the page's words. Change them, or ask for a new picture.",
            )
        if renarrate and words is not None:
            script = script.model_copy(
                update={
                    "scenes": [*script.scenes[: scene_number - 1], scene.model_copy(update={"text": words}), *script.scenes[scene_number:]]
                }
            )
            if refusal := script_refusal(script):
                raise NotForChildren(refusal)
        request = PipelineRequested(
            story_script=script,
            drawing_analysis=analysis,
            options=options,
            drawing_key=run.drawing_key,
            figure_mask_key=mask,
            redo=SceneRedo(scene_number=scene_number, picture=picture, narration=renarrate, images=images, audio=audio),
        )
        event = Envelope.new(request, type=EventType.PIPELINE_REQUESTED, run_id=run_id, user_id=user_id, mode=run.mode)
        return await self._move_on(run, pipeline_requested(), event)

    def _check_language(self, language: Language) -> None:
        if refusal := language_not_offered(language, self._languages):
            raise LanguageNotOffered(refusal)

    async def _move_on(self, run: Checkpoint, changes: RunPatch, event: Envelope[Any]) -> Checkpoint:
        """Records the parent's decision (only if nobody else changed the run meanwhile) and asks for the next step.

        The decision and its event are written together (the event in the run's outbox) and published after, so a
        gateway that stops in between loses nothing: the sweeper publishes what an outbox still holds. A run that had
        ended takes a place in the parent's budget again; one waiting at a gate already has its place.
        """
        with continued(run.trace_parent), tracer.start_as_current_span(f"parent asked for {event.type.value}", kind=SpanKind.SERVER):
            if run.status in (RunStatus.COMPLETE, RunStatus.FAILED):
                await self._places.claim(run.user_id, run.run_id, self._budget)
            if not await self._checkpoints.update(run.user_id, run.run_id, changes, expected_version=run.version, outbox=[event]):
                raise RunChanged()
            await self._publish(run, event)
            return run.apply(changes)

    async def cancel(self, user_id: str, run_id: str) -> Checkpoint:
        """Stops the run wherever it is; cancelling a failed or cancelled run again changes nothing."""
        run = await self.find(user_id, run_id)
        if run.status == RunStatus.FAILED:
            return run
        if run.status == RunStatus.COMPLETE:
            raise RunFinished()
        changes = run_cancelled(run.current_stage if isinstance(run.current_stage, Stage) else Stage.VIDEO)
        with continued(run.trace_parent), tracer.start_as_current_span("parent cancelled", kind=SpanKind.SERVER):
            if not await self._checkpoints.update(user_id, run_id, changes, expect=Expect()):
                return await self.find(user_id, run_id)  # it failed meanwhile
            return run.apply(changes)

    async def _publish(self, run: Checkpoint, event: Envelope[Any]) -> None:
        """The event is in the run's outbox already: if the topic cannot be reached now, the sweeper publishes it later."""
        try:
            await self._publisher.publish(event)
        except Exception:
            log.exception("publishing failed; the sweeper will publish from the outbox", extra={"run_id": run.run_id})
            return
        await self._checkpoints.clear_outbox(run.user_id, run.run_id, event.id)


def _ensure_not_busy(run: Checkpoint) -> None:
    if run.status == RunStatus.RUNNING:
        raise RunBusy()


# The analysis's fields as the web app labels them, so a refusal says where to make the change.
_ANALYSIS_LABELS = {
    "subject": "“What it is”",
    "setting": "“Where it is”",
    "details": "A detail",
    "mood": "The mood",
    "colors": "A colour",
    "palette": "A colour",
}
_CONTEXT_LABEL = "What you told us about your child's life"


def _refuse_unsafe_words(analysis: DrawingAnalysis, recognised: DrawingAnalysis, personal_context: str) -> None:
    """The parent's corrections and personal context may not have a word a story never says; the refusal names it.

    What the analyser itself saw ('a scary monster') is left as it is: the story stage softens it.
    """
    seen = {(field, finding.root) for field, text in analysis_texts(recognised) for finding in find_banned(text)}
    for field, text in analysis_texts(analysis):
        if added := [finding for finding in find_banned(text) if (field, finding.root) not in seen]:
            raise NotForChildren(not_for_children(_ANALYSIS_LABELS[field], added[0]))
    if found := context_findings(personal_context):
        raise NotForChildren(not_for_children(_CONTEXT_LABEL, found[0]))
