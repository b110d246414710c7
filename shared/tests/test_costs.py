"""Each stage's usage of paid models, priced from the table in settings, and the run's total."""

from __future__ import annotations

import pytest

from shared.domain.costs import DEFAULT_PRICES, ModelPrice, PriceTable, Usage, combined
from shared.domain.events import RunMode, Stage
from shared.domain.run import Checkpoint, StageState


def test_tokens_images_and_characters_are_priced_per_model() -> None:
    prices = PriceTable({"text": ModelPrice(per_1k_input_tokens=0.5, per_1k_output_tokens=2), "paint": ModelPrice(per_image=0.07)})
    assert prices.usage("text", input_tokens=2000, output_tokens=500).usd == pytest.approx(2.0)
    assert prices.usage("paint", images=3).usd == pytest.approx(0.21)
    assert PriceTable().usage("polly.neural", characters=1_000_000).usd == pytest.approx(16.0)


def test_an_inference_profile_costs_what_its_model_costs() -> None:
    assert (
        PriceTable().usage("us.amazon.nova-lite-v1:0", input_tokens=1000).usd == DEFAULT_PRICES["amazon.nova-lite-v1:0"].per_1k_input_tokens
    )


def test_a_model_with_no_price_keeps_its_usage_and_no_estimate() -> None:
    usage = PriceTable().usage("someone.new-model-v9", input_tokens=10)
    assert usage.usd is None and usage.input_tokens == 10
    assert (usage + PriceTable().usage("amazon.nova-lite-v1:0", input_tokens=10)).usd is None  # a total that misses a part is no total


def test_usages_add_up_and_nothing_paid_is_none() -> None:
    one = Usage(model="m", requests=1, input_tokens=5, usd=0.25)
    total = combined([one, None, one])
    assert total == Usage(model="m", requests=2, input_tokens=10, usd=0.5)
    assert combined([None, None]) is None


def test_the_runs_cost_is_its_stages_usage() -> None:
    run = Checkpoint(user_id="u", run_id="r", mode=RunMode.ONE_SHOT, drawing_key="k", media_type="image/png")
    assert run.cost_usd() == 0
    stages = dict(run.stages)
    stages[Stage.STORY] = StageState(usage=Usage(model="m", usd=0.0012))
    stages[Stage.IMAGES] = StageState(usage=Usage(model="p", images=5, usd=0.35))
    assert run.model_copy(update={"stages": stages}).cost_usd() == pytest.approx(0.3512)
