"""Runs: starting one from a drawing, reading it, and moving it through the parent's gates.

One RunService serves the one-shot route and the interactive journey; it is
built once in the app's lifespan with its ports, and raises domain errors
that the gateway's error mapping turns into answers.
"""

from __future__ import annotations

import uuid
from typing import Any

from gateway.runs.uploads import PreparedDrawing
from shared.domain.assets import AssetKeys, Retention
from shared.domain.errors import DrawingNotRead, RunBusy, RunChanged, RunNotFound, StoryNotWritten, TooManyRuns
from shared.domain.events import DrawingSubmitted, Envelope, EventType, PipelineRequested, RunMode, StoryRequested
from shared.domain.models import DrawingAnalysis, OptionChoices, StoryOptions, StoryScript, Style, VoiceType
from shared.domain.ports import AssetStore, CheckpointStore, EventPublisher
from shared.domain.run import Checkpoint, RunPatch, RunStatus, pipeline_requested, story_requested


class RunService:
    def __init__(self, *, checkpoints: CheckpointStore, assets: AssetStore, publisher: EventPublisher, max_running_runs: int) -> None:
        self._checkpoints = checkpoints
        self._assets = assets
        self._publisher = publisher
        self._max_running_runs = max_running_runs

    async def start(self, user_id: str, drawing: PreparedDrawing, *, mode: RunMode, choices: OptionChoices | None = None) -> Checkpoint:
        """A new run from the drawing: one-shot goes on to the video, interactive waits at each gate."""
        choices = choices or OptionChoices()
        await self._ensure_capacity(user_id)
        run_id = str(uuid.uuid4())
        drawing_key = AssetKeys.drawing(user_id, run_id, drawing.extension)
        await self._assets.put(drawing_key, drawing.body, drawing.media_type, retention=Retention.RUN)
        checkpoint = await self._checkpoints.create(
            Checkpoint(user_id=user_id, run_id=run_id, mode=mode, drawing_key=drawing_key, media_type=drawing.media_type, choices=choices)
        )
        submitted = DrawingSubmitted(drawing_key=drawing_key, media_type=drawing.media_type, choices=choices)
        await self._publisher.publish(Envelope.new(submitted, type=EventType.DRAWING_SUBMITTED, run_id=run_id, user_id=user_id, mode=mode))
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

    async def request_story(self, user_id: str, run_id: str, *, analysis: DrawingAnalysis, options: StoryOptions) -> Checkpoint:
        """Writes (or rewrites) the script from the analysis as the parent corrected it."""
        run = await self.find(user_id, run_id)
        _ensure_not_busy(run)
        if run.drawing_analysis is None or run.figure_mask_key is None:
            raise DrawingNotRead()
        await self._ensure_capacity(user_id)
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
        await self._ensure_capacity(user_id)
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

    async def _ensure_capacity(self, user_id: str) -> None:
        """One account may have only a few runs being worked on at once."""
        if await self._checkpoints.count_running(user_id) >= self._max_running_runs:
            raise TooManyRuns(self._max_running_runs)

    async def _move_on(self, run: Checkpoint, changes: RunPatch, event: Envelope[Any]) -> Checkpoint:
        """Records the parent's decision (only if nobody else changed the run meanwhile) and asks for the next step."""
        if not await self._checkpoints.update(run.user_id, run.run_id, changes, expected_version=run.version):
            raise RunChanged()
        await self._publisher.publish(event)
        return run.apply(changes)


def _ensure_not_busy(run: Checkpoint) -> None:
    if run.status == RunStatus.RUNNING:
        raise RunBusy()
