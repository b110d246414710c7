"""Many parents at once: storybooks per minute and approval-to-video with W media workers, offline and on the cloud
fakes, and what the gateway answers meanwhile.

    uv run python -m bench.load [--runs 20] [--workers 1 2 4] [--modes offline cloud]

One local AWS for everything; for each mode and each W a stack of its own (its own topic, queues and tables): the
gateway, vision, story and W media workers. R one-shot runs of the five sample drawings are sent at once through the
gateway (one parent, whose budget is raised to R). `offline` uses the offline providers (CPU work: this machine's two
cores are the limit); `cloud` uses Bedrock and Polly on the generative fake answering about as slowly as the real
services (devstack/generative_fake: REALISTIC_LATENCY_SECONDS), so most of the work is waiting.

It checks every run completed exactly once (each run's events counted by id on a queue subscribed to the topic, one
video each in S3) and prints, per W, storybooks per minute and p50/p95 approval-to-video (the pipeline's start to
the video, from the checkpoint). While the largest W's load runs it holds 100 progress streams open
(`GET /runs/{id}/events`), times `GET /health` and `GET /runs/{id}`, and asks for one run past the parent's budget
(it must be 429). It ends with:

    load: <n> runs, 0 lost, 0 duplicated, <x>x throughput at 4 workers vs 1 (cloud fakes), <y>x (offline)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import boto3
import httpx

from devstack.stack import GenerativeFake, LocalAws, Stack, free_port, wait_for_http
from nocomelon_cli.signin import DEMO_ACCOUNT
from shared.topology import topology
from tests.e2e.system import distinct_events, one_shot_events, spying_on

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "shared" / "samples").glob("image-*"))
CLOUD = {
    "NOCOMELON_VISION_PROVIDER": "bedrock",
    "NOCOMELON_STORY_PROVIDER": "bedrock",
    "NOCOMELON_ILLUSTRATION_PROVIDER": "bedrock",
    "NOCOMELON_VOICE_PROVIDER": "polly",
}
STREAMS = 100
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg"}


@dataclass
class Gateway:
    """What the gateway answered while the load ran."""

    health_ms: list[float] = field(default_factory=list[float])
    run_ms: list[float] = field(default_factory=list[float])
    table_ms: list[float] = field(default_factory=list[float])  # the same run read from the table itself, for scale
    past_budget: int | None = None  # the status of one run more than the parent's budget
    streams_open: int = 0


@dataclass(frozen=True)
class Load:
    mode: str
    workers: int
    runs: int
    lost: int
    duplicated: Counter[str]  # by what was duplicated: an event's type, or "video"
    per_minute: float
    approval_to_video: list[float]
    gateway: Gateway | None


def p(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def seconds_between(start: str | None, end: str | None) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() if start and end else float("nan")


@contextmanager
def stack_with(aws: LocalAws, logs: Path, mode: str, workers: int, runs: int, cloud_endpoint: str | None) -> Iterator[Stack]:
    stack = Stack(
        aws_endpoint=aws.endpoint,
        gateway_port=free_port(),
        log_dir=logs / f"{mode}-{workers}",
        environment=f"load-{mode}-{workers}",
        overrides={"NOCOMELON_RECEIVE_WAIT_SECONDS": "1", "NOCOMELON_MAX_RUNNING_RUNS": str(runs), **(CLOUD if cloud_endpoint else {})},
        cloud_endpoint=cloud_endpoint,
    )
    stack.provision()
    try:
        stack.start_service("gateway")
        for service in ("vision", "story"):
            stack.start_service(service)
        for worker in range(1, workers + 1):
            stack.start_service("media", name=f"media-{worker}")
        wait_for_http(f"{stack.gateway_url}/health", timeout=60, process=stack.processes["gateway"])
        wait_for_consumers(stack, ["vision", "story", *(f"media-{worker}" for worker in range(1, workers + 1))])
        yield stack
    finally:
        stack.stop()


def wait_for_consumers(stack: Stack, names: list[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for name in names:
        log = stack.log_dir / f"{name}.log"
        while not (log.exists() and '"consumer started"' in log.read_text()):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name} never started consuming: see {log}")
            time.sleep(0.2)


async def start_run(client: httpx.AsyncClient, drawing: Path) -> httpx.Response:
    files = {"drawing": (drawing.name, drawing.read_bytes(), MEDIA_TYPES[drawing.suffix])}
    return await client.post("/api/v1/runs", files=files, data={"age": "6"})


async def until_ended(client: httpx.AsyncClient, run_id: str) -> dict:
    while True:
        try:
            run = (await client.get(f"/api/v1/runs/{run_id}", params={"wait": 20}, timeout=40)).json()
        except httpx.TimeoutException:
            continue  # a gateway slow to answer is measured by the probe, not a reason to stop following
        if run["status"] in ("complete", "failed"):
            return run


async def hold_stream(client: httpx.AsyncClient, run_id: str, seen: Gateway) -> None:
    async with client.stream("GET", f"/api/v1/runs/{run_id}/events", timeout=None) as stream:
        seen.streams_open += 1
        try:
            async for _ in stream.aiter_lines():
                pass
        finally:
            seen.streams_open -= 1


async def probe(stack: Stack, token: str, client: httpx.AsyncClient, run_ids: list[str], seen: Gateway, done: asyncio.Event) -> None:
    """/health, a run, and the same run straight from the table, timed every 100 ms while the load runs; kept only
    while every stream is open. The table's own time says how much of the gateway's is the local DynamoDB's."""
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    table, user_id = topology(stack.environment).checkpoints.name, json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["sub"]
    turn = 0
    while not done.is_set():
        run_id = run_ids[turn % len(run_ids)]
        for path, times in (("/health", seen.health_ms), (f"/api/v1/runs/{run_id}", seen.run_ms)):
            began = time.perf_counter()
            response = await client.get(path)
            took = (time.perf_counter() - began) * 1000
            if response.status_code == 200 and seen.streams_open >= STREAMS:
                times.append(took)
        began = time.perf_counter()
        key = {"user_id": {"S": user_id}, "run_id": {"S": run_id}}
        await asyncio.to_thread(dynamodb.get_item, TableName=table, Key=key)
        if seen.streams_open >= STREAMS:
            seen.table_ms.append((time.perf_counter() - began) * 1000)
        turn += 1
        await asyncio.sleep(0.1)


