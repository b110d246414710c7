"""Approve-script → video ready, through the running services, for a 5-scene story, before and after rendering ahead.

    uv run python -m bench.e2e [--drawing PATH] [--runs N]

Starts its own local AWS and the four services twice (like `make run`, on free
ports): "before" renders no page of the video until every scene is painted and
narrated (NOCOMELON_RENDER_AHEAD=false), "after" renders each page as soon as its
scene is made (the default). Runs take turns between the two, so both see the
same machine. Each takes a drawing through analysis and a 5-scene story (age 6),
then times POST /pipeline/generate until the video is ready, with the time each
stage took from the checkpoint. Ends with one line:
`e2e: <after> s for 5 scenes (before: <before> s, no page rendered before the last scene)`.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx

from devstack.stack import LocalAws, Stack, free_port
from nocomelon_cli.signin import DEMO_ACCOUNT

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "image-002.jpg"
STAGES = ("images", "voice", "video")


def until(client: httpx.Client, run_id: str, status: str) -> dict:
    while True:
        run = client.get(f"/api/v1/runs/{run_id}", params={"wait": 20}, timeout=30).json()
        if run["status"] == "failed":
            raise SystemExit(f"the run failed: {run['error']}")
        if run["status"] == status:
            return run


def seconds_between(start: str | None, end: str | None) -> float:
    if not (start and end):
        return float("nan")
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def approve_to_video(client: httpx.Client, drawing: Path) -> tuple[float, dict[str, float]]:
    run_id = client.post("/api/v1/vision/analyze", files={"drawing": (drawing.name, drawing.read_bytes(), "image/jpeg")}).json()["run_id"]
    analysis = until(client, run_id, "waiting")["drawing_analysis"]
    story = {"run_id": run_id, "drawing_analysis": analysis, "theme": "adventure", "age": 6, "voice": "cheerful", "style": "storybook"}
    client.post("/api/v1/story/generate", json=story).raise_for_status()
    script = until(client, run_id, "waiting")["story_script"]
    assert len(script["scenes"]) == 5, "age 6 gives five scenes"
    approved = {"run_id": run_id, "story": script, "drawing": analysis, "style": "storybook", "voice_type": "cheerful"}
    started = time.perf_counter()
    client.post("/api/v1/pipeline/generate", json=approved).raise_for_status()
    run = until(client, run_id, "complete")
    total = time.perf_counter() - started
    stages = {stage: seconds_between(run["stages"][stage]["started_at"], run["stages"][stage]["finished_at"]) for stage in STAGES}
    return total, stages


MODES = {"before": {"NOCOMELON_RENDER_AHEAD": "false"}, "after": {}}


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.e2e")
    parser.add_argument("--drawing", type=Path, default=SAMPLE)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    totals: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as scratch, contextlib.ExitStack() as running:
        logs = Path(scratch)
        aws = LocalAws(port=free_port(), log_path=logs / "moto.log")
        aws.start()
        running.callback(aws.stop)
        clients = {mode: running.enter_context(_client(aws, logs, mode, settings)) for mode, settings in MODES.items()}
        for attempt in range(1, arguments.runs + 1):
            for mode, client in clients.items():
                total, stages = approve_to_video(client, arguments.drawing)
                totals[mode].append(total)
                breakdown = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items())
                print(f"{mode:6} run {attempt}: {total:.1f} s approve → video ready ({breakdown})", flush=True)
    before, after = (statistics.median(totals[mode]) for mode in MODES)
    print(f"e2e: {after:.1f} s for 5 scenes (before: {before:.1f} s, no page rendered before the last scene)")


@contextlib.contextmanager
def _client(aws: LocalAws, logs: Path, mode: str, settings: dict[str, str]) -> Iterator[httpx.Client]:
    stack = Stack(
        aws_endpoint=aws.endpoint,
        gateway_port=free_port(),
        log_dir=logs / mode,
        environment=f"e2e-{mode}",
        overrides={"NOCOMELON_RECEIVE_WAIT_SECONDS": "1", **settings},
    )
    try:
        stack.provision()
        stack.start()
        headers = {"Authorization": f"Bearer {stack.access_token(DEMO_ACCOUNT)}"}
        with httpx.Client(base_url=stack.gateway_url, headers=headers, timeout=30) as client:
            yield client
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
