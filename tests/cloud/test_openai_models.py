"""The OpenAI-compatible providers through the official SDK, against the fake OpenAI-compatible server: the story and
the drawing as structured answers (the json_schema response format, or a forced function call for a server without
it), the pictures as edits of the drawing, the voice sentence by sentence, the SDK's retries, refusals and bad JSON
asked for again, the start-up check of the served models, and the API key in no log line and no error."""

from __future__ import annotations

import json
import logging
from io import BytesIO

import numpy as np
import openai
import pytest
from openai.types.shared_params import ResponseFormatJSONSchema
from PIL import Image

from devstack.generative_fake.images import SKY
from devstack.generative_fake.openai_api import API_KEY
from devstack.generative_fake.polly import pitch
from media.illustrate import Illustration, PageToPaint
from media.illustrate import OffTheLoop as PaintOffTheLoop
from media.illustrate.local import LocalIllustrator
from media.illustrate.openai import OpenAIIllustrator
from media.illustrate.painted import PICTURES_FAILED_MESSAGE
from media.narrate import VOICE_FAILED_MESSAGE
from media.narrate.openai import OPENAI_VOICES, OpenAINarrator
from shared.adapters.openai import OpenAIStructuredModel, openai_client
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from shared.domain.models import DrawingAnalysis, Language, Scene, StoryOptions, StoryScript, Style, Theme, VoiceType
from shared.runtime.openai_endpoint import require_served
from story.settings import StorySettings
from story.write import OffTheLoop, WrittenStory
from story.write.cloud import WRITTEN_OFFLINE_NOTE, CloudStoryWriter
from story.write.local import LocalStoryWriter
from story.write.tiers import tier_for, tier_problems
from tests.cloud.conftest import FakeCloud
from tests.paths import sample
from vision.analyse import OffTheLoop as ClassicalOffTheLoop
from vision.analyse.cloud import CloudDrawingAnalyser
from vision.analyse.local import LocalDrawingAnalyser

CAT = DrawingAnalysis(subject="an orange cat", character="An orange cat with green eyes.", colors=["orange"])
OPTIONS = StoryOptions(theme=Theme.KINDNESS, age=5, voice=VoiceType.CHEERFUL, style=Style.ANIME)


def model(fake: FakeCloud, model_id: str = "gpt-4o-mini", *, json_schema: bool = True, api_key: str = API_KEY) -> OpenAIStructuredModel:
    client = openai_client(base_url=f"{fake.endpoint}/v1", api_key=api_key, timeout=10, max_retries=3)
    return OpenAIStructuredModel(client, model_id=model_id, prices=PriceTable(), json_schema=json_schema)


async def write(fake: FakeCloud, **settings: object) -> WrittenStory:
    writer = CloudStoryWriter(model(fake, **settings), fallback=OffTheLoop(LocalStoryWriter()))  # type: ignore[arg-type]
    return await writer.write(analysis=CAT, options=OPTIONS, seed=3)


def chats(fake: FakeCloud) -> list[dict]:
    return fake.calls("ChatCompletions")


async def test_the_story_is_asked_for_in_the_json_schema_response_format(fake_cloud: FakeCloud) -> None:
    before = len(chats(fake_cloud))
    story = await write(fake_cloud)
    assert not tier_problems(story.script, 5) and len(story.script.scenes) == tier_for(5).scenes[0]
    assert "orange cat" in story.script.scenes[0].text and not story.note  # the model's story, not the stand-in's
    (call,) = chats(fake_cloud)[before:]
    assert call["params"]["response_format"]["type"] == "json_schema"
    assert call["params"]["response_format"]["json_schema"]["name"] == "write_storybook"
    assert story.usage is not None and story.usage.model == "gpt-4o-mini" and (story.usage.usd or 0) > 0


def objects_of(schema: dict) -> list[dict]:
    found = [schema] if "properties" in schema else []
    for inner in [*schema.get("properties", {}).values(), *schema.get("$defs", {}).values(), *schema.get("anyOf", [])]:
        found += objects_of(inner)
    return found + (objects_of(schema["items"]) if isinstance(schema.get("items"), dict) else [])


async def test_the_schema_is_strict_every_object_closed_and_every_property_required(fake_cloud: FakeCloud) -> None:
    before = len(chats(fake_cloud))
    await write(fake_cloud)
    (call,) = chats(fake_cloud)[before:]
    asked = call["params"]["response_format"]["json_schema"]
    assert asked["strict"] is True
    objects = objects_of(asked["schema"])
    assert {obj["title"] for obj in objects} == {"StoryScript", "Scene"}
    assert all(obj["additionalProperties"] is False and obj["required"] == list(obj["properties"]) for obj in objects)
    scene = asked["schema"]["$defs"]["Scene"]["properties"]
    assert scene["setting"]["anyOf"][1] == {"type": "null"}  # optional is nullable, and required
    text = json.dumps(asked["schema"])
    assert "maxLength" not in text and "minLength" not in text and '"default"' not in text  # not in strict's subset
    assert asked["schema"]["properties"]["title"]["description"] == "At most 100 characters."  # said in words instead


