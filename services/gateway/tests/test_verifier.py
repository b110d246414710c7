"""The token verifier against forged, expired and misused tokens, and when Cognito's keys cannot be had."""

import asyncio
import base64
import json
import time
from collections.abc import Callable

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from gateway.app import create_app
from gateway.auth.verifier import InvalidToken, KeysUnavailable, TokenVerifier, jwks_over_http
from gateway.settings import GatewaySettings

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


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedJwks:
    """Answers each fetch with the next of its answers (an exception is raised), after a moment, counting fetches."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.fetches = 0

    async def __call__(self) -> object:
        self.fetches += 1
        await asyncio.sleep(0.01)  # long enough for every request of a burst to arrive while the fetch is out
        answer = self.answers[min(self.fetches, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


def scripted(fetch: ScriptedJwks, clock: Clock) -> TokenVerifier:
    return TokenVerifier(fetch_jwks=fetch, issuer=ISSUER, client_id=CLIENT_ID, clock=clock)


async def test_a_burst_of_cold_requests_is_one_fetch() -> None:
    fetch = ScriptedJwks(jwks())
    verifier = scripted(fetch, Clock())
    callers = await asyncio.gather(*(verifier.verify(sign(claims())) for _ in range(20)))
    assert {caller.user_id for caller in callers} == {"the-sub"}
    assert fetch.fetches == 1


async def test_when_cognito_cannot_be_reached_a_burst_is_one_fetch_and_tries_again_after_a_few_seconds() -> None:
    fetch, clock = ScriptedJwks(KeysUnavailable("connection refused"), jwks()), Clock()
    verifier = scripted(fetch, clock)
    outcomes = await asyncio.gather(*(verifier.verify(sign(claims(), kid=f"kid-{n}")) for n in range(20)), return_exceptions=True)
    assert all(isinstance(outcome, KeysUnavailable) for outcome in outcomes)
    clock.now += 1
    with pytest.raises(KeysUnavailable):
        await verifier.verify(sign(claims()))
    assert fetch.fetches == 1
    clock.now += 5
    assert (await verifier.verify(sign(claims()))).user_id == "the-sub"
    assert fetch.fetches == 2


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"keys": []}, id="empty-set"),
        pytest.param({}, id="no-keys"),
        pytest.param([], id="not-an-object"),
        pytest.param({"keys": "pool-key"}, id="keys-not-a-list"),
        pytest.param({"keys": [{"kty": "RSA", "kid": "pool-key", "n": "!!", "e": "AQAB"}]}, id="unreadable-key"),
        pytest.param({"keys": [{**jwks()["keys"][0], "kid": 7}]}, id="kid-not-a-string"),
        pytest.param({"keys": [{**jwks()["keys"][0], "use": "enc"}]}, id="encryption-key"),
        pytest.param(KeysUnavailable("503 from Cognito"), id="unavailable"),
    ],
)
async def test_an_answer_with_no_usable_key_keeps_the_keys_already_known(answer: object) -> None:
    fetch, clock = ScriptedJwks(jwks(), answer), Clock()
    verifier = scripted(fetch, clock)
    await verifier.verify(sign(claims()))
    clock.now += 61
    with pytest.raises(KeysUnavailable):
        await verifier.verify(sign(claims(), kid="rotated-in"))
    assert fetch.fetches == 2
    assert (await verifier.verify(sign(claims()))).user_id == "the-sub"


async def test_a_malformed_key_beside_good_ones_is_left_out() -> None:
    answer = {"keys": [{"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}, "not a key", *jwks()["keys"]]}
    verifier = scripted(ScriptedJwks(answer), Clock())
    assert (await verifier.verify(sign(claims()))).user_id == "the-sub"
    with pytest.raises(InvalidToken):
        await verifier.verify(sign(claims(), kid="broken"))


async def test_keys_cognito_no_longer_lists_sign_nothing_once_it_has_rotated() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rotated = {"keys": [{**json.loads(RSAAlgorithm.to_jwk(other.public_key())), "kid": "new-key"}]}
    fetch, clock = ScriptedJwks(jwks(), rotated), Clock()
    verifier = scripted(fetch, clock)
    await verifier.verify(sign(claims()))
    clock.now += 61
    assert (await verifier.verify(sign(claims(), key=other, kid="new-key"))).user_id == "the-sub"
    with pytest.raises(InvalidToken):
        await verifier.verify(sign(claims()))


def answering(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    "handler",
    [
        pytest.param(lambda request: httpx.Response(200, text="<html>not json</html>"), id="bad-json"),
        pytest.param(lambda request: httpx.Response(500, json={"message": "oops"}), id="server-error"),
        pytest.param(lambda request: httpx.Response(302, headers={"location": "https://elsewhere"}), id="redirect"),
        pytest.param(_refused, id="network-error"),
    ],
)
async def test_the_key_endpoint_failing_in_any_way_is_keys_unavailable(handler: Callable[[httpx.Request], httpx.Response]) -> None:
    async with answering(handler) as http:
        with pytest.raises(KeysUnavailable):
            await jwks_over_http(http, "https://cognito.test/pool/.well-known/jwks.json")()


async def test_the_key_endpoint_answers_its_json() -> None:
    async with answering(lambda request: httpx.Response(200, json=jwks())) as http:
        assert await jwks_over_http(http, "https://cognito.test/pool/.well-known/jwks.json")() == jwks()


def test_a_sign_in_that_cannot_be_judged_is_503_not_401_or_500() -> None:
    app = create_app(GatewaySettings(cognito_user_pool_id="us-east-1_pool", cognito_client_id=CLIENT_ID))
    app.state.verifier = scripted(ScriptedJwks(KeysUnavailable("bad JSON")), Clock())
    response = TestClient(app).get("/api/v1/library", headers={"Authorization": f"Bearer {sign(claims())}"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "auth_unavailable"
    assert response.json()["error"]["message"].startswith("Sign-in is briefly unavailable")
