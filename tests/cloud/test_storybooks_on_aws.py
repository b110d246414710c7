"""Storybooks made end to end with every stage on the cloud providers (Bedrock for the drawing, the story and the
pictures, Polly for the voice), the four services as real processes talking to the generative fake."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from devstack.generative_fake.images import SKY
from devstack.generative_fake.polly import pitch
from devstack.stack import Stack
from media.compose.local import StreamingComposer
from nocomelon_cli.signin import Credentials
from story.write.cloud import WRITTEN_OFFLINE_NOTE
from story.write.tiers import tier_for
from tests.cloud.conftest import ON_AWS, CloudStack, FakeCloud
from tests.e2e.system import Parent, gateway, sign_in, wait_for_run
from tests.media_probe import decoded_audio, frame_at, probe
from tests.paths import ARTEFACTS, sample

RATE = 16_000


@pytest.fixture(scope="module")
def on_aws(cloud_stack: CloudStack) -> Stack:
    return cloud_stack.use(ON_AWS)


@pytest.fixture(scope="module")
def family(on_aws: Stack) -> Parent:
    return sign_in(on_aws, Credentials(email="cloud.family@nocomelon.local", password="Clouds4Family"))


def start_one_shot(client: httpx.Client, drawing: str, **choices: str) -> str:
    data = sample(drawing).read_bytes()
    response = client.post("/api/v1/runs", files={"drawing": (drawing, data, "image/jpeg")}, data=choices)
    assert response.status_code == 202, response.text
    return response.json()["run_id"]


def download_video(client: httpx.Client, run: dict, name: str) -> Path:
    url = client.post("/api/v1/storage/presigned-url", json={"s3_key": run["video_result"]["video_key"]}).json()["url"]
    path = ARTEFACTS / "cloud" / f"{name}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(httpx.get(url, timeout=60).raise_for_status().content)
    return path


def counts(fake: FakeCloud) -> dict[str, int]:
    return {operation: len(fake.calls(operation)) for operation in ("Converse", "InvokeModel", "SynthesizeSpeech")}


def since(fake: FakeCloud, before: dict[str, int], operation: str) -> list[dict]:
    return fake.calls(operation)[before[operation] :]


def assert_the_fakes_storybook(run: dict, video: Path, fake: FakeCloud, before: dict[str, int], *, voice: str) -> None:
    """Every stage's work is the fake's: its analysis and card, its script, its pictures, its voice and word marks."""
    analysis, scenes = run["drawing_analysis"], run["story_script"]["scenes"]
    assert analysis["subject"].startswith("a friendly ") and analysis["character"].startswith("A friendly ")
    assert all(
        analysis["subject"] in scene["text"].lower() or "bird" in scene["text"] or "they" in scene["text"].lower() for scene in scenes
    )
    assert run["story_script"]["title"].startswith("The Day of the Friendly")

    converse = since(fake, before, "Converse")
    assert [call["params"]["toolConfig"]["toolChoice"]["tool"]["name"] for call in converse] == ["describe_drawing", "write_storybook"]
    story_asked = converse[1]["params"]["messages"][0]["content"][0]["text"]
    assert analysis["character"] in story_asked  # the card reaches the writer
    painted = since(fake, before, "InvokeModel")
    assert len(painted) == len(scenes) and all(analysis["character"] in call["params"]["body"]["prompt"] for call in painted)
    spoken = since(fake, before, "SynthesizeSpeech")
    assert len(spoken) == 2 * len(scenes) and {call["params"]["VoiceId"] for call in spoken} == {voice}

    for clip, scene in zip(run["audio_result"]["clips"], scenes, strict=True):
        words = [word["text"] for sentence in clip["sentences"] for word in sentence["words"]]
        assert words == re.findall(r"[\w'’]+", scene["text"])  # the captions are timed by the fake's word marks

    stages = run["stages"]
    assert stages["vision"]["usage"]["model"] == stages["story"]["usage"]["model"] == "amazon.nova-lite-v1:0"
    assert stages["images"]["usage"]["images"] == len(scenes) and stages["images"]["usage"]["usd"] == pytest.approx(0.07 * len(scenes))
    characters = sum(len(html.unescape(re.sub(r"<[^>]*>", "", call["params"]["Text"]))) for call in spoken)
    assert stages["voice"]["usage"]["characters"] == characters > 0  # Polly bills the text of both calls, not its SSML tags
    assert run["cost_usd"] == pytest.approx(
        sum(stages[stage]["usage"]["usd"] for stage in ("vision", "story", "images", "voice")), abs=1e-4
    )

    info = probe(video)
    assert (info.width, info.height, info.audio_codec) == (1280, 720, "aac")
    title = StreamingComposer().title_sec
    first_page = frame_at(video, title + 1.0).astype(np.int16)[:60]
    assert (np.abs(first_page - SKY).max(axis=2) < 24).mean() > 0.3  # the fake's picture (its peach sky) is on the page
    first_clip = run["audio_result"]["clips"][0]
    audio = decoded_audio(video, RATE)[round((title + 0.2) * RATE) : round((title + first_clip["duration_sec"] - 0.2) * RATE)]
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    heard = np.argmax(spectrum[: len(spectrum) // 10]) * RATE / len(audio)
    assert abs(heard - pitch(voice)) < 4  # the narration is the fake's hum, in the asked voice's pitch


def test_a_one_shot_storybook_is_made_on_bedrock_and_polly(on_aws: Stack, family: Parent, fake_cloud: FakeCloud) -> None:
    before = counts(fake_cloud)
    with gateway(on_aws, family) as client:
        run_id = start_one_shot(client, "image-002.jpg", voice="cheerful", style="watercolor", age="5")
        run = wait_for_run(client, run_id)
        assert run["status"] == "complete", run["error"]
        video = download_video(client, run, "one-shot-on-aws")
    assert_the_fakes_storybook(run, video, fake_cloud, before, voice="Ivy")


def test_an_interactive_storybook_is_made_on_bedrock_and_polly(on_aws: Stack, family: Parent, fake_cloud: FakeCloud) -> None:
    before = counts(fake_cloud)
    with gateway(on_aws, family) as client:
        drawing = sample("image-004.jpg").read_bytes()
        run_id = client.post("/api/v1/vision/analyze", files={"drawing": ("cat.jpg", drawing, "image/jpeg")}).json()["run_id"]
        recognised = wait_for_run(client, run_id, until=("waiting", "failed"))
        analysis = recognised["drawing_analysis"]
        assert analysis["character"].startswith("A friendly ") and recognised["story_script"] is None  # the parent reviews it first

        request = {"run_id": run_id, "drawing_analysis": analysis, "theme": "kindness", "age": 4, "voice": "wise", "style": "anime"}
        assert client.post("/api/v1/story/generate", json=request).status_code == 202
        written = wait_for_run(client, run_id, until=("waiting", "failed"))
        script = written["story_script"]
        assert script is not None and len(script["scenes"]) == tier_for(4).scenes[0]  # as many pages as the fake was told

        pipeline = {"run_id": run_id, "story": script, "drawing": analysis, "style": "anime", "voice_type": "wise"}
        assert client.post("/api/v1/pipeline/generate", json=pipeline).status_code == 202
        run = wait_for_run(client, run_id)
        assert run["status"] == "complete", run["error"]
        video = download_video(client, run, "interactive-on-aws")
    assert_the_fakes_storybook(run, video, fake_cloud, before, voice="Matthew")


def test_a_spanish_storybook_is_written_and_read_in_spanish(on_aws: Stack, family: Parent, fake_cloud: FakeCloud) -> None:
    before = counts(fake_cloud)
    with gateway(on_aws, family) as client:
        options = client.get("/api/v1/options").json()
        assert [language["value"] for language in options["languages"]] == ["en", "es", "fr", "de", "pt"]
        assert options["providers"]["story"] == {"provider": "bedrock", "languages": ["en", "es", "fr", "de", "pt"]}
        run = wait_for_run(client, start_one_shot(client, "image-005.jpg", voice="cheerful", language="es"))
        assert run["status"] == "complete", run["error"]
        download_video(client, run, "spanish-on-aws")  # for a person to look at
    assert run["options"]["language"] == "es"
    (story_call,) = [
        call
        for call in since(fake_cloud, before, "Converse")
        if call["params"]["toolConfig"]["toolChoice"]["tool"]["name"] == "write_storybook"
    ]
    assert "in Spanish (es)" in story_call["params"]["system"][0]["text"]
    assert run["story_script"]["title"].startswith("El día de")
    assert "se despertó con una gran sonrisa" in run["story_script"]["scenes"][0]["text"]
    spoken = since(fake_cloud, before, "SynthesizeSpeech")
    assert {call["params"]["VoiceId"] for call in spoken} == {"Lupe"}  # the cheerful narrator's Spanish voice
    first = run["audio_result"]["clips"][0]["sentences"][0]
    assert first["text"] == run["story_script"]["scenes"][0]["text"]  # captions in Spanish, timed by the Spanish marks


@pytest.mark.parametrize(
    ("fault", "count", "drawing_read", "story_asked"),
    [("throttle", 2, 1, 1), ("malformed", 1, 2, 1), ("refuse", 1, 2, 1), ("slow", 1, 2, 1), ("refuse", 4, 2, 2)],
    ids=["throttled", "malformed", "refused-once", "slow", "refused-everywhere"],
)
def test_a_fault_of_the_cloud_ends_as_its_rule_says_and_nothing_is_stuck(
    on_aws: Stack, family: Parent, fake_cloud: FakeCloud, fault: str, count: int, drawing_read: int, story_asked: int
) -> None:
    """The first cloud calls of a run (the drawing's reading, then the story) meet the fault: throttling is retried by
    botocore with backoff (the fake logs only answered calls); a malformed or refused answer is asked for again with the
    reason, and refused twice the offline analysis and writer stand in (the run says so); an answer slower than the read
    timeout is asked for again. Each run completes, and nothing a parent sees names the provider."""
    before = counts(fake_cloud)
    with gateway(on_aws, family) as client:
        fake_cloud.faults(**{fault: count, "slow_seconds": 4})
        started = time.monotonic()
        run = wait_for_run(client, start_one_shot(client, "image-001.png"), timeout=240)
        assert run["status"] == "complete", run["error"]
        assert time.monotonic() - started < 200
        seen = json.dumps(run)
    assert fake_cloud.faults_left()[fault] == 0
    tools = [call["params"]["toolConfig"]["toolChoice"]["tool"]["name"] for call in since(fake_cloud, before, "Converse")]
    assert sorted(tools) == ["describe_drawing"] * drawing_read + ["write_storybook"] * story_asked  # a slow call is logged when it ends
    written_offline = story_asked == 2
    assert bool(run["drawing_analysis"]["character"]) is not written_offline  # refused twice: the classical analysis has no card
    assert (WRITTEN_OFFLINE_NOTE in run["story_notes"]) is written_offline
    for provider_text in ("Throttling", "Rate exceeded", "Sorry, I can't help", "bedrock", "Bedrock", "botocore", "content_filtered"):
        assert provider_text not in seen
