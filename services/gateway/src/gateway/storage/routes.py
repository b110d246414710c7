"""Short-lived links to the caller's own files; the API itself only hands out keys."""

from __future__ import annotations

import posixpath

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gateway.dependencies import AssetsDep, CurrentUser, SettingsDep
from gateway.errors import error_responses
from shared.domain.assets import AssetKeys
from shared.domain.errors import Forbidden, NotFound

router = APIRouter(prefix="/api/v1/storage", tags=["storage"])


class PresignRequest(BaseModel):
    s3_key: str = Field(min_length=1, max_length=512)


class PresignedUrl(BaseModel):
    url: str
    expires_in: int


def _owns(user_id: str, key: str) -> bool:
    # Normalising first stops "<me>/../<someone else>/..." from passing a prefix check.
    normalised = posixpath.normpath(key)
    return normalised == key and key.startswith(AssetKeys.user_prefix(user_id)) and "\\" not in key


@router.post("/presigned-url", response_model=PresignedUrl, responses=error_responses(401, 403, 404, 422))
async def presigned_url(body: PresignRequest, caller: CurrentUser, assets: AssetsDep, settings: SettingsDep) -> PresignedUrl:
    if not _owns(caller.user_id, body.s3_key):
        raise Forbidden("forbidden_key", "That file isn't yours to open.")
    if not await assets.exists(body.s3_key):
        raise NotFound("file_not_found", "That file isn't there (yet). If a story is still being made, try again when it's ready.")
    url = await assets.presigned_get(body.s3_key, settings.presigned_url_expiry_seconds)
    return PresignedUrl(url=url, expires_in=settings.presigned_url_expiry_seconds)
