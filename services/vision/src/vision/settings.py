"""Vision's settings: a worker's, and which analyser reads the drawing."""

from __future__ import annotations

from typing import Literal

from shared.runtime.settings import WorkerSettings


class VisionSettings(WorkerSettings):
    # NOCOMELON_VISION_PROVIDER: "bedrock" needs AWS credentials, or AWS_ENDPOINT_URL_BEDROCK_RUNTIME for the local fake.
    vision_provider: Literal["local", "bedrock", "openai"] = "local"
    # A model (or inference profile) that takes images and tool use in Converse.
    bedrock_vision_model: str = "amazon.nova-lite-v1:0"
    openai_vision_model: str = "gpt-4o-mini"

    def cloud_services(self) -> tuple[str, ...]:
        return ("bedrock-runtime",) if self.vision_provider == "bedrock" else ()

    def waits_on_network(self) -> bool:
        return self.vision_provider != "local"
