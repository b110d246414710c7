"""A narrator in the cloud: Amazon Polly speaks each scene, and its speech marks say when every sentence and word is heard.

Two calls a scene, as Polly asks: the audio (16-bit PCM, so the marks' milliseconds are sample counts with no
codec delay to allow for) and its sentence and word marks. The same SSML goes to both, slowed for the youngest
as the offline narrator slows, so the marks fit the audio. The level and the MP3 are made as for every narrator.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from typing import Any

import numpy as np
from botocore.exceptions import ClientError
from opentelemetry.trace import SpanKind

from media.narrate import VOICE_FAILED, VOICE_FAILED_MESSAGE, Narration
from media.narrate.level import encode_mp3, normalised
from media.narrate.sentences import age_slowdown
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from shared.domain.models import Language, SpokenSentence, SpokenWord, VoiceType
from shared.runtime.tracing import tracer

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000  # the highest Polly's PCM offers
MAX_CHARACTERS = 3000  # Polly's limit on the characters billed in one request
FRAME_SEC = 0.01
QUIET_DB = -40.0  # a 10 ms frame this far under the scene's loudest is silence: where a word or sentence has ended
# Polly's refusals that mean this voice cannot say this text: worth a readable failure, not a retry.
REFUSALS = frozenset(
    {
        "TextLengthExceededException",
        "InvalidSsmlException",
        "LanguageNotSupportedException",
        "EngineNotSupportedException",
        "ValidationException",
    }
)


class PollyNarrator:
    """Implements the Narrator port with Polly's SynthesizeSpeech; `client` is an aioboto3 Polly client."""

    def __init__(self, client: Any, *, voices: dict[Language, dict[VoiceType, str]], engine: str, prices: PriceTable) -> None:
        self._client, self._voices, self._engine, self._prices = client, voices, engine, prices

    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration:
        if len(text) > MAX_CHARACTERS:  # a scene is far shorter (see Scene.text); this guards the request, not the story
            raise StageFailure(VOICE_FAILED, VOICE_FAILED_MESSAGE)
        ssml = f'<speak><prosody rate="{round(100 / age_slowdown(age))}%">{html.escape(text, quote=False)}</prosody></speak>'
        request = {"Text": ssml, "TextType": "ssml", "VoiceId": self._voices[language][voice], "Engine": self._engine}
        (audio, audio_characters), (marks, marks_characters) = await asyncio.gather(
            self._speak(request, OutputFormat="pcm", SampleRate=str(SAMPLE_RATE)),
            self._speak(request, OutputFormat="json", SpeechMarkTypes=["sentence", "word"]),
        )
        # Polly bills both calls by the characters it read; its price is the engine's, whatever the voice.
        usage = self._prices.usage(f"polly.{self._engine}", characters=audio_characters + marks_characters)
        samples = np.frombuffer(audio, dtype="<i2").astype(np.float32) / 32768
        sentences = _sentences([json.loads(line) for line in marks.splitlines() if line.strip()], samples)
        mp3 = await asyncio.to_thread(lambda: encode_mp3(normalised(samples, SAMPLE_RATE), SAMPLE_RATE))
        return Narration(audio=mp3, duration_sec=len(samples) / SAMPLE_RATE, sentences=sentences, usage=usage)

    async def _speak(self, request: dict[str, Any], **output: Any) -> tuple[bytes, int]:
        with tracer.start_as_current_span(
            "polly synthesize_speech", kind=SpanKind.CLIENT, attributes={"voice": request["VoiceId"], "format": output["OutputFormat"]}
        ):
            try:
                answer = await self._client.synthesize_speech(**request, **output)
                async with answer["AudioStream"] as stream:
                    return await stream.read(), answer.get("RequestCharacters", 0)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                if code not in REFUSALS:
                    raise  # throttling past botocore's retries, or an outage: the message comes round again
                # What Polly said stays in the log; the parent reads the product's own words.
                log.warning("polly refused the narration", extra={"code": code, "voice": request["VoiceId"], "engine": request["Engine"]})
                raise StageFailure(VOICE_FAILED, VOICE_FAILED_MESSAGE) from error


async def missing_voices(client: Any, voices: dict[Language, dict[VoiceType, str]], engine: str) -> list[str]:
    """The configured voices Polly does not have with `engine` (DescribeVoices lists those it has), as 'Ivy (en)'."""
    offered: set[str] = set()
    token: str | None = None
    while True:
        page = await client.describe_voices(Engine=engine, **({"NextToken": token} if token else {}))
        offered |= {voice["Id"] for voice in page.get("Voices", [])}
        token = page.get("NextToken")
        if not token:
            break
    wanted = {(voice, language.value) for language, by_type in voices.items() for voice in by_type.values()}
    return sorted(f"{voice} ({language})" for voice, language in wanted if voice not in offered)


def _sentences(marks: list[dict[str, Any]], samples: np.ndarray) -> list[SpokenSentence]:
    """Each sentence from its mark to where its sound ends, with its words the same way."""
    loud = _loud_frames(samples)
    sentence_marks = [mark for mark in marks if mark["type"] == "sentence"]
    word_marks = [mark for mark in marks if mark["type"] == "word"]
    total = len(samples) / SAMPLE_RATE
    sentences = []
    for index, mark in enumerate(sentence_marks):
        start = mark["time"] / 1000
        until = sentence_marks[index + 1]["time"] / 1000 if index + 1 < len(sentence_marks) else total
        inside = [word for word in word_marks if start <= word["time"] / 1000 < until]
        words = [
            SpokenWord(
                text=html.unescape(word["value"]),
                start_sec=word["time"] / 1000,
                end_sec=_sound_end(loud, word["time"] / 1000, inside[position + 1]["time"] / 1000 if position + 1 < len(inside) else until),
            )
            for position, word in enumerate(inside)
        ]
        end = _sound_end(loud, start, until)
        sentences.append(SpokenSentence(text=html.unescape(mark["value"]), start_sec=start, end_sec=end, words=words))
    return sentences


def _loud_frames(samples: np.ndarray) -> np.ndarray:
    frame = round(FRAME_SEC * SAMPLE_RATE)
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    energy = np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1)) + 1e-9
    return 20 * np.log10(energy / energy.max()) > QUIET_DB if len(energy) else np.zeros(0, dtype=bool)


def _sound_end(loud: np.ndarray, start: float, until: float) -> float:
    """Where the last sound between `start` and `until` ends (seconds); `until` when it never goes quiet."""
    # Only whole frames before `until`: the frame it falls in already holds the next sound.
    first, last = int(start / FRAME_SEC), min(int(until / FRAME_SEC), len(loud))
    heard = np.flatnonzero(loud[first:last])
    return round((first + heard[-1] + 1) * FRAME_SEC, 3) if len(heard) else until
