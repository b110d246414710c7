"""Word timings where a narrator tells only the sentences: each sentence's measured time shared out by syllables."""

from __future__ import annotations

import numpy as np
import pytest

from media.narrate.sentences import joined
from media.narrate.words import estimated_words, syllables


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("rabbit", 2),
        ("little", 2),
        ("cake", 1),
        ("banana", 3),
        ("tree", 1),
        ("Zoom", 1),
        ("canción", 2),
        ("2026", 4),
        ("hmm", 1),
    ],
)
def test_syllables_are_counted_by_vowel_groups(word: str, count: int) -> None:
    assert syllables(word) == count


def test_the_words_fill_the_sentence_back_to_back_and_a_long_word_lasts_longer() -> None:
    words = estimated_words("Zoom, the little rocket, flew up to the banana moon!", 1.0, 4.0)
    assert [word.text for word in words] == ["Zoom", "the", "little", "rocket", "flew", "up", "to", "the", "banana", "moon"]
    assert words[0].start_sec == 1.0 and words[-1].end_sec == 4.0
    assert all(word.start_sec < word.end_sec <= later.start_sec for word, later in zip(words, words[1:], strict=False))
    length = {word.text: word.end_sec - word.start_sec for word in words}
    assert length["banana"] > length["little"] > length["the"]
    assert words[1].start_sec - words[0].end_sec > 0.05  # the breath at the comma is nobody's word


def test_a_sentence_with_no_words_or_no_time_has_no_word_timings() -> None:
    assert estimated_words("...", 0.0, 1.0) == []
    assert estimated_words("Hello.", 2.0, 2.0) == []


def test_a_narration_joined_sentence_by_sentence_has_its_words_inside_each_measured_sentence() -> None:
    rate = 16_000
    tone = (np.sin(np.linspace(0, 400 * np.pi, rate)) * 0.5).astype(np.float32)  # one second of sound
    track = joined([("Zoom woke up.", tone), ("He smiled at the sun.", tone[: rate // 2])], rate, pause_sec=0.4)
    for sentence in track.sentences():
        assert [word.text for word in sentence.words] == sentence.text.rstrip(".").split()
        assert sentence.words[0].start_sec == pytest.approx(sentence.start_sec, abs=1e-3)
        assert sentence.words[-1].end_sec == pytest.approx(sentence.end_sec, abs=1e-3)
