"""Family links: made, listed and revoked by the storybook's parent, opened by anyone who has one.

What a link opens is the library entry's own video and cover, streamed by the gateway on every request after the
link is checked. So a link revoked, expired, or gone with its storybook fails at the next request, even in a player
that already has the page open. No URL outlives the link, as a presigned one would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from gateway.library.service import EntryNotFound
from shared.domain.models import LibraryEntry
from shared.domain.ports import LibraryStore, ShareStore
from shared.domain.shares import ShareLink, ShareNotFound, TooManyLinks, new_token, now, token_hash


@dataclass(frozen=True)
class MadeLink:
    link: ShareLink
    token: str


@dataclass(frozen=True)
class SharedStorybook:
    """What an open link shows."""

    link: ShareLink
    entry: LibraryEntry


class LinkEnded(Exception):
    """The link was revoked, expired, or its storybook deleted: answered 410."""


class LinkUnknown(Exception):
    """No link has that token (or it ended long ago and is forgotten): answered 404."""


class ShareService:
    def __init__(self, *, shares: ShareStore, library: LibraryStore, max_open_links: int) -> None:
        self._shares = shares
        self._library = library
        self._max_open_links = max_open_links

    async def make(self, user_id: str, entry_id: str, *, days: int, label: str | None) -> MadeLink:
        """A new link to the parent's storybook; the token is handed out here only (only its hash is kept)."""
        await self._entry(user_id, entry_id)
        moment = now()
        if sum(link.open_at(moment) for link in await self._shares.links_of(user_id)) >= self._max_open_links:
            raise TooManyLinks(self._max_open_links)
        token = new_token()
        link = ShareLink(id=uuid.uuid4().hex, entry_id=entry_id, label=label, created_at=moment, expires_at=moment + timedelta(days=days))
        await self._shares.add(user_id, link, token_hash=token_hash(token))
        return MadeLink(link=link, token=token)

    async def links(self, user_id: str, entry_id: str) -> list[ShareLink]:
        """The storybook's links that are still open, oldest first."""
        await self._entry(user_id, entry_id)
        moment = now()
        return [link for link in await self._shares.links_of(user_id, entry_id=entry_id) if link.open_at(moment)]

    async def revoke(self, user_id: str, entry_id: str, share_id: str) -> None:
        """Ends the link at once; revoking it again is done already."""
        # Only a link of the storybook the path names: a parent's link to another storybook is not revoked by mistake.
        if share_id not in {link.id for link in await self._shares.links_of(user_id, entry_id=entry_id)}:
            raise ShareNotFound()
        await self._shares.revoke(user_id, share_id, at=now())

    async def open(self, token: str, *, counting_a_view: bool) -> SharedStorybook:
        """The storybook a token opens, checked on the table itself; the page counts a view, its media do not."""
        moment = now()
        opened = await self._shares.by_token(token_hash(token), viewed_at=moment if counting_a_view else None)
        if opened is None:
            raise LinkUnknown()
        if not opened.link.open_at(moment):
            raise LinkEnded()
        entry = await self._library.get(opened.owner, opened.link.entry_id)
        if entry is None:
            raise LinkEnded()
        return SharedStorybook(link=opened.link, entry=entry)

    async def _entry(self, user_id: str, entry_id: str) -> LibraryEntry:
        entry = await self._library.get(user_id, entry_id)
        if entry is None:
            raise EntryNotFound()
        return entry
