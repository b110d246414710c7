"""The Polly narrator through aioboto3, against the fake Polly: timings from its speech marks, the level of every narrator,
and failures a parent can act on."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from devstack.generative_fake.polly import pitch
from media.narrate.polly import VOICE_FAILED_MESSAGE, PollyNarrator, missing_voices
from media.settings import POLLY_VOICES
from shared.adapters.aws import AwsClients
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from shared.domain.models import Language, VoiceType
from tests.cloud.conftest import FakeCloud

TEXT = 'The little fox found a shiny star. "Hello, star!" said the fox & the owl.'


async def narrate(
    text: str = TEXT,
    *,
    age: int = 6,
    voices: dict[VoiceType, str] | None = None,
    engine: str = "neural",
    language: Language = Language.ENGLISH,
):
    async with AwsClients(region="eu-west-1", endpoint_url=None, services=("polly",)) as aws:
        chosen = {**POLLY_VOICES, language: voices or POLLY_VOICES[language]}
        narrator = PollyNarrator(aws.polly, voices=chosen, engine=engine, prices=PriceTable())
        return await narrator.narrate(text=text, voice=VoiceType.GENTLE, age=age, language=language)


def decoded(mp3: bytes, tmp_path: Path, rate: int = 16_000) -> np.ndarray:
    source = tmp_path / "narration.mp3"
    source.write_bytes(mp3)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(source), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"]
    return np.frombuffer(subprocess.run(command, capture_output=True, check=True).stdout, dtype="<i2").astype(float) / 32768


def loudness(mp3: bytes, tmp_path: Path) -> float:
    source = tmp_path / "level.mp3"
    source.write_bytes(mp3)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(source), "-af", "ebur128", "-f", "null", "-"]
    report = subprocess.run(command, capture_output=True, check=True).stderr.decode()
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1])


async def test_sentences_and_words_are_timed_by_the_speech_marks(cloud_env: FakeCloud, tmp_path: Path) -> None:
    narration = await narrate()

    assert [sentence.text for sentence in narration.sentences] == [
        "The little fox found a shiny star.",
        '"Hello, star!" said the fox & the owl.',
    ]
    words = [word.text for sentence in narration.sentences for word in sentence.words]
    assert words == ["The", "little", "fox", "found", "a", "shiny", "star", "Hello", "star", "said", "the", "fox", "&", "the", "owl"]
    audio = decoded(narration.audio, tmp_path)
    assert abs(len(audio) / 16_000 - narration.duration_sec) < 0.1
    for sentence in narration.sentences:
        assert sentence.start_sec < sentence.end_sec <= narration.duration_sec
        for word in sentence.words:
            assert sentence.start_sec <= word.start_sec < word.end_sec <= sentence.end_sec
            heard = audio[round(word.start_sec * 16_000) + 160 : round(word.end_sec * 16_000) - 160]
            assert np.abs(heard).mean() > 0.02, word  # the word's own hum, where its mark says
    gap = audio[round(narration.sentences[0].end_sec * 16_000) + 80 : round(narration.sentences[1].start_sec * 16_000) - 80]
    assert np.abs(gap).mean() < 0.005  # and quiet between the sentences
    # The voice that spoke is the gentle narrator's: the fake hums at Joanna's pitch.
    spectrum = np.abs(np.fft.rfft(audio))
    assert abs(np.argmax(spectrum) * 16_000 / len(audio) - pitch("Joanna")) < 3
    assert abs(loudness(narration.audio, tmp_path) + 16) <= 2  # the level every narrator keeps


async def test_both_calls_ask_for_the_same_slowed_ssml(cloud_env: FakeCloud) -> None:
    before = len(cloud_env.calls("SynthesizeSpeech"))
    toddler, older = await narrate(age=2), await narrate(age=9)
    calls = cloud_env.calls("SynthesizeSpeech")[before:]
    assert {call["params"]["OutputFormat"] for call in calls} == {"pcm", "json"}
    assert all(call["params"]["VoiceId"] == "Joanna" and call["params"]["Engine"] == "neural" for call in calls)
    assert {call["params"]["Text"] for call in calls[:2]} == {
        '<speak><prosody rate="74%">The little fox found a shiny star. "Hello, star!" said the fox &amp; the owl.</prosody></speak>'
    }
    assert toddler.duration_sec > 1.25 * older.duration_sec


async def test_a_throttled_call_is_retried(cloud_env: FakeCloud) -> None:
    cloud_env.faults(throttle=2)
    assert (await narrate("Hello.")).sentences[0].text == "Hello."


async def test_a_voice_polly_refuses_fails_the_stage_in_the_products_words(cloud_env: FakeCloud) -> None:
    with pytest.raises(StageFailure) as failed:
        await narrate(voices={**POLLY_VOICES[Language.ENGLISH], VoiceType.GENTLE: "Kevin"}, engine="standard")
    assert failed.value.message == VOICE_FAILED_MESSAGE
    assert "Kevin" not in failed.value.message and "engine" not in failed.value.message.lower()


async def test_a_spanish_story_is_read_by_a_spanish_voice(cloud_env: FakeCloud) -> None:
    before = len(cloud_env.calls("SynthesizeSpeech"))
    narration = await narrate("¡Hola, Luna! Él encontró una estrella.", language=Language.SPANISH)
    assert [sentence.text for sentence in narration.sentences] == ["¡Hola, Luna!", "Él encontró una estrella."]
    calls = cloud_env.calls("SynthesizeSpeech")[before:]
    assert {call["params"]["VoiceId"] for call in calls} == {POLLY_VOICES[Language.SPANISH][VoiceType.GENTLE]}


async def test_at_start_up_the_configured_voices_are_checked_against_the_engine(cloud_env: FakeCloud) -> None:
    voices = {language: dict(by_type) for language, by_type in POLLY_VOICES.items()}
    async with AwsClients(region="us-east-1", endpoint_url=None, services=("polly",)) as aws:
        assert await missing_voices(aws.polly, voices, "neural") == []
        # The cheerful and silly English narrators have no generative voice: the worker would not start so.
        assert await missing_voices(aws.polly, voices, "generative") == ["Ivy (en)", "Justin (en)", "Vitoria (pt)"]
