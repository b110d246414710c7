"""Deleting a parent's account: every file, every row, then the sign-in itself.

The sign-in account goes last: until it is gone the parent can still sign in,
so a delete that stopped part way (DeleteIncomplete) is finished by asking
again with the same token. Files go before rows: while a library entry is
still listed, a parent sees the account is not gone yet, whereas rows gone
first would hide files that no retry was asked for.
"""

from __future__ import annotations

from shared.domain.assets import AssetKeys
from shared.domain.ports import AssetStore, UserAccounts, UserRows


class AccountService:
    def __init__(self, *, assets: AssetStore, user_rows: UserRows, user_accounts: UserAccounts) -> None:
        self._assets = assets
        self._user_rows = user_rows
        self._user_accounts = user_accounts

    async def delete(self, user_id: str, username: str) -> None:
        """Every version of every file under the parent's prefix, their rows in every table, then their account."""
        await self._assets.delete_under(AssetKeys.user_prefix(user_id))
        await self._user_rows.delete_all(user_id)
        await self._user_accounts.delete(username)
