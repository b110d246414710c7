"""Runs: start one from a drawing (one-shot, or interactive through the parent's gates), read it, wait on it, stream it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, status
from fastapi.responses import StreamingResponse

from gateway.dependencies import CurrentUser, DrawingsDep, RunsDep, SettingsDep
from gateway.errors import error_responses
from gateway.runs.progress import stage_events, wait_for_next_stage
from gateway.runs.schemas import (
    AnalyzeJson,
    OneShotRunForm,
    PipelineRequest,
    RunAccepted,
    RunView,
    SceneRedoRequest,
    StoryGenerateRequest,
)
from shared.domain.errors import InvalidInput
from shared.domain.events import RunMode

router = APIRouter(prefix="/api/v1")


@router.post(
    "/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunAccepted,
    responses=error_responses(401, 413, 415, 422, 429),
    tags=["runs"],
)
async def create_one_shot_run(
    caller: CurrentUser, drawings: DrawingsDep, runs: RunsDep, form: Annotated[OneShotRunForm, Form(media_type="multipart/form-data")]
) -> RunAccepted:
    """Drawing to video with no parent gates; open choices are recommended from the analysis."""
    await runs.check_room(caller.user_id)
    drawing = await drawings.read_upload(form.drawing)
    return RunAccepted.of(await runs.start(caller.user_id, drawing, mode=RunMode.ONE_SHOT, choices=form.choices()))


_ANALYZE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["drawing"], "properties": {"drawing": {"type": "string", "format": "binary"}}}
            },
            "application/json": {"schema": AnalyzeJson.model_json_schema()},
        },
    }
}


@router.post(
    "/vision/analyze",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunAccepted,
    responses=error_responses(401, 413, 415, 422, 429),
    openapi_extra=_ANALYZE_BODY,
    tags=["journey"],
)
async def analyze_drawing(request: Request, caller: CurrentUser, drawings: DrawingsDep, runs: RunsDep) -> RunAccepted:
    """Starts an interactive run: the analysis waits for the parent to confirm or correct it."""
    await runs.check_room(caller.user_id)
    drawing = await drawings.read_request(request)
    return RunAccepted.of(await runs.start(caller.user_id, drawing, mode=RunMode.INTERACTIVE))


# Each gate of an interactive run moves an existing run on: it may not be there (404), or not at that gate (409).
_GATE = {
    "status_code": status.HTTP_202_ACCEPTED,
    "response_model": RunAccepted,
    "responses": error_responses(401, 404, 409, 422, 429),
    "tags": ["journey"],
}


@router.post("/story/generate", **_GATE)
async def generate_story(body: StoryGenerateRequest, caller: CurrentUser, runs: RunsDep) -> RunAccepted:
    """Writes (or rewrites) the script from the corrected analysis; the analysis itself is kept as sent."""
    run = await runs.request_story(caller.user_id, body.run_id, analysis=body.drawing_analysis, options=body.options())
    return RunAccepted.of(run)


@router.post("/pipeline/generate", **_GATE)
async def generate_video(body: PipelineRequest, caller: CurrentUser, runs: RunsDep) -> RunAccepted:
    """Pictures and narration in parallel, then the video. On a finished run this makes a new look."""
    run = await runs.request_pipeline(
        caller.user_id, body.run_id, script=body.story, analysis=body.drawing, style=body.style, voice=body.voice_type
    )
    return RunAccepted.of(run)


@router.post(
    "/runs/{run_id}/scenes/{scene_number}/redo",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunAccepted,
    responses=error_responses(401, 404, 409, 422, 429),
    tags=["runs"],
)
async def redo_scene(
    run_id: Annotated[str, Path(max_length=64)],
    scene_number: Annotated[int, Path(ge=1, le=12)],
    body: SceneRedoRequest,
    caller: CurrentUser,
    runs: RunsDep,
) -> RunAccepted:
    """Makes one page again (its picture, its edited words, or both) and then the video and the book; every other page
    is reused as it is. A storybook already saved to the library keeps its video: save the new one as a new version."""
    return RunAccepted.of(await runs.redo_scene(caller.user_id, run_id, scene_number, picture=body.picture, text=body.text))


@router.post("/runs/{run_id}/cancel", response_model=RunAccepted, responses=error_responses(401, 404, 409, 422), tags=["runs"])
async def cancel_run(run_id: str, caller: CurrentUser, runs: RunsDep) -> RunAccepted:
    """Stops a run wherever it is (its place in the parent's budget is free again); a finished run cannot be stopped."""
    return RunAccepted.of(await runs.cancel(caller.user_id, run_id))


WaitQuery = Annotated[
    int, Query(ge=0, description="Block up to this many seconds (at most the gateway's limit, 60 by default) for the next stage to finish.")
]


async def _read(run_id: str, caller: CurrentUser, runs: RunsDep, settings: SettingsDep, wait: int) -> RunView:
    if wait > settings.max_wait_seconds:
        raise InvalidInput(
            "wait_too_long", f"Please check what was sent. wait: Input should be less than or equal to {settings.max_wait_seconds}"
        )
    run = await runs.find(caller.user_id, run_id)
    if wait:
        run = await wait_for_next_stage(
            load=runs.follower(caller.user_id, run_id), baseline=run, timeout=wait, poll=settings.progress_poll_seconds
        )
    return RunView.of(run)


@router.get("/runs/{run_id}", response_model=RunView, responses=error_responses(401, 404, 422), tags=["runs"])
async def get_run(run_id: str, caller: CurrentUser, runs: RunsDep, settings: SettingsDep, wait: WaitQuery = 0) -> RunView:
    return await _read(run_id, caller, runs, settings, wait)


@router.get("/jobs/{run_id}/status", response_model=RunView, responses=error_responses(401, 404, 422), deprecated=True, tags=["runs"])
async def get_job_status(run_id: str, caller: CurrentUser, runs: RunsDep, settings: SettingsDep, wait: WaitQuery = 0) -> RunView:
    """The seed-era name of GET /api/v1/runs/{run_id}."""
    return await _read(run_id, caller, runs, settings, wait)


@router.get(
    "/runs/{run_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "`stage` events, then one `end` event"}}
    | error_responses(401, 404, 422),
    tags=["runs"],
)
async def stream_run(run_id: str, caller: CurrentUser, runs: RunsDep, settings: SettingsDep) -> StreamingResponse:
    """Server-Sent Events: each stage change with a percentage, closing when the run completes, fails or waits for the parent."""
    run = await runs.find(caller.user_id, run_id)
    events = stage_events(
        load=runs.follower(caller.user_id, run_id), first=run, max_seconds=settings.max_stream_seconds, poll=settings.progress_poll_seconds
    )
    return StreamingResponse(events, media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
