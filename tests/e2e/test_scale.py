"""Many storybooks at once over two media workers: each is made exactly once, and both workers make its pages.

A stack of its own (the environment `nocomelon-scale`, in the session's local AWS) with one gateway, vision and story
and two media workers, so that no other test's worker takes a message. Its figures go on a `scale:` line (`pytest -s`).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from devstack.stack import LocalAws, Stack, free_port, wait_for_http
from nocomelon_cli.signin import Credentials
from shared.domain.events import EventType
from tests.e2e.system import (
    SpyQueue,
    distinct_events,
    gateway,
    one_shot_events,
    outputs_of,
    quick_one_shot,
    sign_in,
    spying_on,
    start_consuming,
    wait_for_run,
)
from tests.paths import ARTEFACTS

RUNS = 10
MEDIA_WORKERS = ("media-1", "media-2")
SCENE_WORK = (EventType.PICTURE_REQUESTED, EventType.NARRATION_REQUESTED)


@pytest.fixture(scope="module")
def scale_stack(local_aws: LocalAws) -> Iterator[Stack]:
    stack = Stack(
        aws_endpoint=local_aws.endpoint,
        gateway_port=free_port(),
        log_dir=ARTEFACTS / "logs" / "scale",
        environment="nocomelon-scale",
        # One parent makes all ten: the per-parent budget is not what this test is about.
        overrides={"NOCOMELON_MAX_RUNNING_RUNS": str(RUNS), "NOCOMELON_RECEIVE_WAIT_SECONDS": "1"},
    )
    stack.provision()
    stack.start_service("gateway")
    wait_for_http(f"{stack.gateway_url}/health", timeout=60, process=stack.processes["gateway"])
    # Started side by side: each is mostly its imports, and one after another they were half a minute.
    with ThreadPoolExecutor() as pool:
        workers = (("vision", "vision"), ("story", "story"), *((worker, "media") for worker in MEDIA_WORKERS))
        list(pool.map(lambda named: start_consuming(stack, *named), workers))
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def scale_spy(scale_stack: Stack) -> Iterator[SpyQueue]:
    with spying_on(scale_stack) as spy:
        yield spy


def handled_by(stack: Stack, worker: str) -> dict[str, str]:
    """The events a worker handled to the end: event id -> type."""
    handled: dict[str, str] = {}
    for line in (stack.log_dir / f"{worker}.log").read_text().splitlines():
        entry = json.loads(line) if line.startswith("{") else {}
        if entry.get("event") == "event handled" and entry.get("disposition") == "done":
            handled[entry["event_id"]] = entry["event_type"]
    return handled


def test_ten_storybooks_at_once_are_each_made_once_with_their_pages_on_both_media_workers(scale_stack: Stack, scale_spy: SpyQueue) -> None:
    parent = sign_in(scale_stack, Credentials(email="many.storybooks@nocomelon.local", password="Scale4Families"))
    with gateway(scale_stack, parent) as client:
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=RUNS) as pool:
            run_ids = list(pool.map(lambda _: quick_one_shot(client), range(RUNS)))
        runs = {run_id: wait_for_run(client, run_id, timeout=600) for run_id in run_ids}
        took = time.monotonic() - began
    assert [run["status"] for run in runs.values()] == ["complete"] * RUNS, [run["error"] for run in runs.values()]
    time.sleep(2)  # time for any duplicate follow-up to appear

    scene_events: dict[str, EventType] = {}
    for run_id in run_ids:
        events = scale_spy.of(run_id)
        assert distinct_events(events) == one_shot_events(events), sorted((event.type.value, event.id) for event in events)
        scene_events |= {event.id: event.type for event in events if event.type in SCENE_WORK}
    by_worker = {worker: handled_by(scale_stack, worker) for worker in MEDIA_WORKERS}
    on = {worker: {event_id for event_id in handled if event_id in scene_events} for worker, handled in by_worker.items()}
    assert set().union(*on.values()) == set(scene_events), "every scene's message was handled by one of the media workers"
    assert all(on.values()), {worker: len(ids) for worker, ids in on.items()}
    # A storybook's own pages went to both workers: a second worker helps a book in progress.
    shared_books = [run_id for run_id in run_ids if all(_pages_of(run_id, scale_spy, ids) for ids in on.values())]
    assert shared_books, "no storybook had pages made on both workers"

    s3 = boto3.client("s3", endpoint_url=scale_stack.aws_endpoint, region_name=scale_stack.region)
    videos = [
        item["Key"]
        for item in s3.list_objects_v2(Bucket=outputs_of(scale_stack).bucket, Prefix=f"{parent.user_id}/videos/").get("Contents", [])
        if item["Key"].endswith("_final.mp4")
    ]
    assert sorted(videos) == sorted(f"{parent.user_id}/videos/{run_id}_final.mp4" for run_id in run_ids)
    renders = Counter(worker for worker, handled in by_worker.items() for kind in handled.values() if kind == EventType.VIDEO_REQUESTED)
    print(
        f"scale: {RUNS} storybooks at once on {len(MEDIA_WORKERS)} media workers in {took:.0f} s, each made once; "
        f"scene messages {' / '.join(str(len(ids)) for ids in on.values())}, renders {' / '.join(str(renders[w]) for w in MEDIA_WORKERS)}, "
        f"{len(shared_books)} of {RUNS} storybooks had pages made on both"
    )


def _pages_of(run_id: str, spy: SpyQueue, handled: set[str]) -> bool:
    return any(event.id in handled for event in spy.of(run_id) if event.type in SCENE_WORK)
