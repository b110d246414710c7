"""Media's settings: a worker's, and which providers paint, narrate and compose."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.domain.models import VoiceType
from shared.runtime.settings import WorkerSettings

# One Polly voice for each of the app's narrators (US English; each has the neural engine).
POLLY_VOICES = {VoiceType.GENTLE: "Joanna", VoiceType.CHEERFUL: "Ivy", VoiceType.SILLY: "Justin", VoiceType.WISE: "Matthew"}


class MediaSettings(WorkerSettings):
    media_provider: str = "local"
    # NOCOMELON_ILLUSTRATION_PROVIDER: who paints. "bedrock" needs AWS credentials, or AWS_ENDPOINT_URL_BEDROCK_RUNTIME for the fake.
    illustration_provider: Literal["local", "bedrock"] = "local"
    # Stability's sketch control by default (the drawing is the sketch); a Titan Image v2 or Nova Canvas id works too.
    bedrock_image_model: str = "us.stability.stable-image-control-sketch-v1:0"
    bedrock_image_pool: int = Field(default=3, ge=1, le=12)  # pages painted at once: the model waits on the network, not on us
    # NOCOMELON_VOICE_PROVIDER: who narrates. "polly" needs AWS credentials, or AWS_ENDPOINT_URL_POLLY for the local fake.
    voice_provider: Literal["local", "polly"] = "local"
    polly_engine: Literal["standard", "neural", "generative"] = "neural"
    polly_voices: dict[VoiceType, str] = Field(default_factory=lambda: dict(POLLY_VOICES))

    def cloud_services(self) -> tuple[str, ...]:
        wanted = {"polly": self.voice_provider == "polly", "bedrock-runtime": self.illustration_provider == "bedrock"}
        return tuple(service for service, used in wanted.items() if used)
