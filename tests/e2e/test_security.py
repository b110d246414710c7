"""Security over HTTP against the running stack: forged and misused tokens are
refused with the one error shape, and one parent can neither read, stream,
sign, move on, save nor delete another parent's work."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import boto3
import httpx
import jwt
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from devstack.provision import StackOutputs
from devstack.stack import Stack
from gateway.settings import GatewaySettings
from nocomelon_cli.signin import DEMO_ACCOUNT
from shared.adapters.dynamodb import to_item
from tests.e2e.system import Parent, SpyQueue, assert_error_shape, gateway, moto_signing_key, outputs_of
from tests.test_drawings import tiny_drawing

# ---------------------------------------------------------------------------
# helpers


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segments(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return json.loads(_unb64url(header)), json.loads(_unb64url(payload)), signature


def _unb64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def hs256(header: dict, claims: dict, secret: bytes) -> str:
    """Signed by hand: PyJWT (rightly) refuses to use a PEM as an HMAC secret."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def cognito(stack: Stack):
    return boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint, region_name=stack.region, config=Config(signature_version=UNSIGNED))


def id_token_of(stack: Stack, email: str, password: str) -> str:
    result = cognito(stack).initiate_auth(
        ClientId=outputs_of(stack).client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )["AuthenticationResult"]
    return result["IdToken"]


def jwks_public_pem(stack: Stack, stack_outputs: StackOutputs, kid: str) -> bytes:
    jwks = httpx.get(f"{stack.aws_endpoint}/{stack_outputs.user_pool_id}/.well-known/jwks.json", timeout=10).raise_for_status().json()
    key = next(item for item in jwks["keys"] if item["kid"] == kid)
    public = RSAAlgorithm.from_jwk(json.dumps(key))
    assert isinstance(public, rsa.RSAPublicKey)  # a JWKS publishes public keys only
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class Run:
    run_id: str
    drawing_key: str
    baseline: dict  # GET /runs/{id} as the owner saw it once the run reached the gate


def start_interactive_run(client: httpx.Client, timeout: float = 180) -> str:
    """POST /vision/analyze, waiting out the three-runs-at-once limit if other suites left runs going."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.post("/api/v1/vision/analyze", files={"drawing": ("kite.png", tiny_drawing(), "image/png")})
        if response.status_code != 429 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert response.status_code == 202, response.text
    return response.json()["run_id"]


def wait_for_status(client: httpx.Client, run_id: str, status: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/v1/runs/{run_id}", params={"wait": 20}, timeout=40).raise_for_status().json()
        if run["status"] == status:
            return run
        assert run["status"] not in ("failed", "complete"), run
        assert time.monotonic() < deadline, f"run {run_id} never became {status}: {run}"


# ---------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def a_run(stack: Stack, parent: Parent, spy: SpyQueue) -> Run:
    """Parent A's interactive run, stopped at the first gate (status "waiting"); the spy listens from before it starts."""
    spy.collect()
    with gateway(stack, parent) as client:
        run_id = start_interactive_run(client)
        run = wait_for_status(client, run_id, "waiting")
    assert run["drawing_key"].startswith(f"{parent.user_id}/drawings/{run_id}")
    time.sleep(1)  # the last worker event, if any, reaches the spy
    spy.collect()
    return Run(run_id=run_id, drawing_key=run["drawing_key"], baseline=run)


@pytest.fixture(scope="module")
def a_entry(stack: Stack, parent: Parent, settings: GatewaySettings, a_run: Run) -> Iterator[dict]:
    """A library entry of A's, written straight to the table (making a whole video is not needed to test deleting it)."""
    entry_id = str(uuid.uuid4())
    entry = {
        "id": entry_id,
        "title": "The Kite That Flew Home",
        "video_key": f"{parent.user_id}/videos/{entry_id}_final.mp4",
        "thumbnail_key": f"{parent.user_id}/videos/{entry_id}_thumb.jpg",
        "duration_sec": 12.5,
        "style": "storybook",
        "created_at": "2020-01-01T00:00:00+00:00",  # the oldest, so it is never on the first page of another test's listing
    }
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    for key in (entry["video_key"], entry["thumbnail_key"]):
        s3.put_object(Bucket=outputs_of(stack).bucket, Key=key, Body=b"not really a video")
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    table = settings.topology.library.name
    dynamodb.put_item(TableName=table, Item=to_item({**entry, "user_id": parent.user_id, "run_id": a_run.run_id}))
    yield entry
    # The owner can delete it (and that removes the files too).
    with gateway(stack, parent) as client:
        deleted = client.delete(f"/api/v1/library/{entry_id}")
    assert deleted.status_code in (204, 404), deleted.text
    dynamodb.delete_item(TableName=table, Key={"user_id": {"S": parent.user_id}, "id": {"S": entry_id}})
    for key in (entry["video_key"], entry["thumbnail_key"]):
        s3.delete_object(Bucket=outputs_of(stack).bucket, Key=key)