async def test_the_fake_refuses_a_schema_strict_mode_would_refuse(fake_cloud: FakeCloud) -> None:
    client = openai_client(base_url=f"{fake_cloud.endpoint}/v1", api_key=API_KEY, timeout=10)
    loose: ResponseFormatJSONSchema = {
        "type": "json_schema",
        "json_schema": {"name": "write_storybook", "schema": StoryScript.model_json_schema(), "strict": True},
    }  # Scene's optionals are not required
    with pytest.raises(openai.BadRequestError, match="'required' is required .* Missing 'setting'"):
        await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "A story."}],
            response_format=loose,
        )


async def test_a_server_without_json_schema_gets_the_schema_as_a_forced_function_call(fake_cloud: FakeCloud) -> None:
    before = len(chats(fake_cloud))
    story = await write(fake_cloud, model_id="llama3.2-vision", json_schema=False)
    assert not story.note and "orange cat" in story.script.scenes[0].text
    (call,) = chats(fake_cloud)[before:]
    assert call["params"]["tool_choice"] == {"type": "function", "function": {"name": "write_storybook"}}
    assert story.usage is not None and story.usage.usd is None  # a self-hosted model has no price


async def test_json_schema_sent_to_a_server_without_it_is_written_offline_and_said_so(fake_cloud: FakeCloud) -> None:
    story = await write(fake_cloud, model_id="llama3.2-vision")
    assert story.note == WRITTEN_OFFLINE_NOTE


@pytest.mark.parametrize(("fault", "asked"), [("throttle", 1), ("fail", 1), ("refuse", 2), ("malformed", 2)])
async def test_each_fault_ends_in_a_story(fake_cloud: FakeCloud, fault: str, asked: int) -> None:
    """429s and 500s are retried by the SDK (one call answered); a refusal or bad JSON is asked for again with the reason."""
    before = len(chats(fake_cloud))
    fake_cloud.faults(**{fault: 1})
    story = await write(fake_cloud)
    assert not story.note and fake_cloud.faults_left()[fault] == 0
    calls = chats(fake_cloud)[before:]
    assert len(calls) == asked
    if fault == "malformed":
        assert "could not be used: the answer was not valid JSON" in calls[1]["params"]["messages"][1]["content"][0]["text"]


async def test_the_drawing_goes_as_a_data_url_and_its_reading_is_merged(fake_cloud: FakeCloud) -> None:
    drawing = sample("image-002.jpg").read_bytes()
    before = len(chats(fake_cloud))
    analyser = CloudDrawingAnalyser(model(fake_cloud), classical=ClassicalOffTheLoop(LocalDrawingAnalyser()))
    reading = await analyser.analyse(drawing)
    assert reading.analysis.subject == "a friendly blue creature" and reading.analysis.character
    assert reading.figure_mask == LocalDrawingAnalyser().analyse(drawing).figure_mask
    image = chats(fake_cloud)[before:][0]["params"]["messages"][1]["content"][0]
    assert image["type"] == "image_url" and image["image_url"]["url"].startswith("<")  # the data URL, logged by its length


