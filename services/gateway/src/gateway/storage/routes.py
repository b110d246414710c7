"""Short-lived links to the caller's own files; the API itself only hands out keys."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gateway.dependencies import AssetsDep, CurrentUser, SettingsDep
from gateway.errors import error_responses
from shared.domain.assets import belongs_to_user
from shared.domain.errors import Forbidden, NotFound

router = APIRouter(prefix="/api/v1/storage", tags=["storage"])


class PresignRequest(BaseModel):
    s3_key: str = Field(min_length=1, max_length=512)


class PresignedUrl(BaseModel):
    url: str
    expires_in: int


@router.post("/presigned-url", response_model=PresignedUrl, responses=error_responses(401, 403, 404, 422))
async def presigned_url(body: PresignRequest, caller: CurrentUser, assets: AssetsDep, settings: SettingsDep) -> PresignedUrl:
    if not belongs_to_user(body.s3_key, caller.user_id):
        raise Forbidden("forbidden_key", "That file isn't yours to open.")
    if not await assets.exists(body.s3_key):
        raise NotFound("file_not_found", "That file isn't there (yet). If a story is still being made, try again when it's ready.")
    url = await assets.presigned_get(body.s3_key, settings.presigned_url_expiry_seconds)
    return PresignedUrl(url=url, expires_in=settings.presigned_url_expiry_seconds)
