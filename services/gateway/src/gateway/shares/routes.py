"""A saved storybook's family links: make one, list them, revoke one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel, ConfigDict, Field

from gateway.dependencies import CurrentUser, SettingsDep, SharesDep
from gateway.errors import error_responses
from gateway.settings import GatewaySettings
from shared.domain.shares import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, ShareLink

router = APIRouter(prefix="/api/v1/library/{entry_id}/shares", tags=["shares"])

EntryId = Annotated[str, Path(max_length=64)]


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: int = Field(default=DEFAULT_DAYS, ge=MIN_DAYS, le=MAX_DAYS, description="How long the link works.")
    # Shown to the parent only, in their list of links.
    label: str | None = Field(default=None, max_length=40, pattern=r"^[^\x00-\x1f\x7f<>]*$", description='Who it is for ("Grandma").')


class Share(BaseModel):
    id: str
    label: str | None
    created_at: datetime
    expires_at: datetime
    views: int

    @classmethod
    def of(cls, link: ShareLink) -> Share:
        return cls(id=link.id, label=link.label, created_at=link.created_at, expires_at=link.expires_at, views=link.views)


class NewShare(Share):
    url: str = Field(description="The link to send to family. It is shown only now: NoComelon keeps only a hash of it.")


class ShareList(BaseModel):
    items: list[Share]


def share_url(settings: GatewaySettings, request: Request, token: str) -> str:
    base = settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/s/{token}"


@router.post("", response_model=NewShare, status_code=status.HTTP_201_CREATED, responses=error_responses(401, 404, 409, 422))
async def make_share(
    entry_id: EntryId, body: ShareRequest, request: Request, caller: CurrentUser, shares: SharesDep, settings: SettingsDep
) -> NewShare:
    """A link family can open without signing in, until it expires or is revoked."""
    label = body.label.strip() if body.label and body.label.strip() else None
    made = await shares.make(caller.user_id, entry_id, days=body.expires_in_days, label=label)
    return NewShare(**Share.of(made.link).model_dump(), url=share_url(settings, request, made.token))


@router.get("", response_model=ShareList, responses=error_responses(401, 404, 422))
async def list_shares(entry_id: EntryId, caller: CurrentUser, shares: SharesDep) -> ShareList:
    """The storybook's open links, oldest first, with how often each was opened."""
    return ShareList(items=[Share.of(link) for link in await shares.links(caller.user_id, entry_id)])


@router.delete("/{share_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 404, 422))
async def revoke_share(entry_id: EntryId, share_id: Annotated[str, Path(max_length=64)], caller: CurrentUser, shares: SharesDep) -> None:
    """The link stops working at once, for a page already open too."""
    await shares.revoke(caller.user_id, entry_id, share_id)