async def test_at_start_up_a_model_the_endpoint_does_not_serve_is_named(fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOCOMELON_OPENAI_BASE_URL", f"{fake_cloud.endpoint}/v1")
    monkeypatch.setenv("NOCOMELON_OPENAI_API_KEY", API_KEY)
    settings = StorySettings()
    await require_served(settings, ["gpt-4o-mini"])
    with pytest.raises(SystemExit, match="does not serve gpt-5-nano; it serves gpt-4.1-mini, gpt-4o-mini"):
        await require_served(settings, ["gpt-5-nano"])


async def test_the_api_key_is_in_no_log_line_and_no_error(
    fake_cloud: FakeCloud, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "sk-wrong-key-never-to-be-seen"
    story = await write(fake_cloud, api_key=wrong)  # refused (401): the offline writer stands in
    assert story.note == WRITTEN_OFFLINE_NOTE
    monkeypatch.setenv("NOCOMELON_OPENAI_BASE_URL", f"{fake_cloud.endpoint}/v1")
    monkeypatch.setenv("NOCOMELON_OPENAI_API_KEY", wrong)
    with pytest.raises(SystemExit) as refused:
        await require_served(StorySettings(), ["gpt-4o-mini"])
    assert wrong not in str(refused.value) and wrong not in caplog.text
    assert "sk-" not in repr(StorySettings().openai_api_key)


async def test_each_sentence_is_spoken_on_its_own_and_timed_from_the_audio(fake_cloud: FakeCloud) -> None:

    before = len(fake_cloud.calls("Speech"))
    client = openai_client(base_url=f"{fake_cloud.endpoint}/v1", api_key=API_KEY, timeout=10)
    narrator = OpenAINarrator(client, model_id="tts-1", voices=OPENAI_VOICES, prices=PriceTable())
    text = "The little fox found a star. It twinkled all night long!"
    toddler = await narrator.narrate(text=text, voice=VoiceType.WISE, age=2, language=Language.FRENCH)
    calls = fake_cloud.calls("Speech")[before:]
    assert sorted(call["params"]["input"] for call in calls) == ["It twinkled all night long!", "The little fox found a star."]  # at once
    assert {call["params"]["voice"] for call in calls} == {"onyx"} and calls[0]["params"]["speed"] < 1  # slowed for a two-year-old
    first, second = toddler.sentences
    assert first.text.startswith("The little fox") and 0 < first.start_sec < first.end_sec < second.start_sec < second.end_sec
    assert second.end_sec <= toddler.duration_sec and toddler.usage is not None and toddler.usage.characters == len(text) - 1
    assert toddler.usage.usd == pytest.approx((len(text) - 1) * 15 / 1_000_000)
    assert pitch("onyx") > 0  # the fake hums in the voice's own pitch, as its Polly does


async def test_a_voice_the_endpoint_refuses_fails_the_stage_in_the_products_words(fake_cloud: FakeCloud) -> None:

    client = openai_client(base_url=f"{fake_cloud.endpoint}/v1", api_key=API_KEY, timeout=10)
    narrator = OpenAINarrator(client, model_id="tts-1", voices={**OPENAI_VOICES, VoiceType.GENTLE: "pirate"}, prices=PriceTable())
    with pytest.raises(StageFailure) as failed:
        await narrator.narrate(text="Hello.", voice=VoiceType.GENTLE, age=5, language=Language.ENGLISH)
    assert failed.value.message == VOICE_FAILED_MESSAGE and "pirate" not in failed.value.message


async def paint_page(fake: FakeCloud, fallback: bool = True) -> Illustration:
    client = openai_client(base_url=f"{fake.endpoint}/v1", api_key=API_KEY, timeout=20)
    illustrator = OpenAIIllustrator(
        client, model_id="gpt-image-1", fallback=PaintOffTheLoop(LocalIllustrator()) if fallback else None, prices=PriceTable()
    )
    drawing = sample("image-004.jpg").read_bytes()
    mask = BytesIO()
    Image.new("L", Image.open(BytesIO(drawing)).size, 0).save(mask, "PNG")
    scene = Scene(number=1, text="Tom the cat sailed across the lake.")
    return await illustrator.illustrate(
        PageToPaint(drawing=drawing, figure_mask=mask.getvalue(), analysis=CAT, scene=scene, scene_count=1, options=OPTIONS)
    )


def sky_share(page: bytes) -> float:
    top = np.asarray(Image.open(BytesIO(page)).convert("RGB"), dtype=np.int16)[:40]
    return float((np.abs(top - SKY).max(axis=2) < 12).mean())


async def test_a_page_is_an_edit_of_the_childs_drawing_fitted_to_the_frame(fake_cloud: FakeCloud) -> None:
    before = len(fake_cloud.calls("ImageEdits"))
    page = await paint_page(fake_cloud)
    assert Image.open(BytesIO(page.backdrop)).size == (1280, 720) and sky_share(page.backdrop) > 0.5  # the fake's picture
    (call,) = fake_cloud.calls("ImageEdits")[before:]
    prompt = call["params"]["prompt"]
    assert CAT.character in prompt and "anime" in prompt and "sailed across the lake" in prompt and "frightening" in prompt
    assert call["params"]["size"] == "1536x1024" and page.usage is not None and page.usage.usd == pytest.approx(0.063)


async def test_a_page_the_safety_system_stops_twice_is_painted_offline_or_fails_readably(fake_cloud: FakeCloud) -> None:

    fake_cloud.faults(refuse=1)
    assert sky_share((await paint_page(fake_cloud)).backdrop) > 0.5  # asked once more
    fake_cloud.faults(refuse=2)
    assert sky_share((await paint_page(fake_cloud)).backdrop) < 0.05  # the offline painter's page
    fake_cloud.faults(refuse=2)
    with pytest.raises(StageFailure) as failed:
        await paint_page(fake_cloud, fallback=False)
    assert failed.value.message == PICTURES_FAILED_MESSAGE
