"""A run is only ever visible to the parent who started it, with a valid token."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.stack import Stack
from tests.e2e.system import Parent, gateway, moto_signing_key
from tests.test_drawings import tiny_drawing


@pytest.fixture(scope="module")
def run_id(stack: Stack, parent: Parent) -> str:
    with gateway(stack, parent) as client:
        response = client.post("/api/v1/runs", files={"drawing": ("kite.png", tiny_drawing(), "image/png")}, data={"age": "3"})
    assert response.status_code == 202, response.text
    return response.json()["run_id"]


def test_the_owner_reads_the_run_by_sub(stack: Stack, parent: Parent, run_id: str) -> None:
    with gateway(stack, parent) as client:
        run = client.get(f"/api/v1/runs/{run_id}").json()
    assert run["run_id"] == run_id
    assert run["drawing_key"] == f"{parent.user_id}/drawings/{run_id}.png"


def _claims(parent: Parent, stack: Stack, **overrides) -> dict:
    unverified = jwt.decode(parent.token, options={"verify_signature": False})
    return {**unverified, **overrides}


def _tokens(stack: Stack, parent: Parent) -> dict[str, str]:
    moto_key = moto_signing_key()
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = jwt.get_unverified_header(parent.token)
    now = int(time.time())
    return {
        "bad-signature": jwt.encode(_claims(parent, stack), forger, algorithm="RS256", headers={"kid": header["kid"]}),
        "expired": jwt.encode(
            _claims(parent, stack, iat=now - 7200, exp=now - 3600), moto_key, algorithm="RS256", headers={"kid": header["kid"]}
        ),
        "garbage": "not-a-token",
    }


@pytest.mark.parametrize("kind", ["none", "bad-signature", "expired", "garbage"])
def test_without_a_valid_token_nothing_is_shown(stack: Stack, parent: Parent, run_id: str, kind: str) -> None:
    headers = {} if kind == "none" else {"Authorization": f"Bearer {_tokens(stack, parent)[kind]}"}
    with gateway(stack, None) as client:
        response = client.get(f"/api/v1/runs/{run_id}", headers=headers)
        presign = client.post("/api/v1/storage/presigned-url", json={"s3_key": f"{parent.user_id}/drawings/{run_id}.png"}, headers=headers)
    for refused in (response, presign):
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] in ("unauthorized", "invalid_token")
        assert run_id not in refused.text


def test_another_parent_cannot_see_or_sign_the_run(stack: Stack, parent: Parent, other_parent: Parent, run_id: str) -> None:
    with gateway(stack, other_parent) as client:
        read = client.get(f"/api/v1/runs/{run_id}")
        read_with_user_id = client.get(f"/api/v1/runs/{run_id}", params={"user_id": parent.user_id})
        presign = client.post("/api/v1/storage/presigned-url", json={"s3_key": f"{parent.user_id}/drawings/{run_id}.png"})
        escape = client.post(
            "/api/v1/storage/presigned-url", json={"s3_key": f"{other_parent.user_id}/../{parent.user_id}/drawings/{run_id}.png"}
        )
    assert read.status_code == 404
    assert read_with_user_id.status_code == 400  # a user_id is refused, never trusted
    assert presign.status_code == 403 and escape.status_code == 403
    assert run_id not in read.text


def test_the_owner_gets_a_working_link_to_their_own_drawing(stack: Stack, parent: Parent, run_id: str) -> None:
    import httpx

    with gateway(stack, parent) as client:
        link = client.post("/api/v1/storage/presigned-url", json={"s3_key": f"{parent.user_id}/drawings/{run_id}.png"}).json()
        missing = client.post("/api/v1/storage/presigned-url", json={"s3_key": f"{parent.user_id}/videos/nothing.mp4"})
    assert link["expires_in"] > 0
    assert httpx.get(link["url"]).content[:8] == b"\x89PNG\r\n\x1a\n"
    assert missing.status_code == 404


def test_health_needs_no_token(stack: Stack) -> None:
    with gateway(stack, None) as client:
        assert client.get("/health").json() == {"status": "ok"}
