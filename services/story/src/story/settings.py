"""Story's settings: a worker's, and which writer writes the script."""

from __future__ import annotations

from typing import Literal

from shared.runtime.settings import WorkerSettings


class StorySettings(WorkerSettings):
    # NOCOMELON_STORY_PROVIDER: "bedrock" needs AWS credentials, or AWS_ENDPOINT_URL_BEDROCK_RUNTIME for the local fake.
    story_provider: Literal["local", "bedrock", "openai"] = "local"
    # A model (or inference profile) that takes Converse with tool use; Nova Lite is among the cheapest that does.
    bedrock_story_model: str = "amazon.nova-lite-v1:0"
    openai_story_model: str = "gpt-4o-mini"

    def cloud_services(self) -> tuple[str, ...]:
        return ("bedrock-runtime",) if self.story_provider == "bedrock" else ()

    def waits_on_network(self) -> bool:
        return self.story_provider != "local"
