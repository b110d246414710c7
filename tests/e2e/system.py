"""Talking to the running system as a parent (and as an operator watching the topic)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import httpx

from devstack.provision import StackOutputs
from devstack.stack import Stack
from nocomelon_cli.signin import Credentials
from shared.adapters.aws import AwsClients
from shared.adapters.sns_sqs import SnsEventPublisher
from shared.domain.events import Envelope, EventType, parse_envelope
from tests.test_drawings import tiny_drawing

# For runs whose story is not the point (faults, scale, a storybook to delete or share): the youngest tier's stories
# are the shortest (three short scenes), so each such run costs its media worker the least.
QUICKEST_AGE = "3"

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


def one_shot_events(events: list[Envelope[Any]]) -> Counter[EventType]:
    """Every event a one-shot run must have had, given what it published: each once by its id, however often it is
    delivered, and a picture, a narration and a page of the video (asked for and done) for each scene of its script."""
    pipeline = next(event for event in events if event.type == EventType.PIPELINE_REQUESTED)
    per_scene = [
        *(EventType.PICTURE_REQUESTED, EventType.NARRATION_REQUESTED, EventType.PICTURE_COMPLETED, EventType.NARRATION_COMPLETED),
        *(EventType.PAGE_REQUESTED, EventType.PAGE_RENDERED),
    ]
    once = [EventType.DRAWING_SUBMITTED, EventType.VISION_COMPLETED, EventType.PIPELINE_REQUESTED, EventType.VIDEO_REQUESTED]
    return Counter([*once, EventType.VIDEO_COMPLETED, *per_scene * len(pipeline.payload.story_script.scenes)])


def distinct_events(events: list[Envelope[Any]]) -> Counter[EventType]:
    """How many different events (by id) of each type there were."""
    return Counter(event_type for event_type, _ in {(event.type, event.id) for event in events})


@dataclass(frozen=True)
class Parent:
    email: str
    user_id: str
    token: str


def sign_in(stack: Stack, user: Credentials) -> Parent:
    assert stack.outputs is not None
    user_id = stack.provisioner().ensure_user(stack.outputs.user_pool_id, user)
    return Parent(email=user.email, user_id=user_id, token=stack.access_token(user))


def outputs_of(stack: Stack) -> StackOutputs:
    """The names and URLs the stack was provisioned with (the session's stack always is, before any test)."""
    assert stack.outputs is not None, "provision first"
    return stack.outputs


def gateway(stack: Stack, parent: Parent | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {parent.token}"} if parent else {}
    return httpx.Client(base_url=stack.gateway_url, headers=headers, timeout=30)


class SpyQueue:
    """An SQS queue subscribed to the whole topic: every event, counted per run."""

    def __init__(self, sqs, url: str) -> None:
        self._sqs = sqs
        self._url = url
        self._events: dict[str, list[Envelope[Any]]] = defaultdict(list)

    def collect(self) -> None:
        # No long poll: the local AWS queues a message before the publish that sent it returns, so what is not here
        # now was not sent yet (a wait of a second per look was half a minute of the scale test).
        while messages := self._sqs.receive_message(QueueUrl=self._url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                envelope = parse_envelope(message["Body"])
                self._events[envelope.run_id].append(envelope)
            handles = [{"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]} for n, message in enumerate(messages)]
            self._sqs.delete_message_batch(QueueUrl=self._url, Entries=handles)

    def of(self, run_id: str) -> list[Envelope[Any]]:
        self.collect()
        return list(self._events[run_id])

    def everything(self) -> list[Envelope[Any]]:
        """Every event collected so far, of every run and user."""
        self.collect()
        return [event for events in self._events.values() for event in events]


@contextmanager
def spying_on(stack: Stack) -> Iterator[SpyQueue]:
    """A queue subscribed to the stack's topic while the block runs."""
    sqs = boto3.client("sqs", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    sns = boto3.client("sns", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    url = sqs.create_queue(QueueName=f"spy-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = outputs_of(stack).topic_arn
    subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    try:
        yield SpyQueue(sqs, url)
    finally:
        sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
        sqs.delete_queue(QueueUrl=url)


def wait_for_event(spy: SpyQueue, run_id: str, event_type: EventType, timeout: float = 120) -> Envelope[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [event for event in spy.of(run_id) if event.type == event_type]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {event_type} for run {run_id}")


def republish(stack: Stack, envelope: Envelope[Any]) -> None:
    """An event published again, as a retried publish or a late worker would."""

    async def publish() -> None:
        async with AwsClients(region=stack.region, endpoint_url=stack.aws_endpoint, services=("sns",)) as aws:
            await SnsEventPublisher(aws.sns, outputs_of(stack).topic_arn).publish(envelope)

    asyncio.run(publish())


def wait_for_run(client: httpx.Client, run_id: str, *, until: tuple[str, ...] = ("complete", "failed"), timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/v1/runs/{run_id}").raise_for_status().json()
        if run["status"] in until:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} still {run['status']} at {run['current_stage']}: {json.dumps(run['stages'])}")
        time.sleep(0.5)


def quick_one_shot(client: httpx.Client, drawing: tuple[str, bytes, str] | None = None) -> str:
    """A one-shot run started (of a tiny drawing unless one is given, at QUICKEST_AGE): its id."""
    started = client.post(
        "/api/v1/runs", files={"drawing": drawing or ("kite.png", tiny_drawing(), "image/png")}, data={"age": QUICKEST_AGE}
    )
    assert started.status_code == 202, started.text
    return started.json()["run_id"]


def saved_storybook(client: httpx.Client, drawing: tuple[str, bytes, str] | None = None) -> tuple[str, dict[str, Any]]:
    """A one-shot run to its video (of a tiny drawing unless one is given), saved to the library: the run's id and the entry."""
    run_id = quick_one_shot(client, drawing)
    run = wait_for_run(client, run_id)
    assert run["status"] == "complete", run["error"]
    saved = client.post("/api/v1/library", json={"run_id": run_id})
    assert saved.status_code == 201, saved.text
    return run_id, saved.json()


def moto_signing_key() -> RSAPrivateKey:
    """moto signs every pool's tokens with the key it ships; forging with it makes tokens valid but for the one claim changed."""
    import gzip
    from importlib import resources

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from jwt.algorithms import RSAAlgorithm

    packed = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    key = RSAAlgorithm.from_jwk(json.dumps(json.loads(gzip.decompress(packed))))
    assert isinstance(key, RSAPrivateKey)  # the JWK has the private numbers
    return key


def assert_error_shape(response: httpx.Response, status: int | tuple[int, ...], *, codes: tuple[str, ...] | None = None) -> dict:
    """The gateway's one error shape, nothing more: {"error": {code, message, request_id}}."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "request_id"}, body
    assert all(isinstance(value, str) and value for value in error.values()), body
    assert error["request_id"] == response.headers.get("x-request-id"), (error, response.headers)
    if codes is not None:
        assert error["code"] in codes, body
    for leak in ("Traceback", 'File "', "botocore", "ClientError", "jwt.", "PyJWT", "Exception"):
        assert leak not in response.text, response.text
    return error


def start_consuming(
    stack: Stack, name: str, module: str, *arguments: str, settings: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """A worker, started and consuming (a test's timings must not include its start-up); its log is `<name>.log`."""
    log = stack.log_dir / f"{name}.log"
    consuming = _consumers_started(log)
    process = stack.start_module(name, module, *arguments, settings=settings)
    deadline = time.monotonic() + 60
    while _consumers_started(log) == consuming:
        assert process.poll() is None, f"{name} ended at start-up: see {log}"
        assert time.monotonic() < deadline, f"{name} never started consuming: see {log}"
        time.sleep(0.1)
    return process


def _consumers_started(log: Path) -> int:
    return log.read_text().count('"consumer started"') if log.exists() else 0