@pytest.fixture(scope="module")
def spy_seen(spy: SpyQueue, a_run: Run) -> set[str]:
    """Ids of the events on the spy queue so far; each isolation test adds what arrived during it."""
    return {event.id for event in spy.everything()}


# ---------------------------------------------------------------------------
# token attacks

ROUTES: dict[str, Callable[[Run], tuple[str, str, dict]]] = {
    "GET run": lambda run: ("GET", f"/api/v1/runs/{run.run_id}", {}),
    "GET library": lambda run: ("GET", "/api/v1/library", {}),
    "POST presigned-url": lambda run: ("POST", "/api/v1/storage/presigned-url", {"json": {"s3_key": run.drawing_key}}),
    "GET options": lambda run: ("GET", "/api/v1/options", {"params": {"run_id": run.run_id}}),
    "GET run events": lambda run: ("GET", f"/api/v1/runs/{run.run_id}/events", {}),
}

ATTACKS = [
    "missing",
    "empty-bearer",
    "basic-scheme",
    "alg-none",
    "hs256-with-public-key",
    "wrong-issuer",
    "wrong-client-id",
    "id-token",
    "expired",
    "tampered-payload",
    "foreign-signature",
    "unknown-kid",
    "garbage",
]


@pytest.fixture(scope="module")
def forged(stack: Stack, stack_outputs: StackOutputs, parent: Parent, other_parent: Parent) -> dict[str, dict[str, str]]:
    """Authorization headers for each attack; all but the named flaw are those of A's real access token."""
    header, claims, signature = segments(parent.token)
    kid = header["kid"]
    moto_key = moto_signing_key()
    now = int(time.time())
    fresh = {**claims, "iat": now, "exp": now + 3600}

    def moto_signed(**overrides) -> str:
        return jwt.encode({**fresh, **overrides}, moto_key, algorithm="RS256", headers={"kid": kid})

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tampered_claims = {**claims, "sub": other_parent.user_id, "username": other_parent.user_id}
    tokens = {
        "alg-none": f"{b64url(json.dumps({'alg': 'none', 'typ': 'JWT', 'kid': kid}).encode())}.{b64url(json.dumps(fresh).encode())}.",
        "hs256-with-public-key": hs256({"alg": "HS256", "typ": "JWT", "kid": kid}, fresh, jwks_public_pem(stack, stack_outputs, kid)),
        "wrong-issuer": moto_signed(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_NotThisPool"),
        "wrong-client-id": moto_signed(client_id="another-app-client"),
        "id-token": id_token_of(stack, DEMO_ACCOUNT.email, DEMO_ACCOUNT.password),
        "expired": moto_signed(iat=now - 7200, exp=now - 3600),
        "tampered-payload": f"{parent.token.split('.')[0]}.{b64url(json.dumps(tampered_claims).encode())}.{signature}",
        "foreign-signature": jwt.encode(fresh, stranger, algorithm="RS256", headers={"kid": kid}),
        "unknown-kid": jwt.encode(fresh, moto_key, algorithm="RS256", headers={"kid": "not-a-pool-key"}),
        "garbage": "not.a.token",
    }
    assert segments(tokens["id-token"])[1]["token_use"] == "id"
    headers = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
    headers |= {"missing": {}, "empty-bearer": {"Authorization": "Bearer"}, "basic-scheme": {"Authorization": "Basic ZGVtbzpkZW1v"}}
    headers["control"] = {"Authorization": f"Bearer {moto_signed()}"}
    return headers


def test_a_token_forged_with_motos_key_and_nothing_changed_is_accepted(stack: Stack, forged: dict, a_run: Run) -> None:
    """The control: the forged tokens below fail for their one flaw, not because forging never works."""
    with gateway(stack, None) as client:
        response = client.get(f"/api/v1/runs/{a_run.run_id}", headers=forged["control"])
    assert response.status_code == 200, response.text
    assert response.json()["run_id"] == a_run.run_id


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("route", list(ROUTES))
def test_a_bad_token_gets_401_and_nothing_else(stack: Stack, parent: Parent, forged: dict, a_run: Run, route: str, attack: str) -> None:
    method, path, kwargs = ROUTES[route](a_run)
    with gateway(stack, None) as client:
        response = client.request(method, path, headers=forged[attack], timeout=10, **kwargs)
    error = assert_error_shape(response, 401, codes=("unauthorized", "invalid_token"))
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer"), response.headers
    for secret in (a_run.run_id, parent.user_id, a_run.drawing_key, parent.email, "X-Amz-Signature", "https://"):
        assert secret not in response.text, (secret, response.text)
    assert "sign in" in error["message"].lower()


# ---------------------------------------------------------------------------
# isolation: B against A's run


def run_body_of(client: httpx.Client, run_id: str) -> dict:
    return client.get(f"/api/v1/runs/{run_id}").raise_for_status().json()


def story_request(run_id: str) -> dict:
    return {
        "run_id": run_id,
        "drawing_analysis": {"subject": "a stick figure flying a kite"},
        "theme": "adventure",
        "age": 4,
        "voice": "gentle",
        "style": "storybook",
    }


def pipeline_request(run_id: str) -> dict:
    return {
        "run_id": run_id,
        "story": {"title": "Up, Up and Away", "scenes": [{"number": 1, "text": "Once upon a time a kite flew."}]},
        "drawing": {"subject": "a stick figure flying a kite"},
        "style": "watercolor",
        "voice_type": "silly",
    }


def _cursor_into(user_id: str, entry: dict) -> str:
    plain = {"user_id": user_id, "id": entry["id"], "created_at": entry["created_at"]}
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode()


# name -> (method, path, request kwargs, expected statuses), built from A, B, A's run and A's library entry
TRESPASS: dict[str, Callable[[Parent, Parent, Run, dict], tuple[str, str, dict, tuple[int, ...]]]] = {
    "read run": lambda a, b, run, entry: ("GET", f"/api/v1/runs/{run.run_id}", {}, (404,)),
    "read run, waiting": lambda a, b, run, entry: ("GET", f"/api/v1/runs/{run.run_id}", {"params": {"wait": 2}}, (404,)),
    "read job status": lambda a, b, run, entry: ("GET", f"/api/v1/jobs/{run.run_id}/status", {}, (404,)),
    "read job status, waiting": lambda a, b, run, entry: ("GET", f"/api/v1/jobs/{run.run_id}/status", {"params": {"wait": 2}}, (404,)),
    "read run, uppercase id": lambda a, b, run, entry: ("GET", f"/api/v1/runs/{run.run_id.upper()}", {}, (404,)),
    "stream run": lambda a, b, run, entry: ("GET", f"/api/v1/runs/{run.run_id}/events", {}, (404,)),
    "options for run": lambda a, b, run, entry: ("GET", "/api/v1/options", {"params": {"run_id": run.run_id}}, (404,)),
    "sign A's drawing": lambda a, b, run, entry: ("POST", "/api/v1/storage/presigned-url", {"json": {"s3_key": run.drawing_key}}, (403,)),
    "sign A's library video": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"json": {"s3_key": entry["video_key"]}},
        (403,),
    ),
    "sign via ../": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"json": {"s3_key": f"{b.user_id}/../{a.user_id}/drawings/{run.drawing_key.rsplit('/', 1)[1]}"}},
        (403,),
    ),
    "sign via ./../": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"json": {"s3_key": f"{b.user_id}/./../{a.user_id}/drawings/{run.drawing_key.rsplit('/', 1)[1]}"}},
        (403,),
    ),
    "sign via backslash": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"json": {"s3_key": f"{b.user_id}/..\\{a.user_id}\\drawings\\{run.drawing_key.rsplit('/', 1)[1]}"}},
        (403,),
    ),
    "sign via encoded dots": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"json": {"s3_key": f"{b.user_id}/%2e%2e/{a.user_id}/drawings/{run.drawing_key.rsplit('/', 1)[1]}"}},
        (403, 404),
    ),
    "sign via leading slash": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"json": {"s3_key": f"/{run.drawing_key}"}},
        (403,),
    ),
    "write A's story": lambda a, b, run, entry: ("POST", "/api/v1/story/generate", {"json": story_request(run.run_id)}, (404,)),
    "make A's video": lambda a, b, run, entry: ("POST", "/api/v1/pipeline/generate", {"json": pipeline_request(run.run_id)}, (404,)),
    "save A's run": lambda a, b, run, entry: ("POST", "/api/v1/library", {"json": {"run_id": run.run_id}}, (404,)),
    "delete A's entry": lambda a, b, run, entry: ("DELETE", f"/api/v1/library/{entry['id']}", {}, (404,)),
    "page A's library by cursor": lambda a, b, run, entry: (
        "GET",
        "/api/v1/library",
        {"params": {"cursor": _cursor_into(a.user_id, entry)}},
        (422,),
    ),
    "user_id on read run": lambda a, b, run, entry: ("GET", f"/api/v1/runs/{run.run_id}", {"params": {"user_id": a.user_id}}, (400,)),
    "user_id on job status": lambda a, b, run, entry: (
        "GET",
        f"/api/v1/jobs/{run.run_id}/status",
        {"params": {"user_id": a.user_id}},
        (400,),
    ),
    "user_id on stream": lambda a, b, run, entry: (
        "GET",
        f"/api/v1/runs/{run.run_id}/events",
        {"params": {"user_id": a.user_id}},
        (400,),
    ),
    "user_id on library": lambda a, b, run, entry: ("GET", "/api/v1/library", {"params": {"user_id": a.user_id}}, (400,)),
    "user_id on options": lambda a, b, run, entry: (
        "GET",
        "/api/v1/options",
        {"params": {"run_id": run.run_id, "user_id": a.user_id}},
        (400,),
    ),
    "user_id on presign": lambda a, b, run, entry: (
        "POST",
        "/api/v1/storage/presigned-url",
        {"params": {"user_id": a.user_id}, "json": {"s3_key": run.drawing_key}},
        (400,),
    ),
    "user_id on story": lambda a, b, run, entry: (
        "POST",
        "/api/v1/story/generate",
        {"params": {"user_id": a.user_id}, "json": story_request(run.run_id)},
        (400,),
    ),
    "user_id on save": lambda a, b, run, entry: (
        "POST",
        "/api/v1/library",
        {"params": {"user_id": a.user_id}, "json": {"run_id": run.run_id}},
        (400,),
    ),
    "user_id on delete": lambda a, b, run, entry: (
        "DELETE",
        f"/api/v1/library/{entry['id']}",
        {"params": {"user_id": a.user_id}},
        (400,),
    ),
}


