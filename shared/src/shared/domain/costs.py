"""What a storybook costs on paid models: each stage's usage (tokens, images, characters) and its estimate in US dollars.

Prices are a setting (`NOCOMELON_MODEL_PRICES`, a JSON object of model id to price), with on-demand list prices
as defaults. An inference profile's region prefix ("us.", "eu.", "apac.") is the same model at the same price.
A model missing from the table is recorded with its usage and no estimate, so the gap shows rather than a wrong sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import Field

from shared.domain.models import Model

_PROFILE_PREFIXES = ("us.", "eu.", "apac.", "global.")


class ModelPrice(Model):
    per_1k_input_tokens: float = Field(default=0, ge=0)
    per_1k_output_tokens: float = Field(default=0, ge=0)
    per_image: float = Field(default=0, ge=0)
    per_1m_characters: float = Field(default=0, ge=0)


# On-demand prices in us-east-1 (USD), as AWS lists them; Polly's are per engine, not per voice.
DEFAULT_PRICES: dict[str, ModelPrice] = {
    "amazon.nova-micro-v1:0": ModelPrice(per_1k_input_tokens=0.000035, per_1k_output_tokens=0.00014),
    "amazon.nova-lite-v1:0": ModelPrice(per_1k_input_tokens=0.00006, per_1k_output_tokens=0.00024),
    "amazon.nova-pro-v1:0": ModelPrice(per_1k_input_tokens=0.0008, per_1k_output_tokens=0.0032),
    "anthropic.claude-3-5-haiku-20241022-v1:0": ModelPrice(per_1k_input_tokens=0.0008, per_1k_output_tokens=0.004),
    "stability.stable-image-control-sketch-v1:0": ModelPrice(per_image=0.07),
    "amazon.titan-image-generator-v2:0": ModelPrice(per_image=0.01),
    "amazon.nova-canvas-v1:0": ModelPrice(per_image=0.04),
    # OpenAI's list prices; a self-hosted model server costs what its machine costs, so it has no entry.
    "gpt-4o-mini": ModelPrice(per_1k_input_tokens=0.00015, per_1k_output_tokens=0.0006),
    "gpt-4.1-mini": ModelPrice(per_1k_input_tokens=0.0004, per_1k_output_tokens=0.0016),
    "tts-1": ModelPrice(per_1m_characters=15.0),
    "gpt-image-1": ModelPrice(per_image=0.063),  # a medium-quality 1536x1024 picture
    "polly.standard": ModelPrice(per_1m_characters=4.0),
    "polly.neural": ModelPrice(per_1m_characters=16.0),
    "polly.generative": ModelPrice(per_1m_characters=30.0),
}


class Usage(Model):
    """What one stage asked of one paid model, and what that is estimated to cost (None: the model has no price)."""

    model: str
    requests: int = Field(default=0, ge=0)
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    images: int = Field(default=0, ge=0)
    characters: int = Field(default=0, ge=0)
    usd: float | None = Field(default=None, ge=0)

    def __add__(self, other: Usage) -> Usage:
        models = self.model if other.model == self.model else f"{self.model} + {other.model}"
        usd = None if self.usd is None or other.usd is None else round(self.usd + other.usd, 6)
        counts = {
            name: getattr(self, name) + getattr(other, name)
            for name in ("requests", "input_tokens", "output_tokens", "images", "characters")
        }
        return Usage(model=models, usd=usd, **counts)


class PriceTable:
    def __init__(self, prices: Mapping[str, ModelPrice] = DEFAULT_PRICES) -> None:
        self._prices = dict(prices)

    def usage(self, model: str, *, input_tokens: int = 0, output_tokens: int = 0, images: int = 0, characters: int = 0) -> Usage:
        """One request's usage, priced."""
        price = self._prices.get(_base_model(model))
        usd = None
        if price is not None:
            usd = round(
                input_tokens / 1000 * price.per_1k_input_tokens
                + output_tokens / 1000 * price.per_1k_output_tokens
                + images * price.per_image
                + characters / 1_000_000 * price.per_1m_characters,
                6,
            )
        return Usage(
            model=model, requests=1, input_tokens=input_tokens, output_tokens=output_tokens, images=images, characters=characters, usd=usd
        )

    def has(self, model: str) -> bool:
        return _base_model(model) in self._prices


def combined(usages: Iterable[Usage | None]) -> Usage | None:
    """The usages added up; None when nothing paid was used."""
    total: Usage | None = None
    for usage in usages:
        if usage is not None:
            total = usage if total is None else total + usage
    return total


def _base_model(model: str) -> str:
    for prefix in _PROFILE_PREFIXES:
        if model.startswith(prefix):
            return model.removeprefix(prefix)
    return model
