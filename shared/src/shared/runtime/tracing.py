"""Traces: one per run, from the gateway through vision, story and media, in whichever store is configured.

The gateway starts a run's trace and keeps its context on the checkpoint (`trace_parent`), so a decision the parent
takes minutes later joins the same trace. Every event published carries the current context in a `traceparent`
message attribute (W3C Trace Context), and a worker handles the message inside a span that continues it. Spans take
the log context (run_id, event_type) as attributes, and log lines take the span's trace_id, so a trace and a log
line lead to each other.

Where spans go: over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set (compose's collector,
the ADOT sidecar to X-Ray on AWS); otherwise a JSON line per span in a file per process under the trace directory
(`NOCOMELON_TRACE_DIR`, `.local/traces` by default), which `nocomelon trace RUN_ID` reads. `OTEL_TRACES_EXPORTER=none`
keeps them nowhere.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from collections.abc import Generator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_INSTANCE_ID, SERVICE_NAME, OTELResourceDetector, Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import Span as ApiSpan
from opentelemetry.trace import Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from shared.runtime.logging import current_log_context

DEFAULT_TRACE_DIR = Path(".local/traces")
TRACE_HEADER = "traceparent"
_propagator = TraceContextTextMapPropagator()
tracer = trace.get_tracer("nocomelon")


class JsonLinesSpanExporter(SpanExporter):
    """A span per line in one file per process: the local store, read by `nocomelon trace`.

    Past `max_bytes` the file becomes `<name>.previous.jsonl` (replacing the one before) and a new one starts, so a
    stack left running keeps about the last two files' worth of traces, and `nocomelon trace` still reads both."""

    def __init__(self, path: Path, max_bytes: int = 32 * 2**20) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._previous = path.with_suffix(".previous.jsonl")
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(span.to_json(indent=None) + "\n" for span in spans)
        with self._lock:
            if self._path.exists() and self._path.stat().st_size >= self._max_bytes:
                self._path.replace(self._previous)
            with self._path.open("a", encoding="utf-8") as file:
                file.write(lines)
        return SpanExportResult.SUCCESS


class TimestampedTraceIds(RandomIdGenerator):
    """Trace ids whose first 32 bits are the trace's start in Unix seconds, the rest random: X-Ray reads a trace's
    time from them and refuses ids it cannot date; to every other store they are ordinary W3C ids."""

    def generate_trace_id(self) -> int:
        return (int(time.time()) << 96) | random.getrandbits(96)


class LogContextAttributes(SpanProcessor):
    """Every span gets the log context it starts in (run_id, event_id, event_type): found by run id in any store."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        span.set_attributes(current_log_context())


def process_resource(service: str) -> Resource:
    """What this process's spans and metrics say they come from. `service.instance.id` names the worker
    (OTEL_RESOURCE_ATTRIBUTES), else host-pid."""
    # The SDK would name an unnamed instance with a random UUID; host-pid says which process it was.
    named = OTELResourceDetector().detect().attributes.get(SERVICE_INSTANCE_ID)
    instance = str(named or f"{socket.gethostname()}-{os.getpid()}")
    return Resource.create({SERVICE_NAME: f"nocomelon-{service}", SERVICE_INSTANCE_ID: instance})


def chosen_exporter(signal: Literal["traces", "metrics"]) -> Literal["none", "otlp", "local"]:
    """Where a signal goes: `OTEL_<SIGNAL>_EXPORTER=none` or `=otlp` says so; otherwise over OTLP when an endpoint is
    set (the collector's), else to the local files."""
    named = os.environ.get(f"OTEL_{signal.upper()}_EXPORTER", "")
    if named == "none" or named == "otlp":
        return named
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT")
    return "otlp" if endpoint else "local"


def configure_tracing(service: str, trace_dir: Path = DEFAULT_TRACE_DIR) -> TracerProvider:
    """Once per process, after logging."""
    resource = process_resource(service)
    instance = resource.attributes[SERVICE_INSTANCE_ID]
    provider = TracerProvider(resource=resource, id_generator=TimestampedTraceIds())
    provider.add_span_processor(LogContextAttributes())
    exporter = chosen_exporter("traces")
    if exporter == "none":
        pass
    elif exporter == "otlp":
        # Imported here: the OTLP exporter brings protobuf and requests, which a process writing files never needs.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        # Written as each span ends (a line to a local file), so a run's trace is whole the moment the run is.
        provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(trace_dir / f"{service}-{instance}.jsonl")))
    trace.set_tracer_provider(provider)
    return provider


def shutdown_tracing() -> None:
    """Exports what a batch still holds; a process calls it on its way out."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()


def trace_parent() -> str | None:
    """The current span's context as a W3C traceparent, to keep on a checkpoint; None outside a recording span."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get(TRACE_HEADER)


def context_of(traceparent: str | None) -> Context:
    """The context a traceparent names; an empty one (a new trace) for None or a malformed value."""
    return _propagator.extract({TRACE_HEADER: traceparent} if traceparent else {}, context=Context())


def message_attributes() -> dict[str, dict[str, str]]:
    """The current context as SNS/SQS message attributes; none outside a span."""
    parent = trace_parent()
    return {TRACE_HEADER: {"DataType": "String", "StringValue": parent}} if parent else {}


def context_from_message(attributes: Mapping[str, Mapping[str, Any]]) -> Context:
    """The context an SQS message's attributes carry (raw delivery passes the publisher's on)."""
    value = attributes.get(TRACE_HEADER, {}).get("StringValue")
    return context_of(value if isinstance(value, str) else None)


@contextmanager
def continued(traceparent: str | None) -> Generator[None]:
    """Runs the block in the context a checkpoint kept, when there is no span already (a sweep, a later decision)."""
    if trace.get_current_span().get_span_context().is_valid or not traceparent:
        yield
        return
    token = otel_context.attach(context_of(traceparent))
    try:
        yield
    finally:
        otel_context.detach(token)


def mark_failed(span: ApiSpan, error: BaseException) -> None:
    span.record_exception(error)
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
