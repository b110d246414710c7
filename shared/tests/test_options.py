"""The one source of option defaults: what is recommended, and read-along by the child's age unless the parent chose."""

from __future__ import annotations

import pytest

from shared.domain.models import DrawingAnalysis, OptionChoices, StoryOptions, Style, Theme, VoiceType
from shared.domain.options import recommend_options


@pytest.mark.parametrize(("age", "lit"), [(2, False), (3, False), (4, True), (5, True), (6, True), (7, True), (8, False), (9, False)])
def test_read_along_follows_the_age_until_the_parent_chooses(age: int, lit: bool) -> None:
    options = StoryOptions(theme=Theme.NATURE, age=age, voice=VoiceType.GENTLE, style=Style.STORYBOOK)

    assert options.reads_along is lit
    assert options.model_copy(update={"read_along": not lit}).reads_along is (not lit)


def test_a_recommendation_leaves_read_along_to_the_age_chosen_later() -> None:
    analysis = DrawingAnalysis(subject="a red rocket")

    assert recommend_options(analysis, OptionChoices()).read_along is None
    assert recommend_options(analysis, OptionChoices(read_along=True, age=3)).reads_along is True
