"""The parent's whole journey over HTTP only, through the real processes:
analyse → correct → story → edit → approve → video → library → delete."""

from __future__ import annotations

import base64
import json
import time

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from devstack.stack import Stack
from tests.e2e.system import Parent, gateway, outputs_of
from tests.paths import sample


def wait_until(client: httpx.Client, run_id: str, statuses: tuple[str, ...], timeout: float = 300) -> dict:
    """Uses ?wait= the way a synchronous client would: one blocking call per stage."""
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/v1/runs/{run_id}", params={"wait": 20}, timeout=30).json()
        if run["status"] in statuses:
            return run
        assert run["status"] != "failed", run["error"]
        assert time.monotonic() < deadline, f"run {run_id} stuck at {run['current_stage']}"


def analyse(client: httpx.Client, drawing: str, *, as_json: bool) -> str:
    data = sample(drawing).read_bytes()
    if as_json:
        response = client.post("/api/v1/vision/analyze", json={"image_base64": base64.b64encode(data).decode()})
    else:
        response = client.post("/api/v1/vision/analyze", files={"drawing": (drawing, data, "image/jpeg")})
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "running"
    return accepted["run_id"]


def stage_events(client: httpx.Client, run_id: str) -> list[tuple[str, dict]]:
    events, name = [], None
    with client.stream("GET", f"/api/v1/runs/{run_id}/events", timeout=300) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def s3_exists(stack: Stack, key: str) -> bool:
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    try:
        s3.head_object(Bucket=outputs_of(stack).bucket, Key=key)
    except ClientError:
        return False
    return True


@pytest.mark.parametrize(("drawing", "as_json"), [("image-001.png", False), ("image-003.jpg", True)])
def test_the_whole_journey(stack: Stack, parent: Parent, drawing: str, as_json: bool) -> None:
    with gateway(stack, parent) as client:
        run_id = analyse(client, drawing, as_json=as_json)
        started = time.monotonic()
        recognised = client.get(f"/api/v1/runs/{run_id}", params={"wait": 30}, timeout=40).json()
        # ?wait returns as soon as the drawing is read, not at the end of the wait.
        assert time.monotonic() - started < 25
        recognised = wait_until(client, run_id, ("waiting",))
        assert recognised["stages"]["vision"]["status"] == "done"
        assert recognised["story_script"] is None  # interactive: nothing is written before the parent confirms

        corrected = {**recognised["drawing_analysis"], "subject": "a purple dragon named Max"}
        options = client.get("/api/v1/options", params={"run_id": run_id}).json()
        assert {choice["value"] for choice in options["styles"]} == {"storybook", "watercolor", "cartoon_3d", "anime"}
        story_request = {
            "run_id": run_id,
            "drawing_analysis": corrected,
            "theme": "bravery",
            "age": 6,
            "voice": "silly",
            "style": "cartoon_3d",
            "personal_context": "starting swim lessons next week",
        }
        assert client.post("/api/v1/story/generate", json=story_request).status_code == 202
        first_script = wait_until(client, run_id, ("waiting",))["story_script"]
        assert first_script is not None and "Max" in json.dumps(first_script)

        # Regenerating replaces the script and keeps the corrected analysis.
        assert client.post("/api/v1/story/generate", json=story_request).status_code == 202
        written = wait_until(client, run_id, ("waiting",))
        assert written["drawing_analysis"]["subject"] == "a purple dragon named Max"
        script = written["story_script"]
        assert len(script["scenes"]) == 5  # ages 6–7

        script["scenes"][0]["text"] = "Max the purple dragon woke up very early, ready for a brave day."
        pipeline = {"run_id": run_id, "story": script, "drawing": corrected, "style": "anime", "voice_type": "wise"}
        assert client.post("/api/v1/pipeline/generate", json=pipeline).status_code == 202
        events = stage_events(client, run_id)
        finished = wait_until(client, run_id, ("complete",))

        assert finished["story_script"]["scenes"][0]["text"].startswith("Max the purple dragon woke up")
        assert (finished["options"]["style"], finished["options"]["voice"], finished["options"]["age"]) == ("anime", "wise", 6)
        me = parent.user_id
        assert finished["video_result"]["video_key"] == f"{me}/videos/{run_id}_final.mp4"
        assert len(finished["image_result"]["images"]) == len(finished["audio_result"]["clips"]) == 5

        done_order = [event["stage"] for name, event in events if name == "stage" and event["status"] == "done"]
        assert done_order[-1] == "video" and {"images", "voice"} <= set(done_order)
        assert events[-1][0] == "end" and events[-1][1]["status"] == "complete" and events[-1][1]["percent"] == 100
        percents = [event["percent"] for name, event in events if name == "stage"]
        assert percents == sorted(percents)

        saved = client.post("/api/v1/library", json={"run_id": run_id})
        assert saved.status_code == 201, saved.text
        entry = saved.json()
        assert entry["title"] == finished["story_script"]["title"]
        assert entry["style"] == "anime"
        assert entry["duration_sec"] == finished["video_result"]["duration_sec"]
        assert entry["video_key"].startswith(f"{me}/videos/") and s3_exists(stack, entry["video_key"])
        assert set(entry["book_keys"]) == {"a4", "letter"} and all(s3_exists(stack, key) for key in entry["book_keys"].values())
        assert client.post("/api/v1/library", json={"run_id": run_id}).json() == entry  # saving twice is one entry

        listed = client.get("/api/v1/library").json()["items"]
        assert listed[0] == entry  # newest first

        assert client.delete(f"/api/v1/library/{entry['id']}").status_code == 204
        assert entry["id"] not in [item["id"] for item in client.get("/api/v1/library").json()["items"]]
        assert not s3_exists(stack, entry["video_key"]) and not s3_exists(stack, entry["thumbnail_key"])
        assert not any(s3_exists(stack, key) for key in entry["book_keys"].values())
        assert client.delete(f"/api/v1/library/{entry['id']}").status_code == 404


