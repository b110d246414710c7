"""A scene's narration assembled sentence by sentence, so each sentence's timing is known from the sample counts.

Every narrator that can speak one sentence at a time (Piper, an OpenAI-compatible speech endpoint) speaks each on its
own; each is trimmed of its own silence (keeping a margin so soft consonants are not clipped) and the sentences are
joined by capped pauses, then a trailing pad. Where each sentence starts and ends is then counted, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from media.narrate import Narration
from media.narrate.level import OUTPUT_RATE, encode_mp3, normalised
from media.narrate.words import estimated_words, measured_words
from shared.domain.costs import Usage
from shared.domain.models import MAX_AGE, MIN_AGE, SpokenSentence

TRAILING_PAD_SEC = 0.3  # so a page never cuts off the last word
LONGEST_PAUSE_SEC = 1.0  # well under the 1.5 s a child hears as the story having stopped
SLOWER_PER_YEAR = 0.05  # a two-year-old hears the story about a quarter slower than a nine-year-old

# Trimming a voice's own silence: 10 ms frames quieter than this (relative to the sentence's
# loudest frame) are silence, and a little margin stays so soft consonants are not clipped.
FRAME_SEC = 0.01
SILENCE_DB = -40.0
MARGIN_SEC = 0.03

# A sentence ends at . ! or ? (maybe closing a quote or bracket) before one that starts with a capital:
# "Shh... the moon is sleeping." is one sentence, as a caption should show it.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")


def age_slowdown(age: int) -> float:
    """Multiplier on speech and pause length: 1.0 at the oldest age, larger for younger children."""
    return 1 + SLOWER_PER_YEAR * (MAX_AGE - min(max(age, MIN_AGE), MAX_AGE))


def split_sentences(text: str) -> list[str]:
    """The sentences of a scene's text, in order, as captions show them."""
    return [sentence for sentence in (part.strip() for part in _SENTENCE_BREAK.split(text)) if sentence]


@dataclass(frozen=True)
class SpokenSentenceAudio:
    """One sentence as a voice said it: its audio, and (where the voice tells) the sample each word starts on."""

    text: str
    audio: np.ndarray
    word_onsets: list[int] | None = None


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # first sample of speech in the track
    end: int  # first sample after it
    word_onsets: list[int] | None  # in the track's samples, where the voice told them


@dataclass(frozen=True)
class Track:
    """A scene's speech before encoding: samples at `rate` and each sentence's [start, end) sample span."""

    samples: np.ndarray
    rate: int
    spans: list[Span]

    def sentences(self) -> list[SpokenSentence]:
        """Each sentence where it was measured, with its words where the voice said them; else shared out within it
        (media.narrate.words)."""
        spoken = []
        for span in self.spans:
            start, end = span.start / self.rate, span.end / self.rate
            onsets = [onset / self.rate for onset in span.word_onsets] if span.word_onsets is not None else None
            words = (measured_words(span.text, onsets, end) if onsets is not None else None) or estimated_words(span.text, start, end)
            spoken.append(SpokenSentence(text=span.text, start_sec=start, end_sec=end, words=words))
        return spoken


def joined(spoken: Iterable[SpokenSentenceAudio], rate: int, *, pause_sec: float) -> Track:
    """Each sentence's audio at `rate` trimmed and joined by `pause_sec` of silence, then the trailing pad."""
    pause = _silence(pause_sec, rate)
    pieces: list[np.ndarray] = []
    spans: list[Span] = []
    position = 0
    for sentence in spoken:
        (kept_from, kept_to), (onset, offset) = _trimmed(sentence.audio, rate)
        if kept_to <= kept_from:  # punctuation alone says nothing
            continue
        if pieces:
            pieces.append(pause)
            position += len(pause)
        # A word the trimming cut into starts where the speech does.
        onsets = None if sentence.word_onsets is None else [position + max(word - kept_from, onset) for word in sentence.word_onsets]
        spans.append(Span(sentence.text, position + onset, position + offset, onsets))
        pieces.append(sentence.audio[kept_from:kept_to])
        position += kept_to - kept_from
    return Track(np.concatenate([*pieces, _silence(TRAILING_PAD_SEC, rate)]), rate, spans)


def narration_of(track: Track, usage: Usage | None = None) -> Narration:
    """The track at the level every narrator keeps, as MP3, with its sentences' timings."""
    audio = encode_mp3(normalised(track.samples, track.rate), track.rate)
    # The MP3's header makes decoders drop the encoder's delay and padding, so what they play is exactly the track.
    duration = round(len(track.samples) * OUTPUT_RATE / track.rate) / OUTPUT_RATE
    return Narration(audio=audio, duration_sec=duration, sentences=track.sentences(), usage=usage)


def _trimmed(audio: np.ndarray, rate: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """What to keep of the audio without its leading and trailing silence (keeping a margin), as [from, to) samples,
    and where speech starts and ends in what is kept."""
    frame = round(FRAME_SEC * rate)
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    energy = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    if not len(energy) or energy.max() == 0:
        return (0, 0), (0, 0)
    voiced = np.flatnonzero(energy > energy.max() * 10 ** (SILENCE_DB / 20))
    first, last = voiced[0] * frame, (voiced[-1] + 1) * frame
    margin = round(MARGIN_SEC * rate)
    start, end = max(first - margin, 0), min(last + margin, len(audio))
    return (start, end), (first - start, last - start)


def _silence(seconds: float, rate: int) -> np.ndarray:
    return np.zeros(round(seconds * rate), dtype=np.float32)
