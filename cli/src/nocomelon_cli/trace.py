"""`nocomelon trace RUN_ID`: where a run spent its time, as a waterfall of its spans (stage, start, duration, worker).

The spans come from whichever store holds them: the JSON-lines files the services write when no OTLP endpoint is set
(`.local/traces`, or NOCOMELON_TRACE_DIR), else the trace viewer compose runs (Jaeger's query API,
NOCOMELON_TRACE_VIEWER_URL). A run is found by its `run_id` attribute; every span of the traces it appears in is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from nocomelon_cli.signin import ClientError

DEFAULT_TRACE_DIR = Path(".local/traces")
DEFAULT_VIEWER_URL = "http://127.0.0.1:16686"  # compose's Jaeger
_SERVICE_PREFIX = "nocomelon-"


@dataclass(frozen=True)
class TraceSpan:
    trace_id: str  # 32 hex digits, as W3C and Jaeger write it
    span_id: str
    parent_id: str | None
    name: str
    start: float  # seconds since the epoch
    end: float
    worker: str  # the process: its service.instance.id, else its service
    attributes: dict[str, Any] = field(default_factory=dict)
    failed: bool = False


def _hex(value: str, digits: int) -> str:
    return value.removeprefix("0x").lower().zfill(digits)


def _worker(attributes: dict[str, Any]) -> str:
    return str(attributes.get("service.instance.id") or str(attributes.get("service.name", "?")).removeprefix(_SERVICE_PREFIX))


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def from_sdk_json(record: dict[str, Any]) -> TraceSpan:
    """A span as the OpenTelemetry SDK's `ReadableSpan.to_json` writes it (shared.runtime.tracing's local store)."""
    parent = record.get("parent_id")
    return TraceSpan(
        trace_id=_hex(record["context"]["trace_id"], 32),
        span_id=_hex(record["context"]["span_id"], 16),
        parent_id=_hex(parent, 16) if parent else None,
        name=record["name"],
        start=_epoch(record["start_time"]),
        end=_epoch(record["end_time"]),
        worker=_worker(record.get("resource", {}).get("attributes", {})),
        attributes=record.get("attributes") or {},
        failed=record.get("status", {}).get("status_code") == "ERROR",
    )


def _lines(directory: Path) -> Iterator[str]:
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as file:
            yield from file


def local_spans(directory: Path, run_id: str) -> list[TraceSpan]:
    """Every span of the traces that mention the run. Two passes over the files, parsing only the lines that can match."""
    traces = {
        span.trace_id for span in _parsed(line for line in _lines(directory) if run_id in line) if span.attributes.get("run_id") == run_id
    }
    if not traces:
        return []
    wanted = {f"0x{trace_id}" for trace_id in traces}
    return [span for span in _parsed(line for line in _lines(directory) if any(key in line for key in wanted)) if span.trace_id in traces]


def _parsed(lines: Iterable[str]) -> Iterator[TraceSpan]:
    for line in lines:
        try:
            yield from_sdk_json(json.loads(line))
        except (ValueError, KeyError, TypeError):
            continue  # a line a process was still writing when it stopped


def viewer_spans(client: httpx.Client, run_id: str) -> list[TraceSpan]:
    """The run's traces from Jaeger's query API: every trace has the gateway's `run` span, tagged with the run id."""
    response = client.get(
        "/api/traces",
        params={"service": f"{_SERVICE_PREFIX}gateway", "tags": json.dumps({"run_id": run_id}), "lookback": "7d", "limit": 20},
    )
    response.raise_for_status()
    spans = []
    for trace in response.json().get("data") or []:
        processes = trace.get("processes", {})
        for span in trace.get("spans", []):
            process = processes.get(span.get("processID"), {})
            resource = {tag["key"]: tag["value"] for tag in process.get("tags", [])} | {"service.name": process.get("serviceName", "?")}
            tags = {tag["key"]: tag["value"] for tag in span.get("tags", [])}
            parent = next((ref["spanID"] for ref in span.get("references", []) if ref.get("refType") == "CHILD_OF"), None)
            start = span["startTime"] / 1e6  # microseconds
            spans.append(
                TraceSpan(
                    trace_id=_hex(span["traceID"], 32),
                    span_id=_hex(span["spanID"], 16),
                    parent_id=_hex(parent, 16) if parent else None,
                    name=span["operationName"],
                    start=start,
                    end=start + span["duration"] / 1e6,
                    worker=_worker(resource),
                    attributes=tags,
                    failed=tags.get("otel.status_code") == "ERROR" or tags.get("error") is True,
                )
            )
    return spans


