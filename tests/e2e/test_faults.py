"""Faults through the real processes: every run ends complete exactly once, or failed with a message a parent can
read within its stage's budget; none stays running.

Processes with an injected fault (tests/e2e/faulty.py) run in a stack of their own (the environment
`nocomelon-faults`: its own topic, queues and tables in the session's local AWS), so the other tests' workers never
take their messages. Each figure is printed on a `faults:` line (`pytest -s`), which the README quotes.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import pytest

from devstack.stack import LocalAws, Stack, free_port, wait_for_http
from nocomelon_cli.signin import Credentials
from shared.domain.events import EventType
from tests.e2e.system import (
    Parent,
    SpyQueue,
    distinct_events,
    gateway,
    one_shot_events,
    outputs_of,
    quick_one_shot,
    republish,
    sign_in,
    spying_on,
    start_consuming,
    wait_for_run,
)
from tests.paths import ARTEFACTS
from tests.test_drawings import tiny_drawing

BUDGET_SECONDS = 4  # vision's and story's, so a hung handler is stopped quickly
STALL_GRACE_SECONDS = 20  # past a stage's budget, how long the sweeper waits before it fails a run nobody is working on
FAULTY = "tests.e2e.faulty"

Processes = dict[str, subprocess.Popen[bytes]]


@pytest.fixture(scope="module")
def faults_stack(local_aws: LocalAws) -> Iterator[Stack]:
    """The gateway alone to begin with; each test starts the workers it needs, faulty or not."""
    stack = Stack(
        aws_endpoint=local_aws.endpoint,
        gateway_port=free_port(),
        log_dir=ARTEFACTS / "logs" / "faults",
        environment="nocomelon-faults",
        overrides={
            "NOCOMELON_VISIBILITY_TIMEOUT_SECONDS": "3",
            "NOCOMELON_RECEIVE_WAIT_SECONDS": "1",
            "NOCOMELON_STAGE_BUDGET_SECONDS": f'{{"vision": {BUDGET_SECONDS}, "story": {BUDGET_SECONDS}}}',
            "NOCOMELON_SWEEP_EVERY_SECONDS": "1",
            "NOCOMELON_OUTBOX_GRACE_SECONDS": "2",
            "NOCOMELON_STALL_GRACE_SECONDS": str(STALL_GRACE_SECONDS),
        },
    )
    stack.provision()
    stack.start_service("gateway")
    wait_for_http(f"{stack.gateway_url}/health", timeout=60, process=stack.processes["gateway"])
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def faults_spy(faults_stack: Stack) -> Iterator[SpyQueue]:
    with spying_on(faults_stack) as spy:
        yield spy


@dataclass(frozen=True)
class Lab:
    """What every fault test works with: the stack, a spy on its topic, a new parent, and the workers without a fault."""

    stack: Stack
    spy: SpyQueue
    parent: Parent
    healthy: Processes


@pytest.fixture
def lab(faults_stack: Stack, faults_spy: SpyQueue, healthy_workers: Processes) -> Lab:
    parent = sign_in(faults_stack, Credentials(email=f"fault.{uuid.uuid4().hex[:8]}@nocomelon.local", password="Faults4Survived"))
    return Lab(stack=faults_stack, spy=faults_spy, parent=parent, healthy=healthy_workers)


@pytest.fixture(scope="module")
def healthy_workers(faults_stack: Stack) -> Processes:
    """Workers without a fault, kept from one test to the next (each takes a few seconds to start)."""
    return {}


@pytest.fixture
def processes(faults_stack: Stack) -> Iterator[Processes]:
    """The processes a test starts, killed after it (its stack's gateway stays), with any child they left behind."""
    started: Processes = {}
    yield started
    for name in list(started):
        stop(faults_stack, started, name)
    subprocess.run(["pkill", "-f", "sleep 3600"], check=False)


def stop(stack: Stack, processes: Processes, name: str) -> None:
    process = processes.pop(name)
    stack.processes.pop(name, None)
    if process.poll() is None:
        process.kill()
        process.wait()


def with_healthy(stack: Stack, healthy: Processes, *services: str) -> None:
    """Exactly these services have a worker without a fault (the others' messages are left to a test's faulty ones)."""
    for name in set(healthy) - set(services):
        stop(stack, healthy, name)
    for service in set(services) - set(healthy):
        start(stack, healthy, service, service)


def start(stack: Stack, processes: Processes, name: str, module: str, *arguments: str) -> subprocess.Popen[bytes]:
    processes[name] = start_consuming(stack, name, module, *arguments)
    return processes[name]


def ended(client: httpx.Client, run_id: str, within: float) -> tuple[dict, float]:
    started = time.monotonic()
    run = wait_for_run(client, run_id, timeout=within)
    return run, time.monotonic() - started


def wait_for_marker(marker: Path, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def children_left(command: str) -> int:
    return subprocess.run(["pgrep", "-f", command], capture_output=True, text=True).stdout.count("\n")


def assert_finished_exactly_once(spy: SpyQueue, run_id: str) -> None:
    time.sleep(2)  # time for any duplicate follow-up to appear
    events = spy.of(run_id)
    assert distinct_events(events) == one_shot_events(events), sorted((event.type.value, event.id) for event in events)


def test_a_hung_handler_is_stopped_with_its_process_at_its_stage_budget(lab: Lab, processes: Processes, tmp_path: Path) -> None:
    with_healthy(lab.stack, lab.healthy)
    start(lab.stack, processes, "vision-hangs", FAULTY, "worker", "vision", "drawing.submitted", "hang", str(tmp_path / "hung"))
    with gateway(lab.stack, lab.parent) as client:
        run, took = ended(client, quick_one_shot(client), within=60)
    print(f"faults: a hung vision handler (and its child process) stopped and its run failed in {took:.1f} s (budget {BUDGET_SECONDS} s)")
    assert run["status"] == "failed" and run["error"]["code"] == "stage_timed_out"
    assert "too long" in run["error"]["message"]
    assert took < BUDGET_SECONDS + 5
    assert children_left("sleep 3600") == 0


def test_a_handler_that_kills_its_process_on_every_receive_ends_its_run_failed(lab: Lab, processes: Processes, tmp_path: Path) -> None:
    with_healthy(lab.stack, lab.healthy, "vision")
    crashed = tmp_path / "crashed"
    with gateway(lab.stack, lab.parent) as client:
        run_id = quick_one_shot(client)
        started, crashes = time.monotonic(), 0
        while (run := client.get(f"/api/v1/runs/{run_id}").json())["status"] == "running":
            assert time.monotonic() < started + 120, f"still running after {crashes} crashes"
            story = processes.get("story-crashes")
            if story is None or story.poll() is not None:  # ECS would start a new task; so does the test
                crashes += story is not None
                start(lab.stack, processes, "story-crashes", FAULTY, "worker", "story", "vision.completed", "crash", str(crashed))
            time.sleep(0.2)
        took = time.monotonic() - started
    print(f"faults: a story worker killed on every receive ({crashes} times) left its run {run['status']} in {took:.1f} s")
    assert run["status"] == "failed" and run["error"]["stage"] == "story"
    assert crashed.exists() and crashes >= 1
    assert "try again" in run["error"]["message"]
    assert took < BUDGET_SECONDS + STALL_GRACE_SECONDS + 30


@pytest.mark.parametrize(
    ("service", "event_type"),
    [("vision", "drawing.submitted"), ("story", "vision.completed"), ("media", "video.requested")],
)
def test_a_worker_killed_mid_stage_is_replaced_and_the_run_finishes_once(
    lab: Lab, processes: Processes, tmp_path: Path, service: str, event_type: str
) -> None:
    with_healthy(lab.stack, lab.healthy, *({"vision", "story", "media"} - {service}))
    marker = tmp_path / "stalled"
    stalled = start(lab.stack, processes, f"{service}-stalls", FAULTY, "worker", service, event_type, "stall-once", str(marker))
    with gateway(lab.stack, lab.parent) as client:
        run_id = quick_one_shot(client)
        wait_for_marker(marker, f"the {service} stage never started", timeout=120)
        stalled.send_signal(signal.SIGKILL)
        stalled.wait()
        # A SIGKILLed worker's children outlive it (nothing was left to kill them): this one's would wait forever.
        subprocess.run(["pkill", "-f", "sleep 3600"], check=False)
        start(lab.stack, lab.healthy, service, service)
        run, took = ended(client, run_id, within=300)
    print(f"faults: {service} SIGKILLed mid-stage; a new worker finished the run ({run['status']}) {took:.1f} s later")
    assert run["status"] == "complete", run["error"]
    assert_finished_exactly_once(lab.spy, run_id)


def test_a_worker_whose_publish_fails_once_publishes_on_the_next_delivery(lab: Lab, processes: Processes, tmp_path: Path) -> None:
    refused = tmp_path / "refused"
    with_healthy(lab.stack, lab.healthy, "story", "media")
    start(lab.stack, processes, "vision-refused", FAULTY, "worker", "vision", "drawing.submitted", "publish-fails-once", str(refused))
    with gateway(lab.stack, lab.parent) as client:
        run_id = quick_one_shot(client)
        run, took = ended(client, run_id, within=300)
    print(f"faults: SNS refused vision's publish once; the run finished ({run['status']}) in {took:.1f} s")
    assert refused.exists(), "the publish was never refused"
    assert run["status"] == "complete", run["error"]
    assert_finished_exactly_once(lab.spy, run_id)


@pytest.mark.parametrize("fault", ["publish-fails-once", "killed-before-publish"])
def test_a_run_the_gateway_wrote_but_did_not_publish_is_published_by_the_sweeper(
    lab: Lab, processes: Processes, tmp_path: Path, fault: str
) -> None:
    with_healthy(lab.stack, lab.healthy, "vision", "story", "media")
    marker, port = tmp_path / "faulted", free_port()
    faulty_gateway = processes["gateway-faulty"] = lab.stack.start_module(
        "gateway-faulty", FAULTY, "gateway", str(port), fault, str(marker)
    )
    wait_for_http(f"http://127.0.0.1:{port}/health", timeout=60, process=faulty_gateway)
    started = time.monotonic()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {lab.parent.token}"}, timeout=30) as client:
        try:
            answered: int | None = client.post("/api/v1/runs", files={"drawing": ("kite.png", tiny_drawing(), "image/png")}).status_code
        except httpx.TransportError:
            answered = None  # the gateway died before it could answer
    assert marker.exists(), f"the gateway never reached its fault ({fault})"
    with gateway(lab.stack, lab.parent) as client:
        runs = _runs_of(lab.stack, lab.parent.user_id)
        assert len(runs) == 1, runs
        run, _ = ended(client, runs[0], within=300)
    took = time.monotonic() - started
    how = "SIGKILLed between writing and publishing" if answered is None else f"answered {answered} although SNS refused"
    print(f"faults: a gateway {how}: the sweeper published the run, which finished ({run['status']}) in {took:.1f} s")
    assert answered in ((None,) if fault == "killed-before-publish" else (202,))
    assert run["status"] == "complete", run["error"]
    assert_finished_exactly_once(lab.spy, runs[0])


def _runs_of(stack: Stack, user_id: str) -> list[str]:
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    table = stack.provisioner().topology.checkpoints.name
    found = dynamodb.query(TableName=table, KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": {"S": user_id}})
    return [item["run_id"]["S"] for item in found["Items"]]


def test_late_results_of_a_replaced_pipeline_change_nothing(lab: Lab, processes: Processes) -> None:
    with_healthy(lab.stack, lab.healthy, "vision", "story", "media")
    with gateway(lab.stack, lab.parent) as client:
        run_id = quick_one_shot(client)
        first, _ = ended(client, run_id, within=300)
        assert first["status"] == "complete", first["error"]
        replaced = {event.type: event for event in lab.spy.of(run_id)}
        look = {
            "run_id": run_id,
            "story": first["story_script"],
            "drawing": first["drawing_analysis"],
            "style": "watercolor" if first["image_result"]["style"] != "watercolor" else "anime",
            "voice_type": "cheerful",
        }
        assert client.post("/api/v1/pipeline/generate", json=look).status_code == 202
        # While the new look is made, the old one's results arrive again, late (a slow worker, a redelivery).
        for late in (EventType.PICTURE_COMPLETED, EventType.NARRATION_COMPLETED, EventType.VIDEO_REQUESTED):
            republish(lab.stack, replaced[late])
        second, _ = ended(client, run_id, within=300)
        video_key = second["video_result"]["video_key"]
        written = _last_modified(lab.stack, video_key)
        # And once more after it is done: a late render of the old look must not overwrite the new video.
        republish(lab.stack, replaced[EventType.VIDEO_REQUESTED])
        time.sleep(5)
        after = client.get(f"/api/v1/runs/{run_id}").json()
    videos = [event for event in lab.spy.of(run_id) if event.type == EventType.VIDEO_COMPLETED]
    by_pipeline = Counter(event.payload.pipeline_id for event in {event.id: event for event in videos}.values())
    print(f"faults: late results of a replaced look (3 during, 1 after) changed nothing: {sorted(by_pipeline.values())} videos per look")
    assert second["status"] == "complete", second["error"]
    assert second["image_result"]["style"] == look["style"]
    assert sorted(by_pipeline.values()) == [1, 1], by_pipeline
    assert after["video_result"] == second["video_result"] and after["status"] == "complete"
    assert _last_modified(lab.stack, video_key) == written


def _last_modified(stack: Stack, key: str) -> object:
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    head = s3.head_object(Bucket=outputs_of(stack).bucket, Key=key)
    return (head["ETag"], head["LastModified"])
