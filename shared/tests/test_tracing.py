"""A run's trace context travels with its events: through the topic and a queue (moto), into the worker's span and its log lines."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.sns_sqs import QueueConsumer, SnsEventPublisher
from shared.domain.events import DrawingSubmitted, Envelope, EventType, RunMode
from shared.domain.ports import Disposition
from shared.runtime.logging import JsonFormatter
from shared.runtime.tracing import (
    JsonLinesSpanExporter,
    LogContextAttributes,
    TimestampedTraceIds,
    chosen_exporter,
    continued,
    trace_parent,
    tracer,
)

_exporter = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def recorded() -> None:
    """The process's tracer provider, as configure_tracing makes it, keeping spans in memory (set once per process)."""
    provider = TracerProvider()
    provider.add_span_processor(LogContextAttributes())
    provider.add_span_processor(SimpleSpanProcessor(_exporter))
    trace.set_tracer_provider(provider)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    _exporter.clear()
    yield _exporter


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter("vision"))
    logger = logging.getLogger("worker-under-test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)


def _named(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    return next(span for span in spans if span.name == name)


async def test_the_consumers_span_continues_the_publishers_trace_and_its_log_lines_carry_the_trace_id(
    aws: AwsClients, settings: GatewaySettings, stack_outputs, spans: InMemorySpanExporter, log_lines: io.StringIO
) -> None:
    run_id = str(uuid.uuid4())
    published = Envelope.new(
        DrawingSubmitted(drawing_key="u/drawings/r.png", media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id=run_id,
        user_id="u",
        mode=RunMode.ONE_SHOT,
    )
    with tracer.start_as_current_span("run", attributes={"run_id": run_id}):
        await SnsEventPublisher(aws.sns, settings.topic_arn).publish(published)
    handled = asyncio.Event()

    async def handle(envelope: Envelope, receive_count: int) -> Disposition:
        if envelope.id == published.id:
            logging.getLogger("worker-under-test").info("painting")
            handled.set()
        return Disposition.DONE

    consumer = QueueConsumer(
        aws.sqs,
        queue_url=stack_outputs.queue_urls["vision"],
        dead_letter_url="unused",
        handle=handle,
        visibility_timeout=30,
        wait_seconds=1,
        concurrency=1,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    async with asyncio.timeout(20):
        await handled.wait()
    stop.set()
    await task

    finished = spans.get_finished_spans()
    root, publish = _named(finished, "run"), _named(finished, "publish drawing.submitted")
    received = next(
        span for span in finished if span.name == "drawing.submitted" and span.attributes and span.attributes["run_id"] == run_id
    )
    assert received.kind is SpanKind.CONSUMER and publish.kind is SpanKind.PRODUCER
    assert root.context is not None and publish.context is not None and received.context is not None
    assert received.context.trace_id == publish.context.trace_id == root.context.trace_id
    assert received.parent is not None and received.parent.span_id == publish.context.span_id
    assert received.attributes is not None
    assert received.attributes["event_id"] == published.id and received.attributes["disposition"] == "done"
    line = json.loads(log_lines.getvalue().splitlines()[0])
    assert line["run_id"] == run_id and line["trace_id"] == format(root.context.trace_id, "032x")


def test_a_decision_taken_later_joins_the_trace_the_checkpoint_kept(spans: InMemorySpanExporter) -> None:
    with tracer.start_as_current_span("run"):
        kept = trace_parent()
    assert kept is not None
    with continued(kept), tracer.start_as_current_span("parent asked for story.requested"):
        pass
    with continued("00-not-a-traceparent"), tracer.start_as_current_span("a sweep with a broken context"):
        pass
    root, later, broken = spans.get_finished_spans()
    assert root.context is not None and later.context is not None and broken.context is not None
    assert later.context.trace_id == root.context.trace_id and later.parent is not None
    assert broken.context.trace_id != root.context.trace_id and broken.parent is None


def test_a_trace_id_starts_with_its_time_in_seconds_as_x_ray_requires() -> None:
    before = int(time.time())
    ids = {TimestampedTraceIds().generate_trace_id() for _ in range(100)}
    after = int(time.time())
    assert len(ids) == 100 and all(before <= trace_id >> 96 <= after for trace_id in ids)
    assert all(0 < trace_id < 2**128 for trace_id in ids)


def test_the_local_span_file_keeps_about_the_last_two_files_worth(tmp_path: Path) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(tmp_path / "media-1.jsonl", max_bytes=4_000)))
    for number in range(60):
        with provider.get_tracer("test").start_as_current_span(f"span {number}", attributes={"run_id": f"run-{number}"}):
            pass
    provider.shutdown()

    assert sorted(path.name for path in tmp_path.iterdir()) == ["media-1.jsonl", "media-1.previous.jsonl"]
    assert all(path.stat().st_size < 4_000 + 2_000 for path in tmp_path.iterdir())  # a file ends on the span that passed the limit
    kept = [
        int(json.loads(line)["name"].split()[1])
        for name in ("media-1.previous.jsonl", "media-1.jsonl")
        for line in (tmp_path / name).read_text().splitlines()
    ]
    assert kept == list(range(kept[0], 60)) and kept[0] > 0  # the newest, in order; the oldest went with the file before


@pytest.mark.parametrize(
    ("environment", "traces", "metrics"),
    [
        ({}, "local", "local"),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "otlp", "otlp"),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, "otlp", "local"),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_METRICS_EXPORTER": "none"}, "otlp", "none"),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, "otlp", "local"),
    ],
)
def test_each_signal_goes_where_the_standard_variables_say(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], traces: str, metrics: str
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
                 "OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert (chosen_exporter("traces"), chosen_exporter("metrics")) == (traces, metrics)
