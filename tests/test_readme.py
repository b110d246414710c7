"""The README's folder table is the living map of the tree: every folder it names exists, and every package is named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def _folder_table() -> str:
    section = README.read_text().split("## How it fits together", 1)[1].split("\n### ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def test_every_folder_the_table_names_exists() -> None:
    table = _folder_table()
    named = re.findall(r"^\| `([^`]+)`", table, re.MULTILINE)
    assert named, "the folder table is missing"
    assert [path for path in named if not (REPO / path).exists()] == []


def test_every_package_of_shared_and_every_service_is_in_the_table() -> None:
    table = _folder_table()
    layers = [
        path.relative_to(REPO).as_posix() + "/" for path in (REPO / "shared/src/shared").iterdir() if (path / "__init__.py").is_file()
    ]
    services = [path.relative_to(REPO).as_posix() + "/" for path in (REPO / "services").iterdir() if path.is_dir()]
    gateway_parts = [path.name for path in (REPO / "services/gateway/src/gateway").iterdir() if (path / "__init__.py").is_file()]
    assert [folder for folder in layers + services if f"`{folder}`" not in table] == []
    assert [part for part in gateway_parts if f"`{part}/`" not in table] == []


@pytest.mark.parametrize(
    "stages",
    [
        {
            "vision": ("amazon.nova-lite-v1:0", {"input_tokens": 1800, "output_tokens": 200}),
            "story": ("amazon.nova-lite-v1:0", {"input_tokens": 1400, "output_tokens": 900}),
            "pictures": ("us.stability.stable-image-control-sketch-v1:0", {"images": 5}),
            "voice": ("polly.neural", {"characters": 2200}),
        },
        {
            "vision": ("gpt-4o-mini", {"input_tokens": 26000, "output_tokens": 200}),
            "story": ("gpt-4o-mini", {"input_tokens": 1400, "output_tokens": 900}),
            "pictures": ("gpt-image-1", {"images": 5}),
            "voice": ("tts-1", {"characters": 1100}),
        },
    ],
    ids=["bedrock-and-polly", "openai"],
)
def test_the_cost_of_a_typical_storybook_is_what_the_price_table_says(stages: dict[str, tuple[str, dict[str, int]]]) -> None:
    from shared.domain.costs import PriceTable

    prices = PriceTable()
    readme = README.read_text()
    total = 0.0
    for stage, (model, amounts) in stages.items():
        usd = prices.usage(model, **amounts).usd
        assert usd is not None
        assert re.search(rf"^\| {stage} \(.*\| {usd:.4f} \|$", readme, re.MULTILINE), (stage, model)
        total += usd
    assert f"| **total** | | **{total:.4f}** |" in readme
