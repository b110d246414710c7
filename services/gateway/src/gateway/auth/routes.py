"""What a client needs to sign in: public, since it comes before any token."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from gateway.dependencies import SettingsDep

router = APIRouter(prefix="/auth", tags=["auth"])


class AuthConfig(BaseModel):
    region: str
    user_pool_id: str
    client_id: str
    # Where to reach Cognito; None means AWS's public endpoint for the region.
    cognito_endpoint: str | None
    sign_in_flow: Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH"]


@router.get("/config", response_model=AuthConfig)
async def auth_config(settings: SettingsDep) -> AuthConfig:
    return AuthConfig(
        region=settings.aws_region,
        user_pool_id=settings.cognito_user_pool_id,
        client_id=settings.cognito_client_id,
        cognito_endpoint=settings.cognito_public_endpoint,
        sign_in_flow=settings.cognito_sign_in_flow,
    )
