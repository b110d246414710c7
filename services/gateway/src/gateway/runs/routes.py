"""Runs: start a one-shot run from a drawing; read, wait on and stream a run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict

from gateway.dependencies import AssetsDep, CheckpointsDep, CurrentUser, PublisherDep, SettingsDep
from gateway.errors import error_responses
from gateway.runs.progress import stage_events, wait_for_next_stage
from gateway.runs.service import find_run, start_run
from gateway.runs.uploads import read_upload
from shared.checkpoints import Checkpoint, RunError, RunStatus, StageState
from shared.events import RunMode, Stage
from shared.models import (
    MAX_AGE,
    MIN_AGE,
    AudioResult,
    DrawingAnalysis,
    ImageResult,
    OptionChoices,
    StoryOptions,
    StoryScript,
    Style,
    Theme,
    VideoResult,
    VoiceType,
)

router = APIRouter(prefix="/api/v1", tags=["runs"])


class RunAccepted(BaseModel):
    run_id: str
    status: RunStatus
    current_stage: str

    @classmethod
    def of(cls, run: Checkpoint) -> RunAccepted:
        return cls(run_id=run.run_id, status=run.status, current_stage=run.current_stage)


class RunView(BaseModel):
    """The checkpoint as the seed describes it, with S3 keys (never URLs)."""

    model_config = ConfigDict(extra="ignore")

    run_id: str
    mode: RunMode
    status: RunStatus
    current_stage: str
    stages: dict[Stage, StageState]
    drawing_key: str
    figure_mask_key: str | None
    options: StoryOptions | None
    drawing_analysis: DrawingAnalysis | None
    story_script: StoryScript | None
    image_result: ImageResult | None
    audio_result: AudioResult | None
    video_result: VideoResult | None
    error: RunError | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, run: Checkpoint) -> RunView:
        return cls.model_validate(run.public_view())


@router.post("/runs", status_code=status.HTTP_202_ACCEPTED, response_model=RunAccepted, responses=error_responses(401, 413, 415, 422, 429))
async def create_one_shot_run(
    caller: CurrentUser,
    settings: SettingsDep,
    checkpoints: CheckpointsDep,
    assets: AssetsDep,
    publisher: PublisherDep,
    drawing: Annotated[UploadFile, File(description="A photo of the drawing: JPEG, PNG, WebP or HEIC.")],
    theme: Annotated[Theme | None, Form()] = None,
    age: Annotated[int | None, Form(ge=MIN_AGE, le=MAX_AGE)] = None,
    voice: Annotated[VoiceType | None, Form()] = None,
    style: Annotated[Style | None, Form()] = None,
    personal_context: Annotated[str, Form(max_length=300)] = "",
) -> RunAccepted:
    """Drawing to video with no parent gates; open choices are recommended from the analysis."""
    prepared = await read_upload(drawing, max_bytes=settings.max_upload_bytes)
    choices = OptionChoices(theme=theme, age=age, voice=voice, style=style, personal_context=personal_context)
    run = await start_run(
        user_id=caller.user_id,
        drawing=prepared,
        choices=choices,
        mode=RunMode.ONE_SHOT,
        checkpoints=checkpoints,
        assets=assets,
        publisher=publisher,
        settings=settings,
    )
    return RunAccepted.of(run)


WaitQuery = Annotated[int, Query(ge=0, le=60, description="Block up to this many seconds for the next stage to finish.")]


async def _read(run_id: str, caller: CurrentUser, checkpoints: CheckpointsDep, wait: int) -> RunView:
    run = await find_run(user_id=caller.user_id, run_id=run_id, checkpoints=checkpoints)
    if wait:
        run = await wait_for_next_stage(load=lambda: checkpoints.get(caller.user_id, run_id), baseline=run, timeout=wait)
    return RunView.of(run)


@router.get("/runs/{run_id}", response_model=RunView, responses=error_responses(401, 404, 422))
async def get_run(run_id: str, caller: CurrentUser, checkpoints: CheckpointsDep, wait: WaitQuery = 0) -> RunView:
    return await _read(run_id, caller, checkpoints, wait)


@router.get("/jobs/{run_id}/status", response_model=RunView, responses=error_responses(401, 404, 422), deprecated=True)
async def get_job_status(run_id: str, caller: CurrentUser, checkpoints: CheckpointsDep, wait: WaitQuery = 0) -> RunView:
    """The seed-era name of GET /api/v1/runs/{run_id}."""
    return await _read(run_id, caller, checkpoints, wait)


@router.get(
    "/runs/{run_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "`stage` events, then one `end` event"}}
    | error_responses(401, 404, 422),
)
async def stream_run(run_id: str, caller: CurrentUser, checkpoints: CheckpointsDep, settings: SettingsDep) -> StreamingResponse:
    """Server-Sent Events: each stage change with a percentage, closing when the run completes, fails or waits for the parent."""
    run = await find_run(user_id=caller.user_id, run_id=run_id, checkpoints=checkpoints)
    events = stage_events(load=lambda: checkpoints.get(caller.user_id, run_id), first=run, max_seconds=settings.max_stream_seconds)
    return StreamingResponse(events, media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
