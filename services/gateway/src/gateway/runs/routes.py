"""Runs: start one from a drawing, read its checkpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from pydantic import BaseModel, ConfigDict

from gateway.dependencies import AssetsDep, CheckpointsDep, CurrentUser, PublisherDep, SettingsDep
from gateway.errors import ApiError, ErrorResponse
from gateway.runs.service import read_run, start_run
from gateway.runs.uploads import prepare_drawing
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

router = APIRouter(prefix="/api/v1/runs", tags=["runs"])

_ERRORS = {code: {"model": ErrorResponse} for code in (401, 404, 413, 415, 422, 503)}


class RunAccepted(BaseModel):
    run_id: str
    status: RunStatus
    current_stage: str


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


async def _read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    # One byte past the limit is enough to know it is too big, without reading it all.
    return await upload.read(max_bytes + 1)


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=RunAccepted, responses=_ERRORS)
async def create_one_shot_run(
    caller: CurrentUser,
    settings: SettingsDep,
    checkpoints: CheckpointsDep,
    assets: AssetsDep,
    publisher: PublisherDep,
    drawing: Annotated[UploadFile, File(description="A photo of the drawing: JPEG, PNG or WebP.")],
    theme: Annotated[Theme | None, Form()] = None,
    age: Annotated[int | None, Form(ge=MIN_AGE, le=MAX_AGE)] = None,
    voice: Annotated[VoiceType | None, Form()] = None,
    style: Annotated[Style | None, Form()] = None,
    personal_context: Annotated[str, Form(max_length=300)] = "",
) -> RunAccepted:
    """Drawing to video with no parent gates; open choices are recommended from the analysis."""
    prepared = prepare_drawing(await _read_upload(drawing, settings.max_upload_bytes), max_bytes=settings.max_upload_bytes)
    choices = OptionChoices(theme=theme, age=age, voice=voice, style=style, personal_context=personal_context)
    run = await start_run(
        user_id=caller.user_id,
        drawing=prepared,
        choices=choices,
        mode=RunMode.ONE_SHOT,
        checkpoints=checkpoints,
        assets=assets,
        publisher=publisher,
    )
    return RunAccepted(run_id=run.run_id, status=run.status, current_stage=run.current_stage)


def _view(run: Checkpoint) -> RunView:
    return RunView.model_validate(run.public_view())


@router.get("/{run_id}", response_model=RunView, responses=_ERRORS)
async def get_run(run_id: str, caller: CurrentUser, checkpoints: CheckpointsDep) -> RunView:
    run = await read_run(user_id=caller.user_id, run_id=run_id, checkpoints=checkpoints)
    if run is None:
        raise ApiError(404, "run_not_found", "We couldn't find that story. It may have expired; please start a new one.")
    return _view(run)
