"""A worker's metrics: each stage's duration by outcome, failures by code, retries, and its queues' depth (moto)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricsData

from shared.adapters.aws import AwsClients
from shared.adapters.sns_sqs import QueueConsumer
from shared.domain.errors import StageFailure
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode, Stage
from shared.domain.ports import CheckpointStore, Disposition
from shared.domain.run import Checkpoint, RunPatch
from shared.runtime.metrics import StageOutcome, WorkerMetrics, configure_metrics
from shared.runtime.processing import EventProcessor, Outcome, Route
from tests.fakes import RecordingPublisher


@pytest.fixture
def reader() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def worker_metrics(reader: InMemoryMetricReader) -> WorkerMetrics:
    return WorkerMetrics(MeterProvider(metric_readers=[reader]).get_meter("test"))


def points(data: MetricsData | None, name: str) -> list[tuple[dict[str, Any], Any]]:
    """(attributes, the point) of every data point of the named metric."""
    assert data is not None
    return [
        (dict(point.attributes or {}), point)
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == name
        for point in metric.data.data_points
    ]


def submitted(run: Checkpoint) -> Envelope[DrawingSubmitted]:
    payload = DrawingSubmitted(drawing_key=run.drawing_key, media_type="image/png")
    return Envelope.new(payload, type=EventType.DRAWING_SUBMITTED, run_id=run.run_id, user_id=run.user_id, mode=RunMode.ONE_SHOT)


async def a_new_run(checkpoints: CheckpointStore) -> Checkpoint:
    run_id = str(uuid.uuid4())
    run = Checkpoint(
        user_id="user-m", run_id=run_id, mode=RunMode.ONE_SHOT, drawing_key=f"user-m/drawings/{run_id}.png", media_type="image/png"
    )
    return await checkpoints.create(run)


async def test_each_stage_is_timed_by_outcome_and_failures_and_retries_are_counted(
    checkpoints: CheckpointStore, publisher: RecordingPublisher, worker_metrics: WorkerMetrics, reader: InMemoryMetricReader
) -> None:
    failures = {"ok": None, "refused": StageFailure("not_a_drawing", "That is not a drawing."), "flaky": ConnectionError("reset")}

    async def handle(event: Envelope[DrawingSubmitted], checkpoint: Checkpoint) -> Outcome:
        failure = failures[event.payload.drawing_key.rsplit("#", 1)[-1]]
        if failure is not None:
            raise failure
        return Outcome(changes=RunPatch())

    process = EventProcessor(
        checkpoints=checkpoints,
        publisher=publisher,
        routes={EventType.DRAWING_SUBMITTED: Route(DrawingSubmitted, Stage.VISION, handle)},
        max_receive_count=3,
        metrics=worker_metrics,
    )
    for name in failures:
        run = await a_new_run(checkpoints)
        event = submitted(run)
        event = event.model_copy(update={"payload": event.payload.model_copy(update={"drawing_key": f"{run.drawing_key}#{name}"})})
        if name == "flaky":
            with pytest.raises(ConnectionError):
                await process(event, 1)
        else:
            assert await process(event, 1) is (Disposition.DONE if name == "ok" else Disposition.DEAD_LETTER)

    data = reader.get_metrics_data()
    durations = {attributes["outcome"]: point for attributes, point in points(data, "nocomelon.stage.duration")}
    assert set(durations) == {"done", "failed", "retry"}
    assert all(point.count == 1 and point.sum >= 0 for point in durations.values())
    assert [(attributes, point.value) for attributes, point in points(data, "nocomelon.stage.failures")] == [
        ({"stage": "vision", "code": "not_a_drawing"}, 1)
    ]
    assert [(attributes, point.value) for attributes, point in points(data, "nocomelon.stage.retries")] == [({"stage": "vision"}, 1)]


async def test_the_consumer_samples_its_queue_and_dead_letter_queue_depths(
    aws: AwsClients, worker_metrics: WorkerMetrics, reader: InMemoryMetricReader
) -> None:
    names = {"queue": f"depth-{uuid.uuid4().hex[:8]}", "dead_letters": f"depth-dlq-{uuid.uuid4().hex[:8]}"}
    urls = {role: (await aws.sqs.create_queue(QueueName=name))["QueueUrl"] for role, name in names.items()}
    for role, count in (("queue", 3), ("dead_letters", 1)):
        for number in range(count):
            await aws.sqs.send_message(QueueUrl=urls[role], MessageBody=f"message {number}")
    taken = await aws.sqs.receive_message(QueueUrl=urls["queue"], MaxNumberOfMessages=1, VisibilityTimeout=60)
    assert len(taken["Messages"]) == 1

    async def never(envelope: Envelope, receive_count: int) -> Disposition:
        raise AssertionError("sampling handles no message")

    consumer = QueueConsumer(
        aws.sqs,
        queue_url=urls["queue"],
        dead_letter_url=urls["dead_letters"],
        handle=never,
        visibility_timeout=30,
        wait_seconds=1,
        concurrency=1,
        metrics=worker_metrics,
    )
    await consumer.sample_depths()

    depths = {
        (attributes["queue"], attributes["state"]): point.value
        for attributes, point in points(reader.get_metrics_data(), "nocomelon.queue.depth")
    }
    assert depths == {
        (names["queue"], "visible"): 2,
        (names["queue"], "in_flight"): 1,
        (names["dead_letters"], "visible"): 1,
        (names["dead_letters"], "in_flight"): 0,
    }


def test_without_an_endpoint_a_worker_writes_its_metrics_as_json_lines_beside_its_spans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_METRICS_EXPORTER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=media-2")
    provider = configure_metrics("media", tmp_path)
    assert provider is not None and metrics.get_meter_provider() is provider
    WorkerMetrics().stage_handled(Stage.VIDEO, EventType.VIDEO_REQUESTED, 4.2, StageOutcome.DONE)
    provider.shutdown()  # exports what it holds, as a worker does on its way out

    (written,) = (tmp_path / "metrics").glob("*.jsonl")
    assert written.name == "media-media-2.jsonl"
    exported = json.loads(written.read_text().splitlines()[-1])
    (resource,) = exported["resource_metrics"]
    assert resource["resource"]["attributes"]["service.name"] == "nocomelon-media"
    (duration,) = [
        metric for scope in resource["scope_metrics"] for metric in scope["metrics"] if metric["name"] == "nocomelon.stage.duration"
    ]
    (point,) = duration["data"]["data_points"]
    assert point["attributes"] == {"stage": "video", "event_type": "video.requested", "outcome": "done"} and point["sum"] == 4.2
