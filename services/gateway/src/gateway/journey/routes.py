"""The seed's journey endpoints: analyse a drawing, write the story, make the video."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from pydantic import Field, ValidationError

from gateway.dependencies import AssetsDep, CheckpointsDep, CurrentUser, PublisherDep, SettingsDep
from gateway.errors import ApiError, error_responses
from gateway.journey.service import request_pipeline, request_story
from gateway.runs.routes import RunAccepted
from gateway.runs.service import start_run
from gateway.runs.uploads import PreparedDrawing, decode_base64_drawing, read_upload
from shared.events import RunMode
from shared.models import MAX_AGE, MIN_AGE, DrawingAnalysis, Model, OptionChoices, StoryOptions, StoryScript, Style, Theme, VoiceType

router = APIRouter(prefix="/api/v1", tags=["journey"])


class AnalyzeJson(Model):
    image_base64: str = Field(min_length=1, description="The drawing as base64 (or a data URL).")


class StoryGenerateRequest(Model):
    run_id: str = Field(min_length=1, max_length=64)
    drawing_analysis: DrawingAnalysis = Field(description="The analysis as the parent corrected it.")
    theme: Theme
    age: int = Field(ge=MIN_AGE, le=MAX_AGE)
    voice: VoiceType
    style: Style
    personal_context: str = Field(default="", max_length=300)


class PipelineRequest(Model):
    """The seed's PipelineRequest; the user is always the signed-in one, so there is no user_id."""

    run_id: str = Field(min_length=1, max_length=64)
    story: StoryScript = Field(description="The script as the parent edited and approved it.")
    drawing: DrawingAnalysis
    style: Style
    voice_type: VoiceType


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


async def _drawing_from(request: Request, max_bytes: int) -> PreparedDrawing:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("drawing")
        if upload is None or isinstance(upload, str):
            raise ApiError(422, "missing_drawing", "Please attach a photo of the drawing as the 'drawing' field.")
        return await read_upload(upload, max_bytes=max_bytes)
    if content_type.startswith("application/json"):
        body = await request.body()
        if len(body) > max_bytes * 4 // 3 + 1024:
            raise ApiError(413, "file_too_large", f"The photo is larger than {max_bytes // (1024 * 1024)} MB. Please choose a smaller one.")
        try:
            payload = AnalyzeJson.model_validate_json(body)
        except ValidationError:
            raise ApiError(422, "invalid_request", 'Send the drawing as {"image_base64": "..."}.') from None
        return decode_base64_drawing(payload.image_base64, max_bytes=max_bytes)
    raise ApiError(415, "unsupported_request", "Send the drawing as a multipart upload or as JSON with image_base64.")


@router.post(
    "/vision/analyze",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunAccepted,
    responses=error_responses(401, 413, 415, 422, 429),
    openapi_extra=_ANALYZE_BODY,
)
async def analyze_drawing(
    request: Request, caller: CurrentUser, settings: SettingsDep, checkpoints: CheckpointsDep, assets: AssetsDep, publisher: PublisherDep
) -> RunAccepted:
    """Starts an interactive run: the analysis waits for the parent to confirm or correct it."""
    drawing = await _drawing_from(request, settings.max_upload_bytes)
    run = await start_run(
        user_id=caller.user_id,
        drawing=drawing,
        choices=OptionChoices(),
        mode=RunMode.INTERACTIVE,
        checkpoints=checkpoints,
        assets=assets,
        publisher=publisher,
        settings=settings,
    )
    return RunAccepted.of(run)


@router.post(
    "/story/generate", status_code=status.HTTP_202_ACCEPTED, response_model=RunAccepted, responses=error_responses(401, 404, 409, 422, 429)
)
async def generate_story(
    body: StoryGenerateRequest, caller: CurrentUser, settings: SettingsDep, checkpoints: CheckpointsDep, publisher: PublisherDep
) -> RunAccepted:
    """Writes (or rewrites) the script from the corrected analysis; the analysis itself is kept as sent."""
    options = StoryOptions(theme=body.theme, age=body.age, voice=body.voice, style=body.style, personal_context=body.personal_context)
    run = await request_story(
        user_id=caller.user_id,
        run_id=body.run_id,
        analysis=body.drawing_analysis,
        options=options,
        checkpoints=checkpoints,
        publisher=publisher,
        settings=settings,
    )
    return RunAccepted.of(run)


@router.post(
    "/pipeline/generate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunAccepted,
    responses=error_responses(401, 404, 409, 422, 429),
)
async def generate_video(
    body: PipelineRequest, caller: CurrentUser, settings: SettingsDep, checkpoints: CheckpointsDep, publisher: PublisherDep
) -> RunAccepted:
    """Pictures and narration in parallel, then the video. On a finished run this makes a new look."""
    run = await request_pipeline(
        user_id=caller.user_id,
        run_id=body.run_id,
        script=body.story,
        analysis=body.drawing,
        style=body.style,
        voice=body.voice_type,
        checkpoints=checkpoints,
        publisher=publisher,
        settings=settings,
    )
    return RunAccepted.of(run)
