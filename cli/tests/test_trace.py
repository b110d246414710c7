"""`nocomelon trace RUN_ID` reads the spans the services write (shared.runtime.tracing's files) or Jaeger's query API."""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from nocomelon_cli.__main__ import main
from nocomelon_cli.trace import trace_command
from shared.runtime.tracing import JsonLinesSpanExporter

RUN = "3f2a9c4e-1b7d-4c55-9a0e-6d2f8b1c0a77"


def _process(directory: Path, service: str, instance: str) -> TracerProvider:
    """A service process's tracer, writing its file as the services do."""
    provider = TracerProvider(resource=Resource({"service.name": f"nocomelon-{service}", "service.instance.id": instance}))
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesSpanExporter(directory / f"{service}-{instance}.jsonl")))
    return provider


def _a_run_across_two_processes(directory: Path, run_id: str) -> None:
    gateway, media = _process(directory, "gateway", "gateway"), _process(directory, "media", "media-2")
    carrier: dict[str, str] = {}
    with gateway.get_tracer("t").start_as_current_span("run", kind=SpanKind.SERVER, attributes={"run_id": run_id}):
        with gateway.get_tracer("t").start_as_current_span("publish video.requested"):
            TraceContextTextMapPropagator().inject(carrier)
    context = TraceContextTextMapPropagator().extract(carrier)
    tracer = media.get_tracer("t")
    with tracer.start_as_current_span("video.requested", context=context, attributes={"run_id": run_id, "stage": "video"}):
        with tracer.start_as_current_span("narrate", attributes={"scene": 2}):
            pass
        with tracer.start_as_current_span("render") as render:
            render.set_status(Status(StatusCode.ERROR, "EncodeFailed"))


def test_the_waterfall_follows_the_run_across_processes_with_each_span_under_its_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _a_run_across_two_processes(tmp_path, RUN)
    _a_run_across_two_processes(tmp_path, str(uuid.uuid4()))  # another run's trace, not shown

    assert main(["trace", RUN, "--dir", str(tmp_path), "--viewer", "http://127.0.0.1:9"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"run {RUN}"
    assert lines[1].startswith("trace ") and len(lines[1].split()[1]) == 32
    name_at = lines[2].index("span")  # the names are indented under their parents from the header's column
    rows = [[*line[:name_at].split(), line[name_at:]] for line in lines[3:-1]]
    assert [(stage, worker, name) for _, _, stage, worker, name in rows] == [
        ("-", "gateway", "run"),
        ("-", "gateway", "  publish video.requested"),
        ("video", "media-2", "    video.requested"),
        ("video", "media-2", "      narrate scene 2"),
        ("video", "media-2", "      render  ✗ failed"),
    ]
    starts = [float(start) for start, *_ in rows]
    assert starts[0] == 0 and starts == sorted(starts)
    assert lines[-1].startswith("5 spans from 2 workers (gateway, media-2)")


def test_a_run_whose_spans_straddle_a_rotated_file_is_shown_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _a_run_across_two_processes(tmp_path, RUN)
    media = tmp_path / "media-media-2.jsonl"
    media.replace(tmp_path / "media-media-2.previous.jsonl")  # as the exporter does past its size limit

    assert main(["trace", RUN, "--dir", str(tmp_path), "--viewer", "http://127.0.0.1:9"]) == 0

    assert capsys.readouterr().out.splitlines()[-1].startswith("5 spans from 2 workers")


def test_a_run_the_files_do_not_hold_is_asked_of_the_trace_viewer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[httpx.Request] = []

    def jaeger(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        tag = {"key": "run_id", "type": "string", "value": RUN}
        spans = [
            {"traceID": "ab" * 16, "spanID": "01" * 8, "operationName": "run", "references": [], "startTime": 1_000_000, "duration": 9_000_000,
             "tags": [tag], "processID": "p1"},
            {"traceID": "ab" * 16, "spanID": "02" * 8, "operationName": "drawing.submitted", "startTime": 1_500_000, "duration": 2_000_000,
             "references": [{"refType": "CHILD_OF", "traceID": "ab" * 16, "spanID": "01" * 8}],
             "tags": [tag, {"key": "stage", "type": "string", "value": "vision"}, {"key": "otel.status_code", "type": "string", "value": "ERROR"}],
             "processID": "p2"},
        ]  # fmt: skip
        processes = {
            "p1": {"serviceName": "nocomelon-gateway", "tags": []},
            "p2": {"serviceName": "nocomelon-vision", "tags": [{"key": "service.instance.id", "type": "string", "value": "vision-7"}]},
        }
        return httpx.Response(
            200, json={"data": [{"traceID": "ab" * 16, "spans": spans, "processes": processes}], "total": 0, "errors": None}
        )

    arguments = argparse.Namespace(run_id=RUN, dir=tmp_path / "none", viewer="http://jaeger.test")
    assert trace_command(arguments, transport=httpx.MockTransport(jaeger)) == 0

    assert asked[0].url.path == "/api/traces"
    assert asked[0].url.params["service"] == "nocomelon-gateway" and json.loads(asked[0].url.params["tags"]) == {"run_id": RUN}
    lines = capsys.readouterr().out.splitlines()
    assert lines[3].split() == ["0.000", "9.000", "-", "gateway", "run"]
    assert lines[4].split() == ["0.500", "2.000", "vision", "vision-7", "drawing.submitted", "✗", "failed"]


def test_a_run_no_store_holds_is_said_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    arguments = argparse.Namespace(run_id=RUN, dir=tmp_path, viewer="http://127.0.0.1:9")
    with pytest.raises(Exception, match=f"No spans of run {RUN} in {tmp_path}, and the trace viewer at http://127.0.0.1:9 did not answer"):
        trace_command(arguments, transport=httpx.MockTransport(refused))
    assert main(["trace", "not-a-run", "--dir", str(tmp_path)]) == 1
    assert "'not-a-run' is not a run id" in capsys.readouterr().err
