"""Links a parent makes to show a saved storybook to family, without signing in.

A link is a random token in the URL. Only its SHA-256 is stored, so whoever reads the table (a backup, an operator)
cannot open the storybook. A link ends when it expires or is revoked. It is kept for a while after that (TTL), so
family who open it read "this link has ended" and not "never heard of it".
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import Conflict, NotFound

MIN_DAYS = 1
MAX_DAYS = 90
DEFAULT_DAYS = 30
# 32 random bytes: 256 bits, far beyond guessing, and 43 URL-safe characters.
TOKEN_BYTES = 32
# How long an ended link is remembered, to answer 410 rather than 404.
REMEMBERED_AFTER_END = timedelta(days=30)


class ShareLink(BaseModel):
    """A link as its parent sees it (the token itself is shown once, when the link is made)."""

    model_config = ConfigDict(frozen=True)

    id: str
    entry_id: str = Field(description="The library entry the link shows.")
    label: str | None = Field(default=None, description='Who the link is for, as the parent named it ("Grandma").')
    created_at: datetime
    expires_at: datetime
    views: int = Field(default=0, description="How many times the page was opened.")
    revoked_at: datetime | None = None

    def open_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    @property
    def remembered_until(self) -> datetime:
        """When the row may go (DynamoDB's TTL): a while after the link ended."""
        return (self.revoked_at or self.expires_at) + REMEMBERED_AFTER_END


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored and looked up. A token has 256 random bits, so an unsalted hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


class ShareNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("share_not_found", "That link isn't one of this storybook's.")


class TooManyLinks(Conflict):
    def __init__(self, limit: int) -> None:
        super().__init__(
            "too_many_links", f"You already have {limit} open links. Please revoke one you no longer need, then make this one."
        )
