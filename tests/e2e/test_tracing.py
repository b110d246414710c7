"""One trace per run, across the four processes: the gateway's, vision's, story's and media's spans share its trace id."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime

from devstack.stack import Stack
from nocomelon_cli.trace import TraceSpan, local_spans
from tests.e2e.system import Parent
from tests.e2e.test_one_shot_run import cli, make_with_cli
from tests.paths import ARTEFACTS, sample


def _whole_trace(stack: Stack, run_id: str, timeout: float = 15) -> list[TraceSpan]:
    """The run's spans once media's last one (the video event's, ended after its message is deleted) is written."""
    deadline = time.monotonic() + timeout
    while True:
        spans = local_spans(stack.traces, run_id)
        if any(span.name == "video.requested" for span in spans) or time.monotonic() > deadline:
            return spans
        time.sleep(0.5)


def test_a_run_is_one_trace_from_the_gateway_through_vision_story_and_media(stack: Stack, parent: Parent) -> None:
    began = time.time()
    made = make_with_cli(stack, sample("image-001.png"), ARTEFACTS / "storybook-traced.mp4")
    assert made.returncode == 0, made.stderr
    started = re.search(r"run (\S+) started", made.stderr)
    assert started, made.stderr
    run_id = started.group(1)

    spans = _whole_trace(stack, run_id)

    assert len({span.trace_id for span in spans}) == 1, "the run's events all carried the trace the gateway started"
    assert {"gateway", "vision", "story", "media"} <= {span.worker for span in spans}
    (root,) = [span for span in spans if span.parent_id is None]
    assert (root.name, root.worker) == ("POST /api/v1/runs", "gateway")  # the parent's request, FastAPI's span
    assert abs(int(root.trace_id[:8], 16) - root.start) < 2, "the trace id starts with its time, as X-Ray requires"
    (started_here,) = [span for span in spans if span.name == "run"]
    assert (started_here.worker, started_here.attributes["run_id"]) == ("gateway", run_id)
    by_id = {span.span_id: span for span in spans}
    assert all(span.parent_id in by_id for span in spans if span is not root), "every span hangs from another of the run's"
    names = {span.name for span in spans}
    assert {"analyse", "write", "illustrate", "narrate", "render page", "assemble", "s3 put", "s3 get"} <= names
    for stage, name in [
        ("vision", "analyse"),
        ("story", "write"),
        ("images", "illustrate"),
        ("voice", "narrate"),
        ("video", "render page"),
        ("video", "assemble"),
    ]:
        work = next(span for span in spans if span.name == name)
        handler = by_id[work.parent_id] if work.parent_id else work
        assert handler.attributes.get("stage") == stage and handler.attributes["run_id"] == run_id, (name, handler)
    scenes = {span.attributes["scene"] for span in spans if span.name == "illustrate"}
    assert scenes == {span.attributes["scene"] for span in spans if span.name == "narrate"} and len(scenes) >= 3

    # The CLI polled the run all along; reads make no trace of their own (gateway.app.untraced).
    written = [json.loads(line) for path in stack.traces.glob("gateway-*.jsonl") for line in path.read_text().splitlines()]
    gateway_spans = [span for span in written if datetime.fromisoformat(span["start_time"]).timestamp() >= began]
    assert gateway_spans and not [span["name"] for span in gateway_spans if span["name"].startswith(("GET ", "HEAD "))]

    shown = cli(stack, "trace", run_id, "--dir", str(stack.traces))
    assert shown.returncode == 0, shown.stderr
    (ARTEFACTS / "storybook-traced.trace.txt").write_text(shown.stdout)  # the waterfall, to read beside the video
    lines = shown.stdout.splitlines()
    assert lines[0] == f"run {run_id}" and lines[1] == f"trace {root.trace_id}"
    assert re.match(r"\s+0\.000\s+\d+\.\d{3}\s+-\s+gateway\s+POST /api/v1/runs$", lines[3]), lines[3]
    assert any(re.search(r"\svideo\s+media\s+\s*render page scene 1$", line) for line in lines), shown.stdout
    assert any(re.search(r"\svideo\s+media\s+\s*assemble$", line) for line in lines), shown.stdout
    assert lines[-1].startswith(f"{len(spans)} spans from ")
