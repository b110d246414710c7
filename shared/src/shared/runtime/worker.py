"""The entrypoint every worker shares: settings, clients, queue, consumer.

A service supplies its settings class and its routes (event type -> handler
with its adapters wired in); this module owns the process around them.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.adapters.aws import CORE_SERVICES, AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore
from shared.adapters.s3 import S3AssetStore
from shared.adapters.sns_sqs import QueueConsumer, SnsEventPublisher
from shared.domain.events import EventType
from shared.domain.ports import AssetStore
from shared.runtime.health import beat, heartbeat_path
from shared.runtime.logging import configure_logging
from shared.runtime.metrics import WorkerMetrics, configure_metrics, shutdown_metrics
from shared.runtime.processing import EventProcessor, Route
from shared.runtime.settings import WorkerSettings
from shared.runtime.tracing import configure_tracing, shutdown_tracing

log = logging.getLogger(__name__)

S = TypeVar("S", bound=WorkerSettings)
# A service's routes from its settings, its file store and the process's AWS clients (for its cloud providers).
RouteBuilder = Callable[[S, AssetStore, AwsClients], dict[EventType, Route[Any]]]
# What a service checks before it takes its first message (that its cloud voices exist, say); raises SystemExit if not.
StartUpCheck = Callable[[S, AwsClients], Awaitable[None]]


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM (ECS, make run) and SIGINT (Ctrl-C) end the loop gracefully."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)


async def serve_queue(service: str, build_routes: RouteBuilder[S], settings: S, check: StartUpCheck[S] | None = None) -> None:
    spec = settings.topology.queues[service]
    services = CORE_SERVICES + settings.cloud_services()
    async with AwsClients(
        region=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        services=services,
        model_read_timeout=settings.model_read_timeout_seconds,
    ) as aws:
        if check is not None:
            await check(settings, aws)
        queue_url = (await aws.sqs.get_queue_url(QueueName=spec.name))["QueueUrl"]
        dead_letter_url = (await aws.sqs.get_queue_url(QueueName=spec.dead_letter_name))["QueueUrl"]
        metrics = WorkerMetrics()
        assets = S3AssetStore(aws.s3, settings.bucket, retention_tag=settings.topology.retention_tag)
        processor = EventProcessor(
            checkpoints=DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name, settings.checkpoint_ttl_days),
            publisher=SnsEventPublisher(aws.sns, settings.topic_arn),
            routes=build_routes(settings, assets, aws),
            max_receive_count=spec.max_receive_count,
            stage_budgets=settings.stage_budgets,
            metrics=metrics,
        )
        consumer = QueueConsumer(
            aws.sqs,
            queue_url=queue_url,
            dead_letter_url=dead_letter_url,
            handle=processor,
            visibility_timeout=settings.visibility_timeout_seconds,
            wait_seconds=settings.receive_wait_seconds,
            concurrency=settings.messages_at_once,
            metrics=metrics,
        )
        stop = asyncio.Event()
        stop_on_signals(stop)
        beating = asyncio.create_task(beat(heartbeat_path(service), stop))
        try:
            await consumer.run(stop)
        finally:
            beating.cancel()


def run_worker(service: str, settings_type: type[S], build_routes: RouteBuilder[S], check: StartUpCheck[S] | None = None) -> None:
    settings = settings_type()
    configure_logging(service, settings.log_level)
    configure_tracing(service, settings.trace_dir)
    meters = configure_metrics(service, settings.trace_dir)
    log.info("worker starting", extra={"queue": settings.topology.queues[service].name})
    try:
        asyncio.run(serve_queue(service, build_routes, settings, check))
    finally:
        shutdown_metrics(meters)
        shutdown_tracing()
