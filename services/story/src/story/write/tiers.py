"""What a story for each age is allowed to be: how many scenes, how long its sentences and scenes.

The offline writer is built to these (its scene plans and phrasings); a model is told them in its
prompt and its script is checked against them, so every writer's storybook fits the child.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.domain.models import MIN_AGE, StoryScript


@dataclass(frozen=True)
class Tier:
    ages: str
    scenes: tuple[int, int]  # at least, at most
    sentence_words: int  # at most, per sentence
    scene_sentences: int  # at most, per scene (one page's caption)


# Measured on the offline writer over every theme, age, seed and kind of context, so both writers keep to one rule.
TIERS = (
    Tier("2-3", scenes=(3, 3), sentence_words=10, scene_sentences=5),
    Tier("4-5", scenes=(4, 4), sentence_words=16, scene_sentences=5),
    Tier("6-7", scenes=(5, 5), sentence_words=20, scene_sentences=5),
    Tier("8-9", scenes=(6, 7), sentence_words=26, scene_sentences=5),
)

_SENTENCE_BREAK = re.compile(r'(?<=[.!?])["”’)]*\s+')
_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9']+")


def tier_for(age: int) -> Tier:
    return TIERS[min((age - MIN_AGE) // 2, len(TIERS) - 1)]


def tier_problems(script: StoryScript, age: int) -> list[str]:
    """What in the script does not fit a child of `age`, in words a writer can act on; empty when it fits."""
    tier, problems = tier_for(age), []
    low, high = tier.scenes
    if not low <= len(script.scenes) <= high:
        wanted = f"exactly {low}" if low == high else f"{low} to {high}"
        problems.append(f"the story has {len(script.scenes)} scenes; it must have {wanted}")
    for scene in script.scenes:
        sentences = [sentence for sentence in _SENTENCE_BREAK.split(scene.text.strip()) if sentence]
        if len(sentences) > tier.scene_sentences:
            problems.append(f"scene {scene.number} has {len(sentences)} sentences; at most {tier.scene_sentences}")
        longest = max((len(_WORD.findall(sentence)) for sentence in sentences), default=0)
        if longest > tier.sentence_words:
            problems.append(f"scene {scene.number} has a sentence of {longest} words; at most {tier.sentence_words}")
    return problems
