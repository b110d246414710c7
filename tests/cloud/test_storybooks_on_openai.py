"""Storybooks made end to end with every stage on an OpenAI-compatible endpoint (the fake's), and mixed with Bedrock
and the offline voice; the API key is in no log line, no checkpoint and no answer of the gateway."""

from __future__ import annotations

import json

import boto3
import numpy as np
import pytest

from devstack.generative_fake.images import SKY
from devstack.generative_fake.openai_api import API_KEY
from devstack.stack import Stack
from media.compose.local import StreamingComposer
from nocomelon_cli.signin import Credentials
from story.write.cloud import WRITTEN_OFFLINE_NOTE
from tests.cloud.conftest import OFFLINE, ON_OPENAI, CloudStack, FakeCloud
from tests.cloud.test_storybooks_on_aws import download_video, start_one_shot
from tests.e2e.system import Parent, gateway, sign_in, wait_for_run
from tests.media_probe import frame_at, probe
from tests.paths import ARTEFACTS, sample

# OpenAI's story, Bedrock's pictures, the offline voice.
MIXED = {
    "vision": OFFLINE["vision"],
    "story": ON_OPENAI["story"],
    "media": {"NOCOMELON_ILLUSTRATION_PROVIDER": "bedrock", "NOCOMELON_VOICE_PROVIDER": "local"},
}


def fake_sky_share(video_frame: np.ndarray) -> float:
    return float((np.abs(video_frame.astype(np.int16)[:60] - SKY).max(axis=2) < 24).mean())


def counts(fake: FakeCloud) -> dict[str, int]:
    return {operation: len(fake.calls(operation)) for operation in ("ChatCompletions", "ImageEdits", "Speech", "Converse", "InvokeModel")}


def new_calls(fake: FakeCloud, before: dict[str, int], operation: str) -> list[dict]:
    return fake.calls(operation)[before[operation] :]


@pytest.fixture(scope="module")
def family_on(cloud_stack: CloudStack) -> Parent:
    return sign_in(cloud_stack.use(ON_OPENAI), Credentials(email="openai.family@nocomelon.local", password="Models4Family"))


def test_a_one_shot_and_an_interactive_storybook_on_an_openai_compatible_endpoint(
    cloud_stack: CloudStack, family_on: Parent, fake_cloud: FakeCloud
) -> None:
    stack = cloud_stack.use(ON_OPENAI)
    before = counts(fake_cloud)
    with gateway(stack, family_on) as client:
        one_shot = wait_for_run(client, start_one_shot(client, "image-002.jpg", voice="wise", language="fr"))
        assert one_shot["status"] == "complete", one_shot["error"]
        video = download_video(client, one_shot, "one-shot-on-openai")

        run_id = client.post(
            "/api/v1/vision/analyze", files={"drawing": ("cat.jpg", sample("image-004.jpg").read_bytes(), "image/jpeg")}
        ).json()["run_id"]
        analysis = wait_for_run(client, run_id, until=("waiting", "failed"))["drawing_analysis"]
        request = {"run_id": run_id, "drawing_analysis": analysis, "theme": "bedtime", "age": 3, "voice": "gentle", "style": "watercolor"}
        assert client.post("/api/v1/story/generate", json=request).status_code == 202
        script = wait_for_run(client, run_id, until=("waiting", "failed"))["story_script"]
        pipeline = {"run_id": run_id, "story": script, "drawing": analysis, "style": "watercolor", "voice_type": "gentle"}
        assert client.post("/api/v1/pipeline/generate", json=pipeline).status_code == 202
        interactive = wait_for_run(client, run_id)
        assert interactive["status"] == "complete", interactive["error"]
        answers = json.dumps([one_shot, interactive, client.get("/api/v1/options").json()])

    for run in (one_shot, interactive):
        assert run["drawing_analysis"]["character"].startswith("A friendly ") and run["story_script"]["title"].startswith("The Day of the")
        assert run["stages"]["images"]["usage"]["model"] == "gpt-image-1" and run["stages"]["voice"]["usage"]["model"] == "tts-1"
        assert run["cost_usd"] > 0
    chats = new_calls(fake_cloud, before, "ChatCompletions")
    assert len(chats) == 4 and all(call["params"]["response_format"]["type"] == "json_schema" for call in chats)
    assert "in French (fr)" in chats[1]["params"]["messages"][0]["content"]
    scenes = len(one_shot["story_script"]["scenes"]) + len(interactive["story_script"]["scenes"])
    assert len(new_calls(fake_cloud, before, "ImageEdits")) == scenes
    voices = {call["params"]["voice"] for call in new_calls(fake_cloud, before, "Speech")}
    assert voices == {"onyx", "shimmer"}  # the wise and the gentle narrators
    assert not new_calls(fake_cloud, before, "Converse") and not new_calls(fake_cloud, before, "InvokeModel")
    assert fake_sky_share(frame_at(video, StreamingComposer().title_sec + 1.0)) > 0.3 and probe(video).audio_codec == "aac"

    # The key reached the endpoint and nothing else: no answer of the gateway, no log line of any service.
    assert API_KEY not in answers
    logs = "".join(path.read_text(errors="replace") for path in (ARTEFACTS / "logs" / "cloud").glob("*.log"))
    assert logs and API_KEY not in logs


