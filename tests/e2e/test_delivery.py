"""At-least-once delivery, crashes and poison messages, through the real processes."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections import Counter

import boto3
import httpx

from devstack.stack import Stack
from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore
from shared.adapters.sns_sqs import SnsEventPublisher
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode
from shared.domain.run import Checkpoint
from tests.e2e.system import (
    Parent,
    SpyQueue,
    distinct_events,
    gateway,
    one_shot_events,
    outputs_of,
    republish,
    wait_for_event,
    wait_for_run,
)
from tests.paths import sample


def start_run(client: httpx.Client, drawing: str = "image-003.jpg", **options: str) -> str:
    response = client.post(
        "/api/v1/runs", files={"drawing": (drawing, sample(drawing).read_bytes(), "image/jpeg")}, data={"age": "3", **options}
    )
    assert response.status_code == 202, response.text
    return response.json()["run_id"]


def video_objects(stack: Stack, user_id: str, run_id: str) -> list[str]:
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    listed = s3.list_objects_v2(Bucket=outputs_of(stack).bucket, Prefix=f"{user_id}/videos/{run_id}")
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_repeated_event_gives_one_result_and_one_next_event(stack: Stack, parent: Parent, spy: SpyQueue) -> None:
    with gateway(stack, parent) as client:
        run_id = start_run(client)
        submitted = wait_for_event(spy, run_id, EventType.DRAWING_SUBMITTED)
        pipeline = wait_for_event(spy, run_id, EventType.PIPELINE_REQUESTED)
        republish(stack, submitted)
        republish(stack, pipeline)
        run = wait_for_run(client, run_id)
        assert run["status"] == "complete", run["error"]
        time.sleep(3)  # time for any duplicate follow-up to appear
        events = spy.of(run_id)
    delivered = Counter(event.type for event in events)
    assert delivered[EventType.DRAWING_SUBMITTED] >= 2 and delivered[EventType.PIPELINE_REQUESTED] >= 2, "the repeats went out"
    # What must happen once is each event, by its id: the same event may be published again (a publish retried after a
    # timeout, an outbox flushed by a second delivery), and consumers skip ids they have handled.
    assert distinct_events(events) == one_shot_events(events), sorted((event.type.value, event.id) for event in events)
    assert video_objects(stack, parent.user_id, run_id) == [
        f"{parent.user_id}/videos/{run_id}_book_a4.pdf",
        f"{parent.user_id}/videos/{run_id}_book_letter.pdf",
        f"{parent.user_id}/videos/{run_id}_captions.vtt",
        f"{parent.user_id}/videos/{run_id}_final.mp4",
        f"{parent.user_id}/videos/{run_id}_thumb.jpg",
    ]


def test_a_worker_killed_mid_stage_is_replaced_and_the_run_finishes_once(stack: Stack, parent: Parent, spy: SpyQueue) -> None:
    with gateway(stack, parent) as client:
        run_id = start_run(client, "image-005.jpg")
        deadline = time.monotonic() + 240
        while client.get(f"/api/v1/runs/{run_id}").json()["stages"]["video"]["status"] != "running":
            assert time.monotonic() < deadline, "the video stage never started"
            time.sleep(0.1)
        stack.processes["media"].send_signal(signal.SIGKILL)
        stack.processes["media"].wait()
        stack.start_service("media", name="media")  # a fresh worker, as ECS would start
        run = wait_for_run(client, run_id)
    assert run["status"] == "complete", run["error"]
    assert [event.type for event in spy.of(run_id)].count(EventType.VIDEO_COMPLETED) == 1
    assert len(video_objects(stack, parent.user_id, run_id)) == 5  # the video, its thumbnail, captions and two books, once


def dead_letters(stack: Stack, service: str) -> list[str]:
    sqs = boto3.client("sqs", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    url = outputs_of(stack).dead_letter_urls[service]
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        bodies += [message["Body"] for message in messages]
    return bodies


def test_a_malformed_message_is_dead_lettered_and_the_worker_keeps_serving(stack: Stack, parent: Parent) -> None:
    sqs = boto3.client("sqs", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    poison = f'{{"not": "an envelope", "marker": "{uuid.uuid4()}"}}'
    sqs.send_message(QueueUrl=outputs_of(stack).queue_urls["vision"], MessageBody=poison)
    deadline = time.monotonic() + 60
    seen: list[str] = []
    while poison not in seen:
        assert time.monotonic() < deadline, "the malformed message never reached the dead-letter queue"
        seen += dead_letters(stack, "vision")
    assert stack.processes["vision"].poll() is None
    with gateway(stack, parent) as client:
        run_id = start_run(client)
        deadline = time.monotonic() + 60
        while client.get(f"/api/v1/runs/{run_id}").json()["stages"]["vision"]["status"] != "done":
            assert time.monotonic() < deadline, "the vision worker stopped serving"
            time.sleep(0.3)


def test_a_drawing_that_can_never_be_read_fails_the_run_with_a_readable_message(
    stack: Stack, parent: Parent, settings: GatewaySettings
) -> None:
    """A corrupt object behind a valid event: vision fails for good, the run says so, the message is kept."""
    run_id = str(uuid.uuid4())
    key = f"{parent.user_id}/drawings/{run_id}.png"
    boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region).put_object(
        Bucket=outputs_of(stack).bucket, Key=key, Body=b"\x89PNG\r\n\x1a\n but then nothing a decoder can read"
    )
    submitted = Envelope.new(
        DrawingSubmitted(drawing_key=key, media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id=run_id,
        user_id=parent.user_id,
        mode=RunMode.ONE_SHOT,
    )

    async def create_and_publish() -> None:
        async with AwsClients(region=settings.aws_region, endpoint_url=settings.aws_endpoint_url) as aws:
            store = DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name)
            await store.create(
                Checkpoint(user_id=parent.user_id, run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key=key, media_type="image/png")
            )
            await SnsEventPublisher(aws.sns, settings.topic_arn).publish(submitted)

    asyncio.run(create_and_publish())
    with gateway(stack, parent) as client:
        run = wait_for_run(client, run_id, timeout=60)
    assert run["status"] == "failed"
    assert run["error"]["stage"] == "vision"
    assert "photo" in run["error"]["message"].lower()
    assert "Traceback" not in run["error"]["message"]
    deadline = time.monotonic() + 30
    while not any(submitted.id in body for body in dead_letters(stack, "vision")):
        assert time.monotonic() < deadline, "the failed event is not in the dead-letter queue"
