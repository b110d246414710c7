"""Storybooks end to end with some stages on the cloud and the rest offline: each stage's provider is its own setting."""

from __future__ import annotations

import numpy as np
import pytest

from devstack.generative_fake.images import SKY
from media.compose.local import StreamingComposer
from nocomelon_cli.signin import Credentials
from tests.cloud.conftest import OFFLINE, ON_AWS, CloudStack, FakeCloud
from tests.cloud.test_storybooks_on_aws import counts, download_video, since, start_one_shot
from tests.e2e.system import assert_error_shape, gateway, sign_in, wait_for_run
from tests.media_probe import frame_at
from tests.paths import sample

STORY_ON_BEDROCK = {**OFFLINE, "story": ON_AWS["story"]}
PICTURES_AND_VOICE_ON_AWS = {**ON_AWS, "story": OFFLINE["story"]}


def fake_sky_share(video_frame: np.ndarray) -> float:
    return float((np.abs(video_frame.astype(np.int16)[:60] - SKY).max(axis=2) < 24).mean())


@pytest.mark.parametrize("providers", [STORY_ON_BEDROCK, PICTURES_AND_VOICE_ON_AWS], ids=["story-on-bedrock", "pictures-and-voice-on-aws"])
def test_a_storybook_with_some_stages_on_the_cloud(cloud_stack: CloudStack, fake_cloud: FakeCloud, providers: dict) -> None:
    stack = cloud_stack.use(providers)
    family = sign_in(stack, Credentials(email="mixed.family@nocomelon.local", password="Mixed4Family"))
    story_on_cloud = providers["story"] == ON_AWS["story"]
    before = counts(fake_cloud)
    with gateway(stack, family) as client:
        run = wait_for_run(client, start_one_shot(client, "image-003.jpg", voice="gentle"))
        assert run["status"] == "complete", run["error"]
        # With the offline writer or voice on one side, a storybook is told in English only, and the parent is told so.
        assert [language["value"] for language in client.get("/api/v1/options").json()["languages"]] == ["en"]
        refused = client.post(
            "/api/v1/runs", files={"drawing": ("d.jpg", sample("image-003.jpg").read_bytes(), "image/jpeg")}, data={"language": "es"}
        )
        assert refused.status_code == 422 and assert_error_shape(refused, 422)["code"] == "language_not_offered"
        assert "Spanish" in refused.json()["error"]["message"] and "English" in refused.json()["error"]["message"]
        video = download_video(client, run, f"mixed-{'story' if story_on_cloud else 'media'}")

    tools = [call["params"]["toolConfig"]["toolChoice"]["tool"]["name"] for call in since(fake_cloud, before, "Converse")]
    painted, spoken = since(fake_cloud, before, "InvokeModel"), since(fake_cloud, before, "SynthesizeSpeech")
    page = frame_at(video, StreamingComposer().title_sec + 1.0)
    scenes = run["story_script"]["scenes"]
    if story_on_cloud:  # the offline analysis and studio, the model's script
        assert tools == ["write_storybook"] and not painted and not spoken
        assert run["story_script"]["title"].startswith("The Day of the")
        assert fake_sky_share(page) < 0.05 and not run["drawing_analysis"]["character"]
    else:  # the model's reading, pictures and voice, the offline writer's script
        assert tools == ["describe_drawing"] and len(painted) == len(scenes) and len(spoken) == 2 * len(scenes)
        assert not run["story_script"]["title"].startswith("The Day of the")
        assert fake_sky_share(page) > 0.3 and run["drawing_analysis"]["character"]
        assert all(sentence["words"] for clip in run["audio_result"]["clips"] for sentence in clip["sentences"])
