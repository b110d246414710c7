"""The library: a parent's saved storybooks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from gateway.dependencies import CurrentUser, LibraryDep
from gateway.errors import error_responses
from shared.domain.models import LibraryEntry

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
    items, next_cursor = await library.page(caller.user_id, limit=limit, cursor=cursor)
    return LibraryPage(items=items, next_cursor=next_cursor)


@router.post("", response_model=LibraryEntry, status_code=status.HTTP_201_CREATED, responses=error_responses(401, 404, 409, 422))
async def save_to_library(body: SaveRequest, response: Response, caller: CurrentUser, library: LibraryDep) -> LibraryEntry:
    """Saves the run's finished video; the title, keys, duration and style come from the run, never from the request."""
    entry, created = await library.save_run(caller.user_id, body.run_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return entry


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 404, 422, 503))
async def delete_from_library(entry_id: Annotated[str, Path(max_length=64)], caller: CurrentUser, library: LibraryDep) -> None:
    """Removes the entry and every version of its video and thumbnail; with the run's last entry, the run and its files
    too, unless it is still being made. 503 when something could not be deleted: the entry stays, to be deleted again."""
    await library.delete_entry(caller.user_id, entry_id)
