"""The token verifier against forged, expired and misused tokens."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from gateway.auth.verifier import InvalidToken, TokenVerifier

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
CLIENT_ID = "app-client"
POOL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
FORGER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict:
    public = json.loads(RSAAlgorithm.to_jwk(POOL_KEY.public_key()))
    return {"keys": [{**public, "kid": "pool-key", "alg": "RS256", "use": "sig"}]}


def claims(**overrides) -> dict:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "sub": "the-sub",
        "client_id": CLIENT_ID,
        "token_use": "access",
        "iat": now,
        "exp": now + 3600,
        "username": "parent",
        **overrides,
    }


def sign(payload: dict, key=POOL_KEY, kid: str = "pool-key", algorithm: str = "RS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


class CountingJwks:
    def __init__(self) -> None:
        self.fetches = 0

    async def __call__(self) -> dict:
        self.fetches += 1
        return jwks()


@pytest.fixture
def fetch() -> CountingJwks:
    return CountingJwks()


@pytest.fixture
def verifier(fetch: CountingJwks) -> TokenVerifier:
    return TokenVerifier(fetch_jwks=fetch, issuer=ISSUER, client_id=CLIENT_ID)


async def test_a_valid_access_token_names_the_caller_by_sub(verifier: TokenVerifier) -> None:
    caller = await verifier.verify(sign(claims()))
    assert caller.user_id == "the-sub"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _alg_none() -> str:
    return f"{_b64({'alg': 'none', 'kid': 'pool-key'})}.{_b64(claims())}."


def _hs256_with_public_key() -> str:
    public_pem = POOL_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = _b64({"alg": "HS256", "kid": "pool-key", "typ": "JWT"})
    body = _b64(claims())
    import hashlib
    import hmac

    signature = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _tampered() -> str:
    header, _, signature = sign(claims()).split(".")
    return f"{header}.{_b64(claims(sub='someone-else'))}.{signature}"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("not.a.token", id="garbage"),
        pytest.param(_alg_none(), id="alg-none"),
        pytest.param(_hs256_with_public_key(), id="hs256-with-public-key"),
        pytest.param(sign(claims(), key=FORGER_KEY), id="signed-by-another-key"),
        pytest.param(sign(claims(), kid="unknown-kid"), id="unknown-key-id"),
        pytest.param(_tampered(), id="tampered-payload"),
        pytest.param(sign(claims(iss="https://cognito-idp.us-east-1.amazonaws.com/other-pool")), id="wrong-issuer"),
        pytest.param(sign(claims(client_id="other-client")), id="other-client"),
        pytest.param(sign({**claims(token_use="id", aud=CLIENT_ID)}), id="id-token"),
        pytest.param(sign(claims(exp=int(time.time()) - 60)), id="expired"),
        pytest.param(sign({key: value for key, value in claims().items() if key != "exp"}), id="no-expiry"),
        pytest.param(sign({key: value for key, value in claims().items() if key != "sub"}), id="no-sub"),
    ],
)
async def test_bad_tokens_are_refused(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify(token)


async def test_unknown_key_ids_do_not_flood_the_key_endpoint(verifier: TokenVerifier, fetch: CountingJwks) -> None:
    await verifier.verify(sign(claims()))
    for _ in range(5):
        with pytest.raises(InvalidToken):
            await verifier.verify(sign(claims(), kid="rotated-away"))
    assert fetch.fetches == 1
