"""The OpenAI-compatible endpoint a worker's `openai` providers use, made from its settings, and the start-up check
that the endpoint serves the configured models (so a missing model is told to the operator, not to a parent)."""

from __future__ import annotations

from openai import APIError, AsyncOpenAI

from shared.adapters.openai import OpenAIStructuredModel, openai_client, served_models
from shared.runtime.settings import WorkerSettings


def endpoint_client(settings: WorkerSettings) -> AsyncOpenAI:
    key = settings.openai_api_key.get_secret_value()
    return openai_client(base_url=settings.openai_base_url, api_key=key, timeout=settings.model_read_timeout_seconds)


def structured_model(settings: WorkerSettings, model_id: str) -> OpenAIStructuredModel:
    return OpenAIStructuredModel(
        endpoint_client(settings), model_id=model_id, prices=settings.price_table(), json_schema=settings.openai_json_schema
    )


async def require_served(settings: WorkerSettings, models: list[str]) -> None:
    """Raises SystemExit, naming what is missing, when the endpoint cannot be reached or does not serve every model."""
    client = endpoint_client(settings)
    try:
        served = await served_models(client)
    except APIError as error:
        raise SystemExit(
            f"the OpenAI-compatible endpoint {settings.openai_base_url} did not list its models ({type(error).__name__})"
        ) from None
    finally:
        await client.close()
    if missing := sorted(set(models) - served):
        raise SystemExit(
            f"the OpenAI-compatible endpoint {settings.openai_base_url} does not serve {', '.join(missing)}; it serves {', '.join(sorted(served))}"
        )