async def send_load(stack: Stack, runs: int, watch: bool) -> tuple[list[dict], float, Gateway | None]:
    token = stack.access_token(DEMO_ACCOUNT)
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=STREAMS + runs + 10)
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=60, limits=limits) as client:
        began = time.monotonic()
        started = await asyncio.gather(*(start_run(client, SAMPLES[n % len(SAMPLES)]) for n in range(runs)))
        if refused := [response.text for response in started if response.status_code != 202]:
            raise SystemExit(f"runs refused: {refused[:3]}")
        run_ids = [response.json()["run_id"] for response in started]
        seen, watching = (Gateway(), []) if watch else (None, [])
        done = asyncio.Event()
        if seen is not None:
            seen.past_budget = (await start_run(client, SAMPLES[0])).status_code
            watching = [asyncio.create_task(hold_stream(client, run_ids[n % runs], seen)) for n in range(STREAMS)]
            watching.append(asyncio.create_task(probe(stack, token, client, run_ids, seen, done)))
        ended = await asyncio.gather(*(until_ended(client, run_id) for run_id in run_ids))
        took = time.monotonic() - began
        done.set()
        await asyncio.gather(*watching, return_exceptions=True)
    return ended, took, seen


def measure(stack: Stack, mode: str, workers: int, runs: int, watch: bool) -> Load:
    with spying_on(stack) as spy:
        ended, took, seen = asyncio.run(send_load(stack, runs, watch))
        time.sleep(3)  # time for any duplicate follow-up to appear
        complete = [run for run in ended if run["status"] == "complete"]
        duplicated: Counter[str] = Counter()
        for run in complete:
            events = spy.of(run["run_id"])
            duplicated.update({event_type.value: n for event_type, n in (distinct_events(events) - one_shot_events(events)).items()})
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    assert stack.outputs is not None
    listed = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=stack.outputs.bucket)
        for item in page.get("Contents", [])
    ]
    videos = [key for key in listed if key.endswith("_final.mp4")]
    duplicated["video"] += max(0, len(videos) - len(complete))
    for run in ended:
        if run["status"] != "complete":
            print(f"  run {run['run_id']} {run['status']}: {run['error']}", flush=True)
    approval = [seconds_between(run["stages"]["images"]["started_at"], run["stages"]["video"]["finished_at"]) for run in complete]
    per_minute = len(complete) / took * 60
    return Load(mode, workers, runs, runs - len(complete), duplicated, per_minute, approval, seen)


def report(load: Load) -> None:
    duplicated = sum(load.duplicated.values())
    print(
        f"{load.mode:7} W={load.workers}: {load.per_minute:5.1f} storybooks/min, approval→video p50 {p(load.approval_to_video, 50):.1f} s"
        f" p95 {p(load.approval_to_video, 95):.1f} s ({load.runs} runs, {load.lost} lost, {duplicated} duplicated)",
        flush=True,
    )
    if duplicated:
        print(f"{'':7} duplicated: " + ", ".join(f"{n} {what}" for what, n in load.duplicated.most_common()), flush=True)
    if seen := load.gateway:
        print(
            f"{'':7} under it, {STREAMS} progress streams open: GET /health p99 {p(seen.health_ms, 99):.0f} ms"
            f" ({len(seen.health_ms)} samples), GET /runs/{{id}} p99 {p(seen.run_ms, 99):.0f} ms ({len(seen.run_ms)};"
            f" the local table's own read of it p99 {p(seen.table_ms, 99):.0f} ms),"
            f" one run past the parent's budget: {seen.past_budget}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.load")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--modes", nargs="+", choices=["offline", "cloud"], default=["cloud", "offline"])
    arguments = parser.parse_args()
    loads: list[Load] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        logs = Path(scratch)
        aws = LocalAws(port=free_port(), log_path=logs / "moto.log")
        fake = GenerativeFake(port=free_port(), log_path=logs / "fake.log", realistic_latency=True)
        aws.start()
        fake.start()
        try:
            for mode in arguments.modes:
                for workers in arguments.workers:
                    endpoint = fake.endpoint if mode == "cloud" else None
                    with stack_with(aws, logs, mode, workers, arguments.runs, endpoint) as stack:
                        load = measure(stack, mode, workers, arguments.runs, watch=workers == max(arguments.workers))
                    report(load)
                    loads.append(load)
        finally:
            fake.stop()
            aws.stop()
    throughput = {(load.mode, load.workers): load.per_minute for load in loads}
    low, high = min(arguments.workers), max(arguments.workers)

    def gain(mode: str) -> str:
        before, after = throughput.get((mode, low)), throughput.get((mode, high))
        return f"{after / before:.1f}x" if before and after else "n/a"

    runs = sum(load.runs for load in loads)
    lost, duplicated = sum(load.lost for load in loads), sum(sum(load.duplicated.values()) for load in loads)
    print(
        f"load: {runs} runs, {lost} lost, {duplicated} duplicated, {gain('cloud')} throughput at {high} workers vs {low}"
        f" (cloud fakes), {gain('offline')} (offline)"
    )


if __name__ == "__main__":
    main()
