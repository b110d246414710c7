"""The library: a parent's saved storybooks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from gateway.dependencies import AssetsDep, CheckpointsDep, CurrentUser, LibraryDep
from gateway.errors import ApiError, error_responses
from gateway.library.service import delete_entry, save_run
from gateway.library.store import InvalidCursor
from shared.models import LibraryEntry

router = APIRouter(prefix="/api/v1/library", tags=["library"])


class LibraryPage(BaseModel):
    items: list[LibraryEntry]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; absent on the last page.")


class SaveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: str = Field(min_length=1, max_length=64)


@router.get("", response_model=LibraryPage, responses=error_responses(401, 422))
async def list_library(
    caller: CurrentUser,
    library: LibraryDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> LibraryPage:
    """Newest first."""
    try:
        items, next_cursor = await library.page(caller.user_id, limit=limit, cursor=cursor)
    except InvalidCursor:
        raise ApiError(422, "invalid_cursor", "That page link is no longer valid. Please reload the library.") from None
    return LibraryPage(items=items, next_cursor=next_cursor)


@router.post("", response_model=LibraryEntry, status_code=status.HTTP_201_CREATED, responses=error_responses(401, 404, 409, 422))
async def save_to_library(
    body: SaveRequest, response: Response, caller: CurrentUser, checkpoints: CheckpointsDep, library: LibraryDep, assets: AssetsDep
) -> LibraryEntry:
    """Saves the run's finished video; the title, keys, duration and style come from the run, never from the request."""
    entry, created = await save_run(user_id=caller.user_id, run_id=body.run_id, checkpoints=checkpoints, library=library, assets=assets)
    if not created:
        response.status_code = status.HTTP_200_OK
    return entry


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 404, 422))
async def delete_from_library(
    entry_id: Annotated[str, Path(max_length=64)], caller: CurrentUser, library: LibraryDep, assets: AssetsDep
) -> None:
    """Removes the entry and its video and thumbnail."""
    await delete_entry(user_id=caller.user_id, entry_id=entry_id, library=library, assets=assets)
