"""Word timings: where the voice says them (Piper's alignments), else each sentence's measured time shared out by
syllables."""

from __future__ import annotations

import numpy as np
import pytest
from piper.voice import PhonemeAlignment

from media.narrate.local import word_starts
from media.narrate.sentences import SpokenSentenceAudio, joined
from media.narrate.words import estimated_words, measured_words, syllables
from shared.domain.models import VoiceType


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
        ("jumped", 1),
        ("smiled", 1),
        ("wanted", 2),
        ("needed", 2),
        ("played", 1),
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
    said = [SpokenSentenceAudio("Zoom woke up.", tone), SpokenSentenceAudio("He smiled at the sun.", tone[: rate // 2])]
    track = joined(said, rate, pause_sec=0.4)
    for sentence in track.sentences():
        assert [word.text for word in sentence.words] == sentence.text.rstrip(".").split()
        assert sentence.words[0].start_sec == pytest.approx(sentence.start_sec, abs=1e-3)
        assert sentence.words[-1].end_sec == pytest.approx(sentence.end_sec, abs=1e-3)


def aligned(phonemes: str, samples: int = 100) -> list[PhonemeAlignment]:
    return [PhonemeAlignment(phoneme=phoneme, phoneme_ids=[0], num_samples=samples) for phoneme in phonemes]


def test_a_word_starts_on_its_first_phoneme_after_espeak_s_word_break() -> None:
    # ^ zˈuːm , ␣ ðə ␣ ˈʌp . $ : "Zoom, the up."
    assert word_starts(aligned("^zˈuːm, ðə ˈʌp.$")) == [100, 800, 1100]


def test_words_the_voice_placed_are_kept_where_it_placed_them_through_the_trimming() -> None:
    rate = 16_000
    quiet, sound = np.zeros(rate // 2, dtype=np.float32), (np.sin(np.linspace(0, 400 * np.pi, rate)) * 0.5).astype(np.float32)
    audio = np.concatenate([quiet, sound])  # half a second of silence the trimming takes off, then the words
    track = joined([SpokenSentenceAudio("Zoom woke up.", audio, [rate // 2, rate, rate + rate // 4])], rate, pause_sec=0.4)
    (sentence,) = track.sentences()
    assert [word.text for word in sentence.words] == ["Zoom", "woke", "up"]
    starts = [word.start_sec for word in sentence.words]
    assert starts == pytest.approx([sentence.start_sec, sentence.start_sec + 0.5, sentence.start_sec + 0.75], abs=0.011)
    assert sentence.words[-1].end_sec == pytest.approx(sentence.end_sec)


def test_a_voice_that_counts_the_words_differently_is_estimated_instead() -> None:
    assert measured_words("We saw 12 ducks.", [0.1, 0.3, 0.5, 0.7, 0.9], 1.2) is None  # "twelve" or "one two"
    assert measured_words("Up we go.", [0.4, 0.2, 0.6], 1.0) is None  # out of order
    rate = 16_000
    sound = (np.sin(np.linspace(0, 400 * np.pi, rate)) * 0.5).astype(np.float32)
    (sentence,) = joined([SpokenSentenceAudio("We saw 12 ducks.", sound, [0, 100, 200, 300, 400])], rate, pause_sec=0.4).sentences()
    assert [word.text for word in sentence.words] == ["We", "saw", "12", "ducks"]
    assert sentence.words[-1].end_sec == pytest.approx(sentence.end_sec)  # shared out over the sentence


def test_piper_says_where_each_word_is_heard_and_a_pause_is_no_word_s(narrator, decode_pcm, tmp_path) -> None:
    narration = narrator.narrate(text="Zoom, the little rocket, flew up to the moon!", voice=VoiceType.GENTLE, age=6)
    (sentence,) = narration.sentences
    words = sentence.words
    assert [word.text for word in words] == ["Zoom", "the", "little", "rocket", "flew", "up", "to", "the", "moon"]
    assert words != estimated_words(sentence.text, sentence.start_sec, sentence.end_sec)  # measured, not shared out
    assert all(word.start_sec < later.start_sec for word, later in zip(words, words[1:], strict=False))
    # The pause after "Zoom," is heard as quiet before "the" starts: the voice's timing, not a share of the sentence.
    path = tmp_path / "zoom.mp3"
    path.write_bytes(narration.audio)
    samples = np.frombuffer(decode_pcm(path, 16_000), dtype=np.int16).astype(np.float64)
    level = lambda start, end: float(np.sqrt(np.mean(samples[round(start * 16_000) : round(end * 16_000)] ** 2)))  # noqa: E731
    speaking = level(words[2].start_sec, words[3].end_sec)
    assert level(words[1].start_sec - 0.08, words[1].start_sec - 0.02) < speaking / 4
