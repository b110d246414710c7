"""Annotated dependencies: the settings, the caller and the services a route needs (all built once, in the lifespan)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.account.service import AccountService
from gateway.auth.verifier import Caller, InvalidToken, KeysUnavailable, TokenVerifier
from gateway.errors import ApiError
from gateway.library.service import LibraryService
from gateway.runs.service import RunService
from gateway.runs.uploads import DrawingReader
from gateway.settings import GatewaySettings
from gateway.shares.service import ShareService
from shared.domain.ports import AssetStore

log = logging.getLogger(__name__)


def get_settings(request: Request) -> GatewaySettings:
    return request.app.state.settings


def get_runs(request: Request) -> RunService:
    return request.app.state.runs


def get_library(request: Request) -> LibraryService:
    return request.app.state.library


def get_account(request: Request) -> AccountService:
    return request.app.state.account


def get_shares(request: Request) -> ShareService:
    return request.app.state.shares


def get_assets(request: Request) -> AssetStore:
    return request.app.state.assets


def get_drawings(request: Request) -> DrawingReader:
    return request.app.state.drawings


_bearer = HTTPBearer(auto_error=False, description="A Cognito access token of the app client.")


async def get_current_user(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Caller:
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise ApiError(401, "unauthorized", "Please sign in to continue.", challenge)
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return await verifier.verify(credentials.credentials)
    except InvalidToken as error:
        log.info("token rejected", extra={"reason": str(error)})
        raise ApiError(401, "invalid_token", "Your sign-in has expired or isn't valid. Please sign in again.", challenge) from None
    except KeysUnavailable as error:
        log.warning("token not judged: no signing keys", extra={"reason": str(error)})
        raise ApiError(503, "auth_unavailable", "Sign-in is briefly unavailable. Please try again in a minute.") from None


def refuse_user_id_in_query(request: Request) -> None:
    """Who the caller is comes from the token only; a user_id sent along is refused, never trusted."""
    if "user_id" in request.query_params:
        raise ApiError(400, "user_id_not_allowed", "There is no need to send user_id: you are identified by your sign-in.")


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
CurrentUser = Annotated[Caller, Depends(get_current_user)]
RunsDep = Annotated[RunService, Depends(get_runs)]
LibraryDep = Annotated[LibraryService, Depends(get_library)]
AccountDep = Annotated[AccountService, Depends(get_account)]
SharesDep = Annotated[ShareService, Depends(get_shares)]
AssetsDep = Annotated[AssetStore, Depends(get_assets)]
DrawingsDep = Annotated[DrawingReader, Depends(get_drawings)]