def test_a_different_look_keeps_the_earlier_video_until_the_new_one_is_ready(stack: Stack, parent: Parent) -> None:
    with gateway(stack, parent) as client:
        run_id = analyse(client, "image-004.jpg", as_json=False)
        analysis = wait_until(client, run_id, ("waiting",))["drawing_analysis"]
        story = {"run_id": run_id, "drawing_analysis": analysis, "theme": "nature", "age": 3, "voice": "gentle", "style": "storybook"}
        assert client.post("/api/v1/story/generate", json=story).status_code == 202
        script = wait_until(client, run_id, ("waiting",))["story_script"]
        look = {"run_id": run_id, "story": script, "drawing": analysis, "style": "storybook", "voice_type": "gentle"}
        assert client.post("/api/v1/pipeline/generate", json=look).status_code == 202
        first = wait_until(client, run_id, ("complete",))
        saved = client.post("/api/v1/library", json={"run_id": run_id}).json()

        assert client.post("/api/v1/pipeline/generate", json={**look, "style": "watercolor"}).status_code == 202
        during = client.get(f"/api/v1/runs/{run_id}").json()
        assert during["status"] == "running"
        assert during["video_result"] == first["video_result"]
        assert client.post("/api/v1/pipeline/generate", json=look).status_code == 409  # one look at a time
        second = wait_until(client, run_id, ("complete",))
        assert second["image_result"]["style"] == "watercolor"

        resaved = client.post("/api/v1/library", json={"run_id": run_id}).json()
        assert resaved["id"] != saved["id"] and resaved["style"] == "watercolor"
        assert s3_exists(stack, saved["video_key"])  # the first look, saved earlier, is untouched
        for entry in (saved, resaved):
            assert client.delete(f"/api/v1/library/{entry['id']}").status_code == 204
