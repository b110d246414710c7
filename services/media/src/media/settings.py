"""Media's settings: a worker's, and which providers paint, narrate and compose."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field

from shared.domain.models import Language, VoiceType
from shared.runtime.settings import WorkerSettings

# One Polly voice for each of the app's narrators in each language (every one has the neural and generative engines,
# but Ivy and Justin: neural and standard). Where a language has fewer voices, two narrators share one.
POLLY_VOICES: dict[Language, dict[VoiceType, str]] = {
    Language.ENGLISH: {VoiceType.GENTLE: "Joanna", VoiceType.CHEERFUL: "Ivy", VoiceType.SILLY: "Justin", VoiceType.WISE: "Matthew"},
    Language.SPANISH: {VoiceType.GENTLE: "Lucia", VoiceType.CHEERFUL: "Lupe", VoiceType.SILLY: "Pedro", VoiceType.WISE: "Sergio"},
    Language.FRENCH: {VoiceType.GENTLE: "Lea", VoiceType.CHEERFUL: "Lea", VoiceType.SILLY: "Remi", VoiceType.WISE: "Remi"},
    Language.GERMAN: {VoiceType.GENTLE: "Vicki", VoiceType.CHEERFUL: "Vicki", VoiceType.SILLY: "Daniel", VoiceType.WISE: "Daniel"},
    Language.PORTUGUESE: {VoiceType.GENTLE: "Camila", VoiceType.CHEERFUL: "Vitoria", VoiceType.SILLY: "Thiago", VoiceType.WISE: "Thiago"},
}


class MediaSettings(WorkerSettings):
    media_provider: str = "local"
    # NOCOMELON_ILLUSTRATION_PROVIDER: who paints. "bedrock" needs AWS credentials, or AWS_ENDPOINT_URL_BEDROCK_RUNTIME for the fake.
    illustration_provider: Literal["local", "bedrock", "openai"] = "local"
    openai_image_model: str = "gpt-image-1"
    # Stability's sketch control by default (the drawing is the sketch); a Titan Image v2 or Nova Canvas id works too.
    bedrock_image_model: str = "us.stability.stable-image-control-sketch-v1:0"
    # NOCOMELON_VOICE_PROVIDER: who narrates. "polly" needs AWS credentials, or AWS_ENDPOINT_URL_POLLY for the local fake.
    voice_provider: Literal["local", "polly", "openai"] = "local"
    # NOCOMELON_OPENAI_VOICE_MODEL and NOCOMELON_OPENAI_VOICES (JSON, one voice per narrator) for the `openai` voice.
    openai_voice_model: str = "tts-1"
    openai_voices: dict[VoiceType, str] = Field(default_factory=dict)
    polly_engine: Literal["standard", "neural", "generative"] = "neural"
    # NOCOMELON_POLLY_VOICES: {"es": {"gentle": "Lucia", ...}, ...}; a language left out keeps its default voices.
    polly_voices: dict[Language, dict[VoiceType, str]] = Field(default_factory=dict)
    # NOCOMELON_RENDER_AHEAD: each page of the video is rendered as soon as its scene is made, while the later scenes
    # are still being painted and narrated. Off, no page is rendered before every scene is made (bench/e2e's "before").
    render_ahead: bool = True

    def voices(self) -> dict[Language, dict[VoiceType, str]]:
        return {language: {**POLLY_VOICES[language], **self.polly_voices.get(language, {})} for language in Language}

    def cloud_services(self) -> tuple[str, ...]:
        wanted = {"polly": self.voice_provider == "polly", "bedrock-runtime": self.illustration_provider == "bedrock"}
        return tuple(service for service, used in wanted.items() if used)

    def cpu_messages_at_once(self) -> int:
        # Offline, the pages' painting and narration, and the render, take a core slot each (media.cores), so the worker
        # can hold more messages than it has cores: the fan-in's announcements and the video request, which need no
        # core, are then handled as they come rather than after the pages waiting for one (about 1 s of a storybook).
        return 3 * (os.cpu_count() or 1)

    def waits_on_network(self) -> bool:
        # A cloud model paints or speaks a scene while the worker waits; its own CPU work (offline pages and voices, the
        # render) still takes a core each (media.cores), however many messages it has in hand.
        return self.illustration_provider != "local" or self.voice_provider != "local"
