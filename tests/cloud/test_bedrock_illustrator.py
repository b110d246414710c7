"""The Bedrock illustrator through aioboto3, against the fake's image models: each family's native request with the
child's drawing as the condition, the same seed on every page, the answer fitted to 16:9, a refused page asked for
once more, then painted offline."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from devstack.generative_fake.images import SKY
from media.illustrate import FRAME_SIZE, Illustration, OffTheLoop, PageToPaint, read_figure
from media.illustrate.bedrock import PICTURES_FAILED_MESSAGE, BedrockIllustrator
from media.illustrate.local import LocalIllustrator
from shared.adapters.aws import AwsClients
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from shared.domain.models import DrawingAnalysis, Motion, Scene, SceneSetting, StoryOptions, Style, Theme, VoiceType
from tests.cloud.conftest import FakeCloud
from tests.paths import sample

CAT = DrawingAnalysis(subject="an orange cat", character="An orange cat with green eyes and a striped tail.", colors=["orange"])
OPTIONS = StoryOptions(theme=Theme.FRIENDSHIP, age=5, voice=VoiceType.GENTLE, style=Style.WATERCOLOR)
SCENES = [
    Scene(number=1, text="Tom the cat woke up in the garden.", setting=SceneSetting.MEADOW),
    Scene(number=2, text="Tom sailed on the lake."),
]


async def paint(model: str, scene: Scene, drawing: bytes) -> Illustration:
    async with AwsClients(region="us-east-1", endpoint_url=None, services=("bedrock-runtime",)) as aws:
        illustrator = BedrockIllustrator(aws.bedrock_runtime, model_id=model, fallback=OffTheLoop(LocalIllustrator()), prices=PriceTable())
        mask = Image.new("L", Image.open(BytesIO(drawing)).size, 0)
        out = BytesIO()
        mask.save(out, "PNG")
        return await illustrator.illustrate(
            PageToPaint(drawing=drawing, figure_mask=out.getvalue(), analysis=CAT, scene=scene, scene_count=len(SCENES), options=OPTIONS)
        )


def sky_share(page: bytes) -> float:
    top = np.asarray(Image.open(BytesIO(page)).convert("RGB"), dtype=np.int16)[:40]
    return float((np.abs(top - SKY).max(axis=2) < 12).mean())


@pytest.mark.parametrize(
    "model", ["us.stability.stable-image-control-sketch-v1:0", "amazon.titan-image-generator-v2:0", "amazon.nova-canvas-v1:0"]
)
async def test_each_family_paints_the_page_from_the_drawing_fitted_to_the_frame(cloud_env: FakeCloud, model: str) -> None:
    drawing = sample("image-004.jpg").read_bytes()
    before = len(cloud_env.calls("InvokeModel"))
    pages = [await paint(model, scene, drawing) for scene in SCENES]

    for page in pages:
        assert Image.open(BytesIO(page.backdrop)).size == FRAME_SIZE and sky_share(page.backdrop) > 0.5  # the fake's picture
        sticker, stance = read_figure(page.figure)
        assert sticker.getchannel("A").getbbox() is None and stance.motion is Motion.REST  # the whole page is the model's
    bodies = [call["params"]["body"] for call in cloud_env.calls("InvokeModel")[before:]]
    prompts = [body.get("prompt") or body["textToImageParams"]["text"] for body in bodies]
    seeds = {body.get("seed") or body["imageGenerationConfig"]["seed"] for body in bodies}
    assert len(seeds) == 1  # one seed for the whole book
    assert all("An orange cat with green eyes" in prompt and "watercolour" in prompt for prompt in prompts)  # the card and the style
    assert "Tom sailed on the lake" in prompts[1] and "The place: lake" in prompts[1]
    negative = bodies[0].get("negative_prompt") or bodies[0]["textToImageParams"]["negativeText"]
    assert "frightening" in negative
    condition = bodies[0].get("image") or bodies[0]["textToImageParams"]["conditionImage"]
    assert condition.endswith("characters>")  # the drawing went with every request


@pytest.mark.parametrize("model", ["us.stability.stable-image-control-sketch-v1:0", "amazon.nova-canvas-v1:0"])
async def test_a_refused_page_is_asked_for_again_with_another_seed(cloud_env: FakeCloud, model: str) -> None:
    drawing = sample("image-005.jpg").read_bytes()
    before = len(cloud_env.calls("InvokeModel"))
    cloud_env.faults(refuse=1)
    page = await paint(model, SCENES[0], drawing)
    bodies = [call["params"]["body"] for call in cloud_env.calls("InvokeModel")[before:]]
    seeds = [body.get("seed") or body["imageGenerationConfig"]["seed"] for body in bodies]
    assert len(seeds) == 2 and seeds[1] == seeds[0] + 1 and sky_share(page.backdrop) > 0.5


async def test_a_page_refused_twice_or_a_model_not_enabled_is_painted_offline(cloud_env: FakeCloud) -> None:
    drawing = sample("image-005.jpg").read_bytes()
    cloud_env.faults(refuse=2)
    refused = await paint("us.stability.stable-image-control-sketch-v1:0", SCENES[0], drawing)
    not_enabled = await paint("amazon.titan-image-generator-v1", SCENES[0], drawing)
    for page in (refused, not_enabled):
        assert sky_share(page.backdrop) < 0.05
        assert read_figure(page.figure)[0].getchannel("A").getbbox() is not None  # the offline page's moving figure


async def test_throttling_past_the_retries_is_raised_for_the_queue_to_bring_back(cloud_env: FakeCloud) -> None:
    from botocore.exceptions import ClientError

    cloud_env.faults(throttle=20)
    try:
        with pytest.raises(ClientError, match="Throttling"):
            await paint("amazon.nova-canvas-v1:0", SCENES[0], sample("image-001.png").read_bytes())
    finally:
        cloud_env.faults(throttle=0)


async def test_with_no_stand_in_allowed_a_refused_page_fails_the_stage_readably(cloud_env: FakeCloud) -> None:
    drawing = sample("image-005.jpg").read_bytes()
    cloud_env.faults(refuse=2)
    async with AwsClients(region="us-east-1", endpoint_url=None, services=("bedrock-runtime",)) as aws:
        illustrator = BedrockIllustrator(aws.bedrock_runtime, model_id="amazon.nova-canvas-v1:0", fallback=None, prices=PriceTable())
        with pytest.raises(StageFailure) as failed:
            await illustrator.illustrate(
                PageToPaint(drawing=drawing, figure_mask=b"", analysis=CAT, scene=SCENES[0], scene_count=1, options=OPTIONS)
            )
    assert failed.value.message == PICTURES_FAILED_MESSAGE
