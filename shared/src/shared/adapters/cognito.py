"""Cognito: finds the app's user pool and its client by their topology names, and deletes a parent's account.

On AWS the task definition sets the ids. In compose the pool is made by the
init service after the images were built, so a gateway started without the
ids looks them up by name once, at start-up; the local provisioner looks
them up the same way before it creates them.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.domain.errors import DeleteIncomplete


class AppClientNotFound(LookupError):
    pass


def find_user_pool_id(cognito: Any, name: str) -> str | None:
    pools = cognito.get_paginator("list_user_pools").paginate(MaxResults=60)
    return next((pool["Id"] for page in pools for pool in page["UserPools"] if pool["Name"] == name), None)


def find_client_id(cognito: Any, user_pool_id: str, name: str) -> str | None:
    clients = cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=user_pool_id, MaxResults=60)
    return next((client["ClientId"] for page in clients for client in page["UserPoolClients"] if client["ClientName"] == name), None)


def find_app_client(cognito: Any, *, user_pool_name: str, client_name: str) -> tuple[str, str]:
    """The ids of the pool and its client with these names."""
    pool_id = find_user_pool_id(cognito, user_pool_name)
    if pool_id is None:
        raise AppClientNotFound(f"no user pool named {user_pool_name}")
    client_id = find_client_id(cognito, pool_id, client_name)
    if client_id is None:
        raise AppClientNotFound(f"user pool {user_pool_name} has no client named {client_name}")
    return pool_id, client_id


class CognitoUserAccounts:
    """The UserAccounts port over the app's user pool (an async client)."""

    def __init__(self, cognito: Any, user_pool_id: str) -> None:
        self._cognito = cognito
        self._user_pool_id = user_pool_id

    async def delete(self, username: str) -> None:
        try:
            await self._cognito.admin_delete_user(UserPoolId=self._user_pool_id, Username=username)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
                return  # deleted by an earlier attempt whose answer was lost
            raise DeleteIncomplete("the sign-in account could not be deleted") from error
        except BotoCoreError as error:
            raise DeleteIncomplete("the sign-in account could not be deleted") from error
