"""Verifies Cognito access tokens: RS256 against the pool's JWKS, issuer,
token_use, client id and expiry. The caller's identity is the token's `sub`.

The pool's keys are fetched once and kept. A token signed with a key id not
among them asks for the set again (Cognito has rotated its keys), at most
once a minute; a fetch that fails is tried again after a few seconds, never
by every request waiting for it. An answer with no usable key (bad JSON, an
empty set) never replaces the keys already known.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

import httpx
import jwt
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

# Returns the JWKS document as parsed JSON; raises KeysUnavailable when there is no answer to parse.
JwksFetcher = Callable[[], Awaitable[object]]

# Unknown key ids trigger a refetch, but no more often than this, so a flood
# of forged tokens cannot turn into a flood of requests to Cognito.
_REFETCH_INTERVAL_SECONDS = 60.0
# After a failed fetch: soon enough that a cold gateway signs parents in again
# moments after Cognito answers, rarely enough that a burst of requests is one fetch.
_RETRY_INTERVAL_SECONDS = 5.0


class InvalidToken(Exception):
    pass


class KeysUnavailable(Exception):
    """The pool's signing keys could not be had: a token cannot be judged either way."""


@dataclass(frozen=True)
class Caller:
    user_id: str  # the user-pool `sub`
    username: str


def jwks_over_http(http: httpx.AsyncClient, url: str) -> JwksFetcher:
    async def fetch() -> object:
        try:
            response = await http.get(url)
        except httpx.HTTPError as error:
            raise KeysUnavailable(f"{url}: {error!r}") from error
        if response.status_code != 200:
            raise KeysUnavailable(f"{url} answered {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise KeysUnavailable(f"{url} answered something that is not JSON") from error

    return fetch


class TokenVerifier:
    def __init__(
        self,
        *,
        fetch_jwks: JwksFetcher,
        issuer: str,
        client_id: str,
        leeway_seconds: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch_jwks = fetch_jwks
        self._clock = clock
        self._issuer = issuer
        self._client_id = client_id
        self._leeway = leeway_seconds
        self._keys: dict[str, Any] = {}
        self._next_fetch_at = float("-inf")
        self._last_fetch_failed = False
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken("not a token") from error
        if header.get("alg") != "RS256":
            raise InvalidToken("wrong algorithm")
        key = await self._key(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        if claims.get("token_use") != "access":
            raise InvalidToken("not an access token")
        if claims.get("client_id") != self._client_id:
            raise InvalidToken("issued to another client")
        return Caller(user_id=claims["sub"], username=str(claims.get("username", claims["sub"])))

    async def _key(self, kid: str) -> Any:
        if kid not in self._keys:
            # One fetch at a time: requests arriving meanwhile wait for it and then find its keys.
            async with self._lock:
                if kid not in self._keys and self._clock() >= self._next_fetch_at:
                    await self._refresh()
        if kid in self._keys:
            return self._keys[kid]
        if self._last_fetch_failed:
            raise KeysUnavailable("the signing keys could not be fetched")
        raise InvalidToken("unknown signing key")

    async def _refresh(self) -> None:
        try:
            keys = _usable_keys(await self._fetch_jwks())
        except KeysUnavailable:
            log.exception("could not fetch the Cognito signing keys")
            keys = {}
        self._last_fetch_failed = not keys
        self._next_fetch_at = self._clock() + (_RETRY_INTERVAL_SECONDS if self._last_fetch_failed else _REFETCH_INTERVAL_SECONDS)
        if keys:
            self._keys = keys  # a key Cognito no longer lists signs nothing any more


def _usable_keys(jwks: object) -> dict[str, Any]:
    """The RSA signing keys of a JWKS document, by key id; a malformed entry is left out, a malformed document has none."""
    entries = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(entries, list) or not entries:
        log.warning("the Cognito JWKS answer has no keys", extra={"answer": type(jwks).__name__})
        return {}
    keys = {}
    for entry in entries:
        if not _is_signing_key(entry):
            continue
        try:
            keys[entry["kid"]] = RSAAlgorithm.from_jwk(json.dumps(entry))
        except (jwt.PyJWTError, ValueError, TypeError):
            log.warning("a Cognito signing key could not be read", extra={"kid": entry["kid"]})
    return keys


def _is_signing_key(entry: object) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(entry, dict)
        and entry.get("kty") == "RSA"
        and isinstance(entry.get("kid"), str)
        and entry.get("use", "sig") == "sig"
        and entry.get("alg", "RS256") == "RS256"
    )
