"""The entrypoint every worker shares: settings, clients, queue, consumer.

A service supplies only its routes (event type -> handler with its adapters
wired in); this module owns the process around them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from shared.aws import AwsClients
from shared.bus import EventPublisher, QueueConsumer, stop_on_signals
from shared.checkpoints import CheckpointStore
from shared.events import EventType
from shared.health import beat, heartbeat_path
from shared.logging import configure_logging
from shared.processing import EventProcessor, Route
from shared.settings import Settings
from shared.storage import AssetStore

log = logging.getLogger(__name__)

RouteBuilder = Callable[[Settings, AssetStore], dict[EventType, Route]]


async def serve_queue(service: str, build_routes: RouteBuilder, settings: Settings) -> None:
    spec = settings.topology.queues[service]
    async with AwsClients(settings, ("s3", "sqs", "sns", "dynamodb")) as aws:
        queue_url = (await aws.sqs.get_queue_url(QueueName=spec.name))["QueueUrl"]
        dead_letter_url = (await aws.sqs.get_queue_url(QueueName=spec.dead_letter_name))["QueueUrl"]
        processor = EventProcessor(
            checkpoints=CheckpointStore(aws.dynamodb, settings.topology.checkpoints.name, settings.checkpoint_ttl_days),
            publisher=EventPublisher(aws.sns, settings.topic_arn),
            routes=build_routes(settings, AssetStore(aws.s3, settings.bucket)),
            max_receive_count=spec.max_receive_count,
        )
        consumer = QueueConsumer(
            aws.sqs,
            queue_url=queue_url,
            dead_letter_url=dead_letter_url,
            handle=processor,
            visibility_timeout=settings.visibility_timeout_seconds,
            wait_seconds=settings.receive_wait_seconds,
            concurrency=settings.worker_concurrency,
        )
        stop = asyncio.Event()
        stop_on_signals(stop)
        beating = asyncio.create_task(beat(heartbeat_path(service), stop))
        try:
            await consumer.run(stop)
        finally:
            beating.cancel()


def run_worker(service: str, build_routes: RouteBuilder) -> None:
    settings = Settings()
    configure_logging(service, settings.log_level)
    log.info("worker starting", extra={"queue": settings.topology.queues[service].name})
    asyncio.run(serve_queue(service, build_routes, settings))