@pytest.mark.parametrize("attempt", list(TRESPASS))
def test_another_parent_cannot_touch_the_run(
    stack: Stack,
    parent: Parent,
    other_parent: Parent,
    spy: SpyQueue,
    spy_seen: set[str],
    settings: GatewaySettings,
    a_run: Run,
    a_entry: dict,
    attempt: str,
) -> None:
    method, path, kwargs, expected = TRESPASS[attempt](parent, other_parent, a_run, a_entry)
    with gateway(stack, other_parent) as intruder:
        response = intruder.request(method, path, timeout=15, **kwargs)

    assert_error_shape(response, expected)
    for secret in (a_run.run_id, parent.user_id, a_run.drawing_key, a_entry["title"], "X-Amz-Signature"):
        assert secret not in response.text, (secret, response.text)

    with gateway(stack, parent) as owner:
        after = run_body_of(owner, a_run.run_id)
    assert after["status"] == a_run.baseline["status"] == "waiting"
    assert after["updated_at"] == a_run.baseline["updated_at"]
    assert after == a_run.baseline
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    kept = dynamodb.get_item(TableName=settings.topology.library.name, Key={"user_id": {"S": parent.user_id}, "id": {"S": a_entry["id"]}})
    assert "Item" in kept, "A's library entry is gone"
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    s3.head_object(Bucket=outputs_of(stack).bucket, Key=a_entry["video_key"])  # raises if B's request removed A's video

    time.sleep(0.3)  # moto delivers SNS to SQS as it publishes; a little slack all the same
    events = spy.everything()
    caused = [
        (event.type, event.run_id, event.user_id)
        for event in events
        if event.id not in spy_seen and (event.run_id == a_run.run_id or event.user_id == other_parent.user_id)
    ]
    spy_seen.update(event.id for event in events)
    assert caused == [], f"B's request published events: {caused}"


def test_the_other_parents_library_does_not_list_a_s_entry(stack: Stack, other_parent: Parent, a_entry: dict) -> None:
    with gateway(stack, other_parent) as client:
        page = client.get("/api/v1/library", params={"limit": 100})
    assert page.status_code == 200, page.text
    assert a_entry["id"] not in page.text and a_entry["title"] not in page.text


def test_the_owner_still_signs_and_reads_their_run(stack: Stack, parent: Parent, a_run: Run) -> None:
    """After all of B's attempts, A's access is intact (the refusals above are about B, not a broken run)."""
    with gateway(stack, parent) as client:
        run = client.get(f"/api/v1/runs/{a_run.run_id}")
        link = client.post("/api/v1/storage/presigned-url", json={"s3_key": a_run.drawing_key})
        options = client.get("/api/v1/options", params={"run_id": a_run.run_id})
    assert run.status_code == 200 and run.json()["status"] == "waiting"
    assert link.status_code == 200, link.text
    assert httpx.get(link.json()["url"], timeout=10).content[:8] == b"\x89PNG\r\n\x1a\n"
    assert options.status_code == 200, options.text
