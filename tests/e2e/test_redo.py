"""One page made again in a finished storybook, through the real processes: only that page's picture or narration
changes, every other page's files are reused byte for byte, and the new video is as long as its narration."""

from __future__ import annotations

import hashlib

import boto3
import httpx

from devstack.stack import Stack
from media.compose.local import StreamingComposer
from tests.e2e.system import Parent, assert_error_shape, gateway, outputs_of, saved_storybook, wait_for_run
from tests.media_probe import probe
from tests.paths import ARTEFACTS


def fingerprints(stack: Stack, run: dict) -> dict[str, str]:
    """Each page's picture, figure layer and narration, by key, as sha256 of what S3 holds."""
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    bucket = outputs_of(stack).bucket
    keys = [image["key"] for image in run["image_result"]["images"]]
    keys += [key.removesuffix(".png") + "_figure.png" for key in keys]
    keys += [clip["key"] for clip in run["audio_result"]["clips"]]
    return {key: hashlib.sha256(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest() for key in keys}


def video_bytes(stack: Stack, key: str) -> bytes:
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    return s3.get_object(Bucket=outputs_of(stack).bucket, Key=key)["Body"].read()


def assert_lasts_its_narration(stack: Stack, run: dict, name: str) -> None:
    path = ARTEFACTS / f"redo-{name}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(video_bytes(stack, run["video_result"]["video_key"]))
    composer = StreamingComposer()
    narration = sum(clip["duration_sec"] for clip in run["audio_result"]["clips"])
    expected = composer.title_sec + narration + composer.end_sec
    info = probe(path)
    assert expected - 0.2 <= info.video_duration <= expected + composer.max_total_padding_sec + 0.2, (info.video_duration, expected)


def redone(
    client: httpx.Client, stack: Stack, run_id: str, scene: int, body: dict, before: dict[str, str]
) -> tuple[dict, set[str], dict[str, str]]:
    """The run once page `scene` is made again as `body` asks, which of its pages' files changed, and their fingerprints."""
    assert client.post(f"/api/v1/runs/{run_id}/scenes/{scene}/redo", json=body).status_code == 202
    run = wait_for_run(client, run_id)
    assert run["status"] == "complete", run["error"]
    after = fingerprints(stack, run)
    return run, {key for key in before if before[key] != after[key]}, after


def test_a_redone_page_changes_alone_and_the_saved_storybook_keeps_its_video(stack: Stack, parent: Parent) -> None:
    with gateway(stack, parent) as client:
        run_id, entry = saved_storybook(client)
        before = client.get(f"/api/v1/runs/{run_id}").json()
        first = fingerprints(stack, before)
        saved_video = video_bytes(stack, entry["video_key"])
        pages = len(before["story_script"]["scenes"])
        assert pages >= 3

        # A new picture for page 2: its picture alone is painted again.
        repainted, changed, second = redone(client, stack, run_id, 2, {"picture": True}, first)
        assert changed == {f"{parent.user_id}/images/{run_id}_scene_2.png"}, changed
        assert repainted["story_script"] == before["story_script"]
        assert_lasts_its_narration(stack, repainted, "picture")

        # New words for page 1: its narration alone is made again, and the script says them.
        words = "The little kite woke up early and smiled at the bright morning sky."
        retold, changed, _ = redone(client, stack, run_id, 1, {"text": words}, second)
        assert changed == {f"{parent.user_id}/audio/{run_id}_scene_1.mp3"}, changed
        assert retold["story_script"]["scenes"][0]["text"] == words
        assert retold["story_script"]["scenes"][1:] == before["story_script"]["scenes"][1:]
        first_clip = retold["audio_result"]["clips"][0]
        assert " ".join(sentence["text"] for sentence in first_clip["sentences"]) == words  # the captions say the new words
        assert_lasts_its_narration(stack, retold, "text")

        # The saved storybook was not changed behind the parent's back; the new version saves as a new entry.
        assert video_bytes(stack, entry["video_key"]) == saved_video
        assert client.get("/api/v1/library").json()["items"][0] == entry
        saved_again = client.post("/api/v1/library", json={"run_id": run_id})
        assert saved_again.status_code == 201 and saved_again.json()["id"] != entry["id"]

        # What cannot be redone is refused, in words a parent can act on.
        assert_error_shape(
            client.post(f"/api/v1/runs/{run_id}/scenes/{pages + 1}/redo", json={"picture": True}), 404, codes=("page_not_found",)
        )
        assert_error_shape(client.post(f"/api/v1/runs/{run_id}/scenes/1/redo", json={"text": words}), 422, codes=("nothing_to_redo",))
        unsafe = client.post(f"/api/v1/runs/{run_id}/scenes/1/redo", json={"text": "The kite found a gun."})
        assert_error_shape(unsafe, 422, codes=("not_for_children",))
        assert wait_for_run(client, run_id)["story_script"]["scenes"][0]["text"] == words  # nothing refused was kept
