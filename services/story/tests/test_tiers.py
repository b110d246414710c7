"""The age tiers' rules: one set, kept by the offline writer and asked of a model."""

from __future__ import annotations

import itertools

import pytest

from shared.domain.models import MAX_AGE, MIN_AGE, DrawingAnalysis, Scene, StoryOptions, StoryScript, Style, Theme, VoiceType
from story.write.local import LocalStoryWriter
from story.write.tiers import tier_for, tier_problems

DRAWINGS = [DrawingAnalysis(subject=subject) for subject in ("a red rocket", "a little fish named Bubbles", "your drawing's hero")]


@pytest.mark.parametrize("age", range(MIN_AGE, MAX_AGE + 1))
def test_the_offline_writer_keeps_to_its_tier(age: int) -> None:
    for analysis, theme, seed in itertools.product(DRAWINGS, Theme, (1, 2)):
        options = StoryOptions(theme=theme, age=age, voice=VoiceType.GENTLE, style=Style.STORYBOOK, personal_context="a new baby sister")
        script = LocalStoryWriter().write(analysis=analysis, options=options, seed=seed)
        assert tier_problems(script, age) == [], (theme, seed)


def test_a_script_too_long_for_a_toddler_says_what_to_change() -> None:
    long_sentence = "The very little rocket flew up and up and up over all the tall trees."
    script = StoryScript(title="Up", scenes=[Scene(number=n, text=long_sentence) for n in range(1, 6)])
    problems = tier_problems(script, 2)
    assert problems[0] == "the story has 5 scenes; it must have exactly 3"
    assert "scene 1 has a sentence of 15 words; at most 10" in problems
    assert tier_for(8).scenes == (6, 7) and tier_problems(script, 6) == []
