"""The bus against moto: the topic routes by type, the consumer deletes,
dead-letters, keeps messages invisible while it works, and stops gracefully."""

import asyncio
import json
import uuid

import pytest

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.sns_sqs import QueueConsumer, SnsEventPublisher
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode, parse_envelope
from shared.domain.ports import Disposition


@pytest.fixture
async def queue(aws: AwsClients) -> tuple[str, str]:
    name = f"bus-test-{uuid.uuid4().hex[:8]}"
    queue_url = (await aws.sqs.create_queue(QueueName=name))["QueueUrl"]
    dead_letter_url = (await aws.sqs.create_queue(QueueName=f"{name}-dlq"))["QueueUrl"]
    return queue_url, dead_letter_url


def event() -> Envelope:
    return Envelope.new(
        DrawingSubmitted(drawing_key="u/drawings/r.png", media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id=str(uuid.uuid4()),
        user_id="u",
        mode=RunMode.ONE_SHOT,
    )


async def count(aws: AwsClients, url: str) -> int:
    attributes = await aws.sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )
    return sum(int(value) for value in attributes["Attributes"].values())


def consumer(aws: AwsClients, queue: tuple[str, str], handle, visibility: int = 30) -> QueueConsumer:
    return QueueConsumer(
        aws.sqs, queue_url=queue[0], dead_letter_url=queue[1], handle=handle, visibility_timeout=visibility, wait_seconds=1, concurrency=2
    )


async def run_until(consumer: QueueConsumer, condition, timeout: float = 20) -> asyncio.Event:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.2)
    stop.set()
    await task
    return stop


async def test_the_topic_delivers_each_type_only_to_its_queue(aws: AwsClients, settings: GatewaySettings, stack_outputs) -> None:
    published = event()
    await SnsEventPublisher(aws.sns, settings.topic_arn).publish(published)
    vision_url = stack_outputs.queue_urls["vision"]
    async with asyncio.timeout(10):
        while True:
            messages = (await aws.sqs.receive_message(QueueUrl=vision_url, WaitTimeSeconds=1, MaxNumberOfMessages=10)).get("Messages", [])
            mine = [message for message in messages if json.loads(message["Body"]).get("id") == published.id]
            if mine:
                break
    # Raw delivery: the body is the envelope itself, not an SNS notification around it.
    assert parse_envelope(mine[0]["Body"]) == published
    for message in messages:
        await aws.sqs.delete_message(QueueUrl=vision_url, ReceiptHandle=message["ReceiptHandle"])
    for other in ("story", "media"):
        bodies = [
            message["Body"]
            for message in (await aws.sqs.receive_message(QueueUrl=stack_outputs.queue_urls[other], WaitTimeSeconds=1)).get("Messages", [])
        ]
        assert not any(published.id in body for body in bodies)


async def test_a_handled_message_is_deleted(aws: AwsClients, queue) -> None:
    handled: list[Envelope] = []

    async def handle(envelope: Envelope, receive_count: int) -> Disposition:
        handled.append(envelope)
        return Disposition.DONE

    sent = event()
    await aws.sqs.send_message(QueueUrl=queue[0], MessageBody=sent.model_dump_json())
    await run_until(consumer(aws, queue, handle), lambda: asyncio.sleep(0, result=bool(handled)))
    assert handled == [sent]
    assert await count(aws, queue[0]) == 0


async def test_a_malformed_message_goes_to_the_dead_letter_queue_and_the_consumer_goes_on(aws: AwsClients, queue) -> None:
    handled: list[Envelope] = []

    async def handle(envelope: Envelope, receive_count: int) -> Disposition:
        handled.append(envelope)
        return Disposition.DONE

    await aws.sqs.send_message(QueueUrl=queue[0], MessageBody="{not an envelope")
    good = event()
    await aws.sqs.send_message(QueueUrl=queue[0], MessageBody=good.model_dump_json())
    await run_until(consumer(aws, queue, handle), lambda: asyncio.sleep(0, result=bool(handled)))
    assert handled == [good]
    dead = (await aws.sqs.receive_message(QueueUrl=queue[1], WaitTimeSeconds=1))["Messages"]
    assert [message["Body"] for message in dead] == ["{not an envelope"]


async def test_a_failing_handler_gets_the_message_again(aws: AwsClients, queue) -> None:
    attempts: list[int] = []

    async def handle(envelope: Envelope, receive_count: int) -> Disposition:
        attempts.append(receive_count)
        if len(attempts) == 1:
            raise RuntimeError("transient")
        return Disposition.DONE

    await aws.sqs.send_message(QueueUrl=queue[0], MessageBody=event().model_dump_json())
    await run_until(consumer(aws, queue, handle), lambda: asyncio.sleep(0, result=len(attempts) == 2))
    assert attempts == [1, 2]


async def test_the_heartbeat_keeps_a_long_message_invisible(aws: AwsClients, queue) -> None:
    calls: list[int] = []

    async def slow(envelope: Envelope, receive_count: int) -> Disposition:
        calls.append(receive_count)
        await asyncio.sleep(7)  # well past the 3 s visibility timeout
        return Disposition.DONE

    await aws.sqs.send_message(QueueUrl=queue[0], MessageBody=event().model_dump_json())
    first, second = consumer(aws, queue, slow, visibility=3), consumer(aws, queue, slow, visibility=3)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(first.run(stop)), asyncio.create_task(second.run(stop))]
    await asyncio.sleep(9)
    stop.set()
    await asyncio.gather(*tasks)
    assert calls == [1]
    assert await count(aws, queue[0]) == 0


async def test_stopping_finishes_the_message_in_hand(aws: AwsClients, queue) -> None:
    started, finished = asyncio.Event(), asyncio.Event()

    async def slow(envelope: Envelope, receive_count: int) -> Disposition:
        started.set()
        await asyncio.sleep(2)
        finished.set()
        return Disposition.DONE

    await aws.sqs.send_message(QueueUrl=queue[0], MessageBody=event().model_dump_json())
    stop = asyncio.Event()
    task = asyncio.create_task(consumer(aws, queue, slow).run(stop))
    await asyncio.wait_for(started.wait(), 10)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert finished.is_set()
    assert await count(aws, queue[0]) == 0
