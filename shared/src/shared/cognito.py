"""Finds the app's user pool and client by their topology names.

On AWS the task definition sets NOCOMELON_COGNITO_USER_POOL_ID and
NOCOMELON_COGNITO_CLIENT_ID. In compose the pool is made by the init service
after the images were built, so a gateway started without the ids looks them
up by name once, at start-up.
"""

from __future__ import annotations

from typing import Any

import boto3

from shared.settings import Settings


class AppClientNotFound(LookupError):
    pass


def find_app_client(cognito: Any, *, user_pool_name: str, client_name: str) -> tuple[str, str]:
    """The ids of the pool and its client with these names."""
    pools = cognito.get_paginator("list_user_pools").paginate(MaxResults=60)
    pool_id = next((pool["Id"] for page in pools for pool in page["UserPools"] if pool["Name"] == user_pool_name), None)
    if pool_id is None:
        raise AppClientNotFound(f"no user pool named {user_pool_name}")
    clients = cognito.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60)
    client_id = next(
        (client["ClientId"] for page in clients for client in page["UserPoolClients"] if client["ClientName"] == client_name), None
    )
    if client_id is None:
        raise AppClientNotFound(f"user pool {user_pool_name} has no client named {client_name}")
    return pool_id, client_id


def with_cognito_ids(settings: Settings) -> Settings:
    """The settings, with the pool and client ids looked up when they are not set."""
    if settings.cognito_user_pool_id and settings.cognito_client_id:
        return settings
    cognito = boto3.client("cognito-idp", region_name=settings.aws_region, endpoint_url=settings.cognito_endpoint_url)
    try:
        pool_id, client_id = find_app_client(
            cognito, user_pool_name=settings.topology.user_pool, client_name=settings.topology.user_pool_client
        )
    except AppClientNotFound as error:
        raise SystemExit(
            f"{error}: provision first (`python -m devstack provision`), or set NOCOMELON_COGNITO_USER_POOL_ID and NOCOMELON_COGNITO_CLIENT_ID"
        ) from None
    return settings.model_copy(update={"cognito_user_pool_id": pool_id, "cognito_client_id": client_id})
