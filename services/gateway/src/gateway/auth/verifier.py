"""Verifies Cognito access tokens: RS256 against the pool's JWKS, issuer,
token_use, client id and expiry. The caller's identity is the token's `sub`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.algorithms import RSAAlgorithm

JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]

# Unknown key ids trigger a refetch, but no more often than this, so a flood
# of forged tokens cannot turn into a flood of requests to Cognito.
_REFETCH_INTERVAL_SECONDS = 60.0


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Caller:
    user_id: str  # the user-pool `sub`
    username: str


class TokenVerifier:
    def __init__(self, *, fetch_jwks: JwksFetcher, issuer: str, client_id: str, leeway_seconds: int = 0) -> None:
        self._fetch_jwks = fetch_jwks
        self._issuer = issuer
        self._client_id = client_id
        self._leeway = leeway_seconds
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
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
            async with self._lock:
                if kid not in self._keys and time.monotonic() - self._fetched_at >= _REFETCH_INTERVAL_SECONDS:
                    jwks = await self._fetch_jwks()
                    self._fetched_at = time.monotonic()
                    self._keys = {
                        item["kid"]: RSAAlgorithm.from_jwk(json.dumps(item))
                        for item in jwks.get("keys", [])
                        if item.get("kty") == "RSA" and "kid" in item
                    }
        try:
            return self._keys[kid]
        except KeyError:
            raise InvalidToken("unknown signing key") from None