def waterfall(spans: list[TraceSpan]) -> list[str]:
    """One line per span, children under their parent in the order they started; a trace per block, earliest first."""
    by_trace: dict[str, list[TraceSpan]] = {}
    for span in spans:
        by_trace.setdefault(span.trace_id, []).append(span)
    lines: list[str] = []
    for trace_id, members in sorted(by_trace.items(), key=lambda item: min(span.start for span in item[1])):
        known = {span.span_id for span in members}
        children: dict[str | None, list[TraceSpan]] = {}
        for span in members:
            # A parent not in the store (a process that had not written it yet) leaves its children at the top.
            children.setdefault(span.parent_id if span.parent_id in known else None, []).append(span)
        origin = min(span.start for span in members)
        lines.append(f"trace {trace_id}")
        lines.append(f"{'start s':>8} {'took s':>7}  {'stage':<7} {'worker':<10} span")
        lines.extend(_rows(children, None, depth=0, stage="-", origin=origin))
        workers = sorted({span.worker for span in members})
        took = max(span.end for span in members) - origin
        lines.append(f"{len(members)} spans from {len(workers)} workers ({', '.join(workers)}), {took:.1f} s first to last")
    return lines


def _rows(children: dict[str | None, list[TraceSpan]], parent: str | None, *, depth: int, stage: str, origin: float) -> Iterator[str]:
    """The parent's children and theirs, depth first; a span without a stage of its own is in its parent's."""
    for span in sorted(children.get(parent, []), key=lambda span: span.start):
        own = str(span.attributes.get("stage") or stage)
        detail = f" scene {span.attributes['scene']}" if "scene" in span.attributes else ""
        failed = "  ✗ failed" if span.failed else ""
        indented = f"{'  ' * depth}{span.name}{detail}{failed}"
        yield f"{span.start - origin:8.3f} {span.end - span.start:7.3f}  {own:<7} {span.worker:<10} {indented}"
        yield from _rows(children, span.span_id, depth=depth + 1, stage=own, origin=origin)


def add_trace_command(commands: Any) -> argparse.ArgumentParser:  # noqa: ANN401 - argparse's private subparsers action
    trace = commands.add_parser("trace", help="where a run spent its time: its spans as a waterfall")
    trace.add_argument("run_id", help="the run's id (the CLI prints it when a run starts)")
    trace.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("NOCOMELON_TRACE_DIR", DEFAULT_TRACE_DIR)),
        help="where the services write spans without an OTLP endpoint (default: .local/traces)",
    )
    trace.add_argument(
        "--viewer",
        default=os.environ.get("NOCOMELON_TRACE_VIEWER_URL", DEFAULT_VIEWER_URL),
        help="the trace viewer to ask when the files do not hold the run (default: compose's Jaeger at " + DEFAULT_VIEWER_URL + ")",
    )
    return trace


def trace_command(arguments: argparse.Namespace, transport: httpx.BaseTransport | None = None) -> int:
    try:
        run_id = str(uuid.UUID(arguments.run_id))
    except ValueError:
        raise ClientError(f"{arguments.run_id!r} is not a run id: it looks like 3f2a9c4e-1b7d-4c55-9a0e-6d2f8b1c0a77.") from None
    spans = local_spans(arguments.dir, run_id) if arguments.dir.is_dir() else []
    if not spans:
        try:
            with httpx.Client(base_url=arguments.viewer, timeout=10, transport=transport) as client:
                spans = viewer_spans(client, run_id)
        except httpx.HTTPError as error:
            raise ClientError(
                f"No spans of run {run_id} in {arguments.dir}, and the trace viewer at {arguments.viewer} did not answer ({error})."
            ) from None
    if not spans:
        raise ClientError(f"No spans of run {run_id} in {arguments.dir} or at {arguments.viewer}: is it a run of this stack?")
    print(f"run {run_id}")
    for line in waterfall(spans):
        print(line)
    return 0
