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
from media.narrate.words import estimated_words
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
class Track:
    """A scene's speech before encoding: samples at `rate` and each sentence's [start, end) sample span."""

    samples: np.ndarray
    rate: int
    spans: list[tuple[str, int, int]]

    def sentences(self) -> list[SpokenSentence]:
        """Each sentence where it was measured, its words shared out within it (media.narrate.words)."""
        return [
            SpokenSentence(
                text=text,
                start_sec=start / self.rate,
                end_sec=end / self.rate,
                words=estimated_words(text, start / self.rate, end / self.rate),
            )
            for text, start, end in self.spans
        ]


def joined(spoken: Iterable[tuple[str, np.ndarray]], rate: int, *, pause_sec: float) -> Track:
    """Each (sentence, its audio at `rate`) trimmed and joined by `pause_sec` of silence, then the trailing pad."""
    pause = _silence(pause_sec, rate)
    pieces: list[np.ndarray] = []
    spans: list[tuple[str, int, int]] = []
    position = 0
    for sentence, audio in spoken:
        kept, (onset, offset) = _trimmed(audio, rate)
        if not len(kept):  # punctuation alone says nothing
            continue
        if pieces:
            pieces.append(pause)
            position += len(pause)
        spans.append((sentence, position + onset, position + offset))
        pieces.append(kept)
        position += len(kept)
    return Track(np.concatenate([*pieces, _silence(TRAILING_PAD_SEC, rate)]), rate, spans)


def narration_of(track: Track, usage: Usage | None = None) -> Narration:
    """The track at the level every narrator keeps, as MP3, with its sentences' timings."""
    audio = encode_mp3(normalised(track.samples, track.rate), track.rate)
    # The MP3's header makes decoders drop the encoder's delay and padding, so what they play is exactly the track.
    duration = round(len(track.samples) * OUTPUT_RATE / track.rate) / OUTPUT_RATE
    return Narration(audio=audio, duration_sec=duration, sentences=track.sentences(), usage=usage)


def _trimmed(audio: np.ndarray, rate: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The audio without its leading and trailing silence (keeping a margin), and where speech starts and ends in it."""
    frame = round(FRAME_SEC * rate)
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    energy = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    if not len(energy) or energy.max() == 0:
        return audio[:0], (0, 0)
    voiced = np.flatnonzero(energy > energy.max() * 10 ** (SILENCE_DB / 20))
    first, last = voiced[0] * frame, (voiced[-1] + 1) * frame
    margin = round(MARGIN_SEC * rate)
    start, end = max(first - margin, 0), min(last + margin, len(audio))
    return audio[start:end], (first - start, last - start)


def _silence(seconds: float, rate: int) -> np.ndarray:
    return np.zeros(round(seconds * rate), dtype=np.float32)
