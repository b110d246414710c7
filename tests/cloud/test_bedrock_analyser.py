"""The Bedrock analyser through aioboto3, against the fake Bedrock Runtime: the drawing as an image block, the answer
through a forced tool call, merged with the classical analysis (its mask and palette kept), the classical answer when
the model's cannot be used."""

from __future__ import annotations

import pytest

from shared.adapters.aws import AwsClients
from shared.adapters.bedrock import BedrockStructuredModel
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from tests.cloud.conftest import FakeCloud
from tests.paths import sample
from vision.analyse import DrawingReading, OffTheLoop
from vision.analyse.cloud import DRAWING_NOT_READ_MESSAGE, CloudDrawingAnalyser
from vision.analyse.local import LocalDrawingAnalyser


async def analyse(drawing: bytes, model: str = "amazon.nova-lite-v1:0") -> DrawingReading:
    async with AwsClients(region="us-east-1", endpoint_url=None, services=("bedrock-runtime",)) as aws:
        bedrock = BedrockStructuredModel(aws.bedrock_runtime, model_id=model, prices=PriceTable())
        analyser = CloudDrawingAnalyser(bedrock, classical=OffTheLoop(LocalDrawingAnalyser()))
        return await analyser.analyse(drawing)


async def test_the_model_names_the_drawing_and_the_classical_measurements_stay(cloud_env: FakeCloud) -> None:
    drawing = sample("image-001.png").read_bytes()
    before = len(cloud_env.calls("Converse"))
    reading = await analyse(drawing)
    classical = LocalDrawingAnalyser().analyse(drawing)

    call = cloud_env.calls("Converse")[before:][0]["params"]
    image = call["messages"][0]["content"][0]["image"]
    assert image["format"] == "jpeg" and image["source"]["bytes"].endswith(" bytes>")  # the drawing itself was sent
    assert call["toolConfig"]["toolChoice"] == {"tool": {"name": "describe_drawing"}}

    seen = reading.analysis
    assert seen.subject.startswith("a friendly ") and seen.subject.endswith(" creature")  # the fake's words, with the colour it measured
    assert seen.character.startswith("A friendly ") and seen.subject_unsure is False
    assert seen.colors == [seen.subject.split()[2]]
    # What the classical analysis measures is kept: the mask, the figures, the palette, the layout.
    assert reading.figure_mask == classical.figure_mask
    assert (seen.figures, seen.palette, seen.layout) == (classical.analysis.figures, classical.analysis.palette, classical.analysis.layout)


async def test_an_answer_that_does_not_fit_is_asked_for_again_then_the_classical_one_is_used(cloud_env: FakeCloud) -> None:
    drawing = sample("image-002.jpg").read_bytes()
    cloud_env.faults(malformed=1)
    once = await analyse(drawing)
    assert once.analysis.character  # the second answer fitted

    before = len(cloud_env.calls("Converse"))
    cloud_env.faults(refuse=2)
    refused = await analyse(drawing)
    asked_again = cloud_env.calls("Converse")[before:][1]["params"]["messages"][0]["content"][1]["text"]
    assert "could not be used: the answer stopped with 'content_filtered'" in asked_again
    classical = LocalDrawingAnalyser().analyse(drawing)
    assert (refused.analysis, refused.figure_mask) == (classical.analysis, classical.figure_mask)


async def test_a_model_the_account_cannot_use_gives_the_classical_analysis_at_once(cloud_env: FakeCloud) -> None:
    drawing = sample("image-003.jpg").read_bytes()
    before = len(cloud_env.calls("Converse"))
    reading = await analyse(drawing, model="amazon.titan-text-express-v1")
    classical = LocalDrawingAnalyser().analyse(drawing)
    assert (reading.analysis, reading.figure_mask) == (classical.analysis, classical.figure_mask) and reading.usage is None
    assert len(cloud_env.calls("Converse")) == before + 1  # not asked twice


async def test_a_file_that_is_no_drawing_fails_before_the_model_is_asked(cloud_env: FakeCloud) -> None:
    before = len(cloud_env.calls("Converse"))
    with pytest.raises(StageFailure):
        await analyse(b"not a picture at all")
    assert len(cloud_env.calls("Converse")) == before


async def test_with_no_stand_in_allowed_a_drawing_the_model_will_not_read_fails_the_stage_readably(cloud_env: FakeCloud) -> None:
    cloud_env.faults(refuse=2)
    async with AwsClients(region="us-east-1", endpoint_url=None, services=("bedrock-runtime",)) as aws:
        bedrock = BedrockStructuredModel(aws.bedrock_runtime, model_id="amazon.nova-lite-v1:0", prices=PriceTable())
        analyser = CloudDrawingAnalyser(bedrock, classical=OffTheLoop(LocalDrawingAnalyser()), classical_stands_in=False)
        with pytest.raises(StageFailure) as failed:
            await analyser.analyse(sample("image-001.png").read_bytes())
    assert failed.value.message == DRAWING_NOT_READ_MESSAGE
