"""Metrics of a worker: how long each stage takes, how often it fails or is tried again, how deep its queues are.

Instruments (all with the stage, or the queue, as an attribute):
- `nocomelon.stage.duration` (s, histogram): a handler's time, by stage, event type and outcome (done, failed, retry);
- `nocomelon.stage.failures`: stages that failed for good (the run shows the error), by stage and code;
- `nocomelon.stage.retries`: handler errors that leave the message to come back, by stage;
- `nocomelon.queue.depth` (gauge): messages waiting (`visible`) and taken (`in_flight`) in the worker's queue and its
  dead-letter queue, as last sampled by the consumer.

Where they go: over OTLP when an endpoint is set, like the spans (compose's collector; the ADOT sidecar to CloudWatch
on AWS, where autoscaling reads SQS's own metrics); otherwise every export interval a JSON line per process in
`metrics/` under the trace directory. `OTEL_METRICS_EXPORTER=none` keeps them nowhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, MetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_INSTANCE_ID

from shared.domain.events import EventType, Stage
from shared.runtime.tracing import chosen_exporter, process_resource

# A minute, as CloudWatch resolves custom metrics; OTEL_METRIC_EXPORT_INTERVAL (ms) says otherwise.
DEFAULT_EXPORT_INTERVAL_MS = 60_000


class StageOutcome(StrEnum):
    DONE = "done"
    FAILED = "failed"  # for good: the run is failed and the message dead-lettered
    RETRY = "retry"  # the message comes back after its visibility timeout


class WorkerMetrics:
    """The instruments one worker records; a meter of the process's provider unless one is given (a test's)."""

    def __init__(self, meter: Meter | None = None) -> None:
        meter = meter or metrics.get_meter("nocomelon")
        self._duration = meter.create_histogram("nocomelon.stage.duration", unit="s", description="How long a stage's handler took.")
        self._failures = meter.create_counter("nocomelon.stage.failures", description="Stages that failed for good, by code.")
        self._retries = meter.create_counter("nocomelon.stage.retries", description="Handler errors whose message will come back.")
        self._depths: dict[tuple[str, str], int] = {}
        meter.create_observable_gauge(
            "nocomelon.queue.depth", callbacks=[self._observe_depths], unit="{message}", description="Messages in a queue, by state."
        )

    def stage_handled(self, stage: Stage, event_type: EventType, seconds: float, outcome: StageOutcome, code: str | None = None) -> None:
        self._duration.record(seconds, {"stage": stage.value, "event_type": event_type.value, "outcome": outcome.value})
        if outcome is StageOutcome.FAILED:
            self._failures.add(1, {"stage": stage.value, "code": code or "internal_error"})
        elif outcome is StageOutcome.RETRY:
            self._retries.add(1, {"stage": stage.value})

    def queue_sampled(self, queue: str, *, visible: int, in_flight: int) -> None:
        self._depths[(queue, "visible")] = visible
        self._depths[(queue, "in_flight")] = in_flight

    def _observe_depths(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(count, {"queue": queue, "state": state}) for (queue, state), count in self._depths.items()]


def configure_metrics(service: str, trace_dir: Path) -> MeterProvider | None:
    """Once per worker process, beside configure_tracing; None when metrics are switched off."""
    chosen = chosen_exporter("metrics")
    if chosen == "none":
        return None
    resource = process_resource(service)
    exporter: MetricExporter
    if chosen == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter  # see configure_tracing

        exporter = OTLPMetricExporter()
    else:
        path = trace_dir / "metrics" / f"{service}-{resource.attributes[SERVICE_INSTANCE_ID]}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Line-buffered: each export is one whole line the moment it is written.
        exporter = ConsoleMetricExporter(
            out=path.open("a", encoding="utf-8", buffering=1), formatter=lambda data: data.to_json(indent=None) + "\n"
        )
    interval = float(os.environ.get("OTEL_METRIC_EXPORT_INTERVAL", DEFAULT_EXPORT_INTERVAL_MS))
    provider = MeterProvider(resource=resource, metric_readers=[PeriodicExportingMetricReader(exporter, export_interval_millis=interval)])
    metrics.set_meter_provider(provider)
    return provider


def shutdown_metrics(provider: MeterProvider | None) -> None:
    """Exports what was recorded since the last interval; a worker calls it on its way out."""
    if provider is not None:
        provider.shutdown()
