"""SNS and SQS: publish to the events topic, consume a worker's queue.

The consumer long-polls, keeps a message invisible while its handler runs (a
heartbeat on the visibility timeout), deletes it on success, moves it to the
dead-letter queue when it can never succeed, and on SIGTERM stops receiving
but finishes the messages in hand. Each message carries the publisher's trace
context, and is handled in a span that continues it. Every so often it samples
how deep its queue and dead-letter queue are, for the queue-depth gauge.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from shared.domain.events import Envelope, UnsupportedEnvelope, parse_envelope
from shared.domain.ports import Disposition, MessageHandler
from shared.runtime.logging import log_context
from shared.runtime.metrics import WorkerMetrics
from shared.runtime.tracing import context_from_message, mark_failed, message_attributes, tracer

log = logging.getLogger(__name__)


class SnsEventPublisher:
    def __init__(self, sns: Any, topic_arn: str) -> None:
        self._sns = sns
        self._topic_arn = topic_arn

    async def publish(self, envelope: Envelope[Any]) -> None:
        attributes = {"run_id": envelope.run_id, "event_id": envelope.id}
        with tracer.start_as_current_span(f"publish {envelope.type.value}", kind=SpanKind.PRODUCER, attributes=attributes):
            await self._sns.publish(
                TopicArn=self._topic_arn,
                Message=envelope.model_dump_json(),
                MessageAttributes={"type": {"DataType": "String", "StringValue": envelope.type.value}, **message_attributes()},
            )
        log.info("event published", extra={"type": envelope.type.value, "published_id": envelope.id, "run_id": envelope.run_id})


class QueueConsumer:
    def __init__(
        self,
        sqs: Any,
        *,
        queue_url: str,
        dead_letter_url: str,
        handle: MessageHandler,
        visibility_timeout: int,
        wait_seconds: int,
        concurrency: int,
        metrics: WorkerMetrics | None = None,
        depth_interval_seconds: float = 15,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._dead_letter_url = dead_letter_url
        self._handle = handle
        self._visibility_timeout = visibility_timeout
        self._wait_seconds = wait_seconds
        self._concurrency = max(1, concurrency)
        self._in_hand: set[asyncio.Task[None]] = set()
        self._metrics = metrics or WorkerMetrics()
        self._depth_interval = depth_interval_seconds

    async def run(self, stop: asyncio.Event) -> None:
        log.info("consumer started", extra={"queue_url": self._queue_url})
        stopping = asyncio.create_task(stop.wait())
        sampling = asyncio.create_task(self._keep_sampling_depths())
        try:
            while not stop.is_set():
                if len(self._in_hand) >= self._concurrency:
                    await asyncio.wait({*self._in_hand, stopping}, return_when=asyncio.FIRST_COMPLETED)
                    continue
                receiving = asyncio.create_task(self._receive(self._concurrency - len(self._in_hand)))
                await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not receiving.done():
                    # Anything this poll would have returned reappears after the visibility timeout.
                    receiving.cancel()
                    break
                for message in receiving.result():
                    task = asyncio.create_task(self._process(message))
                    self._in_hand.add(task)
                    task.add_done_callback(self._in_hand.discard)
        finally:
            stopping.cancel()
            sampling.cancel()
            if self._in_hand:
                log.info("finishing messages in hand", extra={"count": len(self._in_hand)})
                await asyncio.gather(*self._in_hand, return_exceptions=True)
            log.info("consumer stopped")

    async def _receive(self, max_messages: int) -> list[dict[str, Any]]:
        try:
            response = await self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=min(10, max_messages),
                WaitTimeSeconds=self._wait_seconds,
                VisibilityTimeout=self._visibility_timeout,
                AttributeNames=["ApproximateReceiveCount"],
                MessageAttributeNames=["All"],
            )
        except Exception:
            log.exception("receive failed; polling again shortly")
            await asyncio.sleep(1)
            return []
        return response.get("Messages", [])

    async def _process(self, message: dict[str, Any]) -> None:
        receipt = message["ReceiptHandle"]
        receive_count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        heartbeat = asyncio.create_task(self._keep_invisible(receipt))
        try:
            try:
                envelope = parse_envelope(message["Body"])
            except UnsupportedEnvelope as error:
                log.error("unreadable message", extra={"message_id": message.get("MessageId"), "reason": str(error)[:500]})
                await self._dead_letter(message)
                return
            with (
                log_context(run_id=envelope.run_id, event_id=envelope.id, event_type=envelope.type.value),
                tracer.start_as_current_span(
                    envelope.type.value,
                    context=context_from_message(message.get("MessageAttributes", {})),
                    kind=SpanKind.CONSUMER,
                    attributes={"receive_count": receive_count},
                ) as span,
            ):
                await self._dispatch(envelope, message, receive_count, span)
        finally:
            heartbeat.cancel()

    async def _dispatch(self, envelope: Envelope[Any], message: dict[str, Any], receive_count: int, span: Span) -> None:
        log.info("event received", extra={"receive_count": receive_count})
        try:
            disposition = await self._handle(envelope, receive_count)
        except Exception as error:
            mark_failed(span, error)
            span.set_attribute("disposition", "retry")
            retry_in = min(self._visibility_timeout, 2**receive_count)
            log.exception("handler failed; will retry", extra={"retry_in_seconds": retry_in})
            await self._sqs.change_message_visibility(
                QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=retry_in
            )
            return
        if disposition is Disposition.DEAD_LETTER:
            span.set_status(Status(StatusCode.ERROR, "dead-lettered"))
            await self._dead_letter(message)
        else:
            await self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
        span.set_attribute("disposition", disposition.value)
        log.info("event handled", extra={"disposition": disposition.value})

    async def _keep_sampling_depths(self) -> None:
        while True:
            await self.sample_depths()
            await asyncio.sleep(self._depth_interval)

    async def sample_depths(self) -> None:
        """Reads how many messages the queue and its dead-letter queue hold into the queue-depth gauge."""
        for url in (self._queue_url, self._dead_letter_url):
            try:
                response = await self._sqs.get_queue_attributes(
                    QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
                )
            except Exception:
                log.warning("queue depth not sampled", exc_info=True, extra={"queue_url": url})
                continue
            counts = response.get("Attributes", {})
            self._metrics.queue_sampled(
                url.rsplit("/", 1)[-1],
                visible=int(counts.get("ApproximateNumberOfMessages", 0)),
                in_flight=int(counts.get("ApproximateNumberOfMessagesNotVisible", 0)),
            )

    async def _keep_invisible(self, receipt: str) -> None:
        interval = max(1.0, self._visibility_timeout / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await self._sqs.change_message_visibility(
                    QueueUrl=self._queue_url, ReceiptHandle=receipt, VisibilityTimeout=self._visibility_timeout
                )
            except Exception:
                log.warning("visibility heartbeat failed", exc_info=True)

    async def _dead_letter(self, message: dict[str, Any]) -> None:
        await self._sqs.send_message(
            QueueUrl=self._dead_letter_url,
            MessageBody=message["Body"],
            MessageAttributes={
                name: {key: value for key, value in attribute.items() if key in ("DataType", "StringValue")}
                for name, attribute in message.get("MessageAttributes", {}).items()
            },
        )
        await self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
        log.warning("message moved to the dead-letter queue", extra={"message_id": message.get("MessageId")})
