"""Short-lived links to the caller's own files, and their captions as text; the API itself only hands out keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from gateway.dependencies import AssetsDep, CurrentUser, SettingsDep
from gateway.errors import error_responses
from shared.domain.assets import belongs_to_user
from shared.domain.errors import Forbidden, NotFound
from shared.domain.ports import ObjectNotFound

router = APIRouter(prefix="/api/v1/storage", tags=["storage"])


class PresignRequest(BaseModel):
    s3_key: str = Field(min_length=1, max_length=512)


class PresignedUrl(BaseModel):
    url: str
    expires_in: int


NOT_THERE = "That file isn't there (yet). If a story is still being made, try again when it's ready."
CAPTIONS_SUFFIX = "_captions.vtt"


@router.post("/presigned-url", response_model=PresignedUrl, responses=error_responses(401, 403, 404, 422))
async def presigned_url(body: PresignRequest, caller: CurrentUser, assets: AssetsDep, settings: SettingsDep) -> PresignedUrl:
    if not belongs_to_user(body.s3_key, caller.user_id):
        raise Forbidden("forbidden_key", "That file isn't yours to open.")
    if not await assets.exists(body.s3_key):
        raise NotFound("file_not_found", NOT_THERE)
    url = await assets.presigned_get(body.s3_key, settings.presigned_url_expiry_seconds)
    return PresignedUrl(url=url, expires_in=settings.presigned_url_expiry_seconds)


@router.get(
    "/captions",
    response_class=Response,
    responses={**error_responses(401, 403, 404, 422), 200: {"content": {"text/vtt": {}}, "description": "The WebVTT track."}},
)
async def captions(s3_key: Annotated[str, Query(min_length=1, max_length=512)], caller: CurrentUser, assets: AssetsDep) -> Response:
    """A video's captions track, served by the gateway: the app's player adds it as a track of its own (a storage link
    would be another origin, which a captions track cannot be read from)."""
    if not belongs_to_user(s3_key, caller.user_id) or not s3_key.endswith(CAPTIONS_SUFFIX):
        raise Forbidden("forbidden_key", "That file isn't yours to open.")
    try:
        track = await assets.get(s3_key)
    except ObjectNotFound:
        raise NotFound("file_not_found", NOT_THERE) from None
    return Response(track, media_type="text/vtt", headers={"Cache-Control": "private, no-store"})