@pytest.mark.parametrize(
    ("fault", "count", "asked"),
    [("throttle", 3, (1, 1)), ("fail", 2, (1, 1)), ("malformed", 1, (2, 1)), ("slow", 1, (2, 1)), ("refuse", 4, (2, 2))],
    ids=["throttled", "server-errors", "invalid-json", "slow", "refused-everywhere"],
)
def test_a_fault_of_the_endpoint_ends_as_its_rule_says_and_nothing_is_stuck(
    cloud_stack: CloudStack, family_on: Parent, fake_cloud: FakeCloud, fault: str, count: int, asked: tuple[int, int]
) -> None:
    """The run's first calls (the drawing's reading, then the story) meet the fault: 429s (with retry-after) and 500s
    are retried by the SDK, so one call of each is answered; an answer slower than the read timeout is asked for again
    by the SDK (the fake logs the slow call when it ends); invalid JSON or a refusal is asked for again with the
    reason, and refused twice the offline analysis and writer stand in, and the run says so. Each run completes,
    nothing a parent sees names the provider, and the key is in no answer and no stored row."""
    stack = cloud_stack.use(ON_OPENAI)
    before = counts(fake_cloud)
    with gateway(stack, family_on) as client:
        fake_cloud.faults(**{fault: count, "slow_seconds": 4})
        run = wait_for_run(client, start_one_shot(client, "image-001.png"), timeout=240)
        assert run["status"] == "complete", run["error"]
    assert fake_cloud.faults_left()[fault] == 0
    names = [call["params"]["response_format"]["json_schema"]["name"] for call in new_calls(fake_cloud, before, "ChatCompletions")]
    assert (names.count("describe_drawing"), names.count("write_storybook")) == asked
    written_offline = asked == (2, 2)
    assert bool(run["drawing_analysis"]["character"]) is not written_offline  # the classical analysis has no card
    assert (WRITTEN_OFFLINE_NOTE in run["story_notes"]) is written_offline
    seen = json.dumps(run)
    for provider_text in (API_KEY, "Rate limit", "rate_limit_exceeded", "server_error", "openai", "OpenAI", "I can't help"):
        assert provider_text not in seen
    assert API_KEY not in stored_rows(stack)


def stored_rows(stack: Stack) -> str:
    """Every row of the stack's tables (runs and their checkpoints, the library, budgets), as one text."""
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    tables = [name for name in dynamodb.list_tables()["TableNames"] if name.startswith(f"{stack.environment}-")]
    assert tables
    pages = [page for name in tables for page in dynamodb.get_paginator("scan").paginate(TableName=name)]
    return json.dumps([page["Items"] for page in pages])


def test_an_openai_story_with_bedrock_pictures_and_the_offline_voice(
    cloud_stack: CloudStack, family_on: Parent, fake_cloud: FakeCloud
) -> None:
    stack = cloud_stack.use(MIXED)
    before = counts(fake_cloud)
    with gateway(stack, family_on) as client:
        run = wait_for_run(client, start_one_shot(client, "image-003.jpg"))
        assert run["status"] == "complete", run["error"]
        video = download_video(client, run, "mixed-openai-bedrock-local")
    assert [call["params"]["response_format"]["json_schema"]["name"] for call in new_calls(fake_cloud, before, "ChatCompletions")] == [
        "write_storybook"
    ]
    assert len(new_calls(fake_cloud, before, "InvokeModel")) == len(run["story_script"]["scenes"])
    assert not new_calls(fake_cloud, before, "Speech") and not new_calls(fake_cloud, before, "ImageEdits")
    assert run["story_script"]["title"].startswith("The Day of the") and not run["drawing_analysis"]["character"]
    assert fake_sky_share(frame_at(video, StreamingComposer().title_sec + 1.0)) > 0.3
    sentences = [sentence for clip in run["audio_result"]["clips"] for sentence in clip["sentences"]]
    # Piper's sentences are measured, and their words shared out within each (by syllables).
    assert all(
        sentence["words"] and sentence["words"][-1]["end_sec"] == pytest.approx(sentence["end_sec"], abs=1e-3) for sentence in sentences
    )
    assert run["stages"]["story"]["usage"]["model"] == "gpt-4o-mini" and run["stages"]["voice"]["usage"] is None  # Piper is free


def test_the_options_offer_every_language_with_the_openai_writer_and_voice(cloud_stack: CloudStack, family_on: Parent) -> None:
    stack = cloud_stack.use(ON_OPENAI)
    with gateway(stack, family_on) as client:
        options = client.get("/api/v1/options").json()
    assert options["providers"]["voice"]["provider"] == "openai" and len(options["languages"]) == 5
