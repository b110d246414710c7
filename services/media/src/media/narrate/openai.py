"""A narrator on an OpenAI-compatible speech endpoint (`/audio/speech`): one voice per narrator, each sentence spoken
on its own (16-bit PCM at 24 kHz), so its timing is measured from the audio as the offline narrator measures it.

The endpoint gives no word timings: the sentences carry none, as the offline narrator's do not. Speech is slowed for
the youngest with the endpoint's `speed`. A request the endpoint refuses fails the stage in the product's words;
throttling and outages are retried by the SDK, then raised for the queue to bring the message back.
"""

from __future__ import annotations

import asyncio
import logging

import numpy as np
from openai import AsyncOpenAI
from opentelemetry.trace import SpanKind

from media.narrate import VOICE_FAILED, VOICE_FAILED_MESSAGE, Narration
from media.narrate.sentences import LONGEST_PAUSE_SEC, SpokenSentenceAudio, age_slowdown, joined, narration_of, split_sentences
from shared.adapters.openai import UNUSABLE
from shared.domain.costs import PriceTable
from shared.domain.errors import StageFailure
from shared.domain.models import Language, VoiceType
from shared.runtime.tracing import tracer

log = logging.getLogger(__name__)

PCM_RATE = 24_000  # what OpenAI's pcm format is
SENTENCE_PAUSE_SEC = 0.35
MAX_CHARACTERS = 4096  # the endpoint's limit on one input
# The multilingual voices speak every language the app offers; one per narrator.
OPENAI_VOICES = {VoiceType.GENTLE: "shimmer", VoiceType.CHEERFUL: "nova", VoiceType.SILLY: "fable", VoiceType.WISE: "onyx"}


class OpenAINarrator:
    """Implements the Narrator port with the speech endpoint of the `openai` SDK's async client."""

    def __init__(self, client: AsyncOpenAI, *, model_id: str, voices: dict[VoiceType, str], prices: PriceTable) -> None:
        self._client, self._model_id, self._voices, self._prices = client, model_id, voices, prices

    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration:
        slowdown = age_slowdown(age)
        sentences = split_sentences(text)
        spoken = await asyncio.gather(*(self._speak(sentence, self._voices[voice], 1 / slowdown) for sentence in sentences))
        said = [SpokenSentenceAudio(sentence, audio) for sentence, audio in zip(sentences, spoken, strict=True)]
        track = joined(said, PCM_RATE, pause_sec=min(SENTENCE_PAUSE_SEC * slowdown, LONGEST_PAUSE_SEC))
        usage = self._prices.usage(self._model_id, characters=sum(len(sentence) for sentence in sentences))
        return await asyncio.to_thread(narration_of, track, usage)

    async def _speak(self, sentence: str, voice: str, speed: float) -> np.ndarray:
        if len(sentence) > MAX_CHARACTERS:  # a scene is far shorter (see Scene.text); this guards the request, not the story
            raise StageFailure(VOICE_FAILED, VOICE_FAILED_MESSAGE)
        with tracer.start_as_current_span("openai audio.speech", kind=SpanKind.CLIENT, attributes={"model_id": self._model_id}):
            try:
                answer = await self._client.audio.speech.create(
                    model=self._model_id, voice=voice, input=sentence, response_format="pcm", speed=round(speed, 2)
                )
            except UNUSABLE as error:
                log.warning("the speech endpoint refused the narration", extra={"error": type(error).__name__, "voice": voice})
                raise StageFailure(VOICE_FAILED, VOICE_FAILED_MESSAGE) from None
        return np.frombuffer(answer.content, dtype="<i2").astype(np.float32) / 32768
