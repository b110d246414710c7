"""The parent's account: deleting it, with everything in it."""

from __future__ import annotations

from fastapi import APIRouter, status

from gateway.dependencies import AccountDep, CurrentUser
from gateway.errors import error_responses

router = APIRouter(prefix="/api/v1/account", tags=["account"])


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 503))
async def delete_account(caller: CurrentUser, account: AccountDep) -> None:
    """Deletes every file (all versions), run, library entry and budget of the caller, then their sign-in account.
    503 when something could not be deleted yet: the account still signs in, so the same request finishes it."""
    await account.delete(caller.user_id, caller.username)
