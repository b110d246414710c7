"""When each word of a sentence is heard: where the voice says (Piper's phoneme alignments), or, for a narrator that
tells only when the sentence is (a speech endpoint), the sentence's measured time shared out by syllables. Read-along
highlights these, so a long word is lit longer than a short one.

A word is what a speech mark names: its letters and digits, without the punctuation around it ("Zoom," is "Zoom").
"""

from __future__ import annotations

import re

from shared.domain.models import SpokenWord

_TOKEN = re.compile(r"\S+")
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")
_VOWELS = set("aeiouyáéíóúàèìòùâêîôûäëïöüãõœæ")
# Every word has an onset however short it is, and a comma or a full stop is a little breath after it.
_ONSET = 0.5
_BREATH_AFTER = {",": 0.6, ";": 0.6, ":": 0.6, ".": 0.8, "!": 0.8, "?": 0.8}


def syllables(word: str) -> int:
    """About how many syllables a word has: its groups of vowels, a silent final 'e' or '-ed' aside; a number is one
    per digit."""
    letters = word.lower()
    if letters.isdigit():
        return len(letters)
    groups = 0
    previous_vowel = False
    for letter in letters:
        vowel = letter in _VOWELS
        groups += vowel and not previous_vowel
        previous_vowel = vowel
    if letters.endswith("e") and not letters.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    if letters.endswith("ed") and not letters.endswith(("ted", "ded")) and groups > 1:  # "jumped" is one, "wanted" two
        groups -= 1
    return max(groups, 1)


def spoken_tokens(text: str) -> list[tuple[str, str]]:
    """Each word of the text as written (with its punctuation) and as a speech mark names it (without)."""
    tokens = [(token, _EDGE_PUNCTUATION.sub("", token)) for token in _TOKEN.findall(text)]
    return [(token, word) for token, word in tokens if word]


def measured_words(text: str, onsets_sec: list[float], end_sec: float) -> list[SpokenWord] | None:
    """The words where the voice said each starts (each heard until the next begins); None when the voice counted
    the words differently from the text ("12" said as two, say), and the caller estimates instead."""
    tokens = spoken_tokens(text)
    if not tokens or len(tokens) != len(onsets_sec) or onsets_sec != sorted(onsets_sec):
        return None
    ends = [*onsets_sec[1:], end_sec]
    return [
        SpokenWord(text=word, start_sec=round(start, 3), end_sec=round(max(finish, start), 3))
        for (_, word), start, finish in zip(tokens, onsets_sec, ends, strict=True)
    ]


def estimated_words(text: str, start_sec: float, end_sec: float) -> list[SpokenWord]:
    """The sentence's words, each given a share of [start, end) in proportion to its syllables (and the breath a
    comma or a full stop after it takes), back to back from the sentence's start to its end."""
    tokens = spoken_tokens(text)
    if not tokens or end_sec <= start_sec:
        return []
    breaths = [_BREATH_AFTER.get(token[-1], 0.0) for token, _ in tokens]
    breaths[-1] = 0.0  # the breath after the last word is the sentence's end, not part of its time
    weights = [_ONSET + syllables(word) + breath for (_, word), breath in zip(tokens, breaths, strict=True)]
    per_weight = (end_sec - start_sec) / sum(weights)
    words: list[SpokenWord] = []
    position = start_sec
    for (_, word), weight, breath in zip(tokens, weights, breaths, strict=True):
        heard_until = end_sec if len(words) == len(tokens) - 1 else position + (weight - breath) * per_weight
        words.append(SpokenWord(text=word, start_sec=round(position, 3), end_sec=round(heard_until, 3)))
        position += weight * per_weight
    return words
