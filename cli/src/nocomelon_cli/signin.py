"""Signing in to Cognito with an email and password, as the CLI, the local stack and its tests do.

The demo account is the one `make run` creates; the CLI signs in as it unless
NOCOMELON_EMAIL and NOCOMELON_PASSWORD say otherwise. Password sign-in
(USER_PASSWORD_AUTH) needs no AWS credentials, only the app client's id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx


class ClientError(Exception):
    """Something the person at the terminal can read and act on."""


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str

    @classmethod
    def from_environment(cls) -> Credentials:
        return cls(os.environ.get("NOCOMELON_EMAIL", DEMO_ACCOUNT.email), os.environ.get("NOCOMELON_PASSWORD", DEMO_ACCOUNT.password))


DEMO_ACCOUNT = Credentials(email="demo@nocomelon.local", password="Drawings4Stories")


def password_sign_in(endpoint: str, client_id: str, credentials: Credentials, *, timeout: float = 30) -> str:
    """The account's access token."""
    try:
        response = httpx.post(
            endpoint,
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"},
            json={
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": client_id,
                "AuthParameters": {"USERNAME": credentials.email, "PASSWORD": credentials.password},
            },
            timeout=timeout,
        )
    except httpx.HTTPError:
        raise ClientError(f"Can't reach the sign-in service at {endpoint}.") from None
    body = response.json() if response.content else {}
    if response.status_code != 200:
        raise ClientError(f"Signing in as {credentials.email} failed: {body.get('message', response.status_code)}")
    if "AuthenticationResult" not in body:
        raise ClientError(f"The account {credentials.email} must finish setting its password in the app first.")
    return body["AuthenticationResult"]["AccessToken"]
