"""A narration's level and its MP3, whoever spoke it: every narrator's scenes come out at one loudness.

Nothing here moves any sound in time (a gain, a limiter that looks ahead, an MP3 that carries its encoder
delay in its header), so a narrator's sentence and word timings stay true after it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from shared.runtime import subprocesses

OUTPUT_RATE = 44_100
MP3_BITRATE = "96k"  # plenty for one mono voice
TARGET_LUFS = -16.0  # EBU R128 integrated loudness, the usual target for speech on small speakers
LOUDNESS_TOLERANCE = 0.5  # LU, well inside the ±2 LU the product allows
MP3_LOUDNESS_DROP = 0.5  # LU: the MP3 measures this much quieter than the samples it is made from, at any bitrate
LOUDNESS_MEASUREMENTS = 3  # by ffmpeg, about 20 ms each; two are usually enough to come within LOUDNESS_TOLERANCE
GAIN_ROUNDS = 4  # gains tried (a few ms each) to make up what the limiter takes back
PEAK_CEILING = 0.9  # headroom for the MP3 encoder's overshoot
LIMITER_SEC = 0.01  # how gradually the limiter turns a peak down: long enough not to crackle

_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+) LUFS")


def normalised(samples: np.ndarray, rate: int) -> np.ndarray:
    """The samples at the target loudness, as ffmpeg measures it: a gain, with the peaks it pushes too high held down.

    Holding peaks down takes some loudness back (most on a short line, whose loud vowels are most
    of it); `_louder` makes up most of that, and a second measurement the rest.
    Unlike loudnorm's dynamic mode, nothing here moves any sound in time.
    """
    if not np.any(samples):  # silence has no loudness to correct
        return samples
    for _ in range(LOUDNESS_MEASUREMENTS):
        error = TARGET_LUFS + MP3_LOUDNESS_DROP - _integrated_loudness(_raw_input(rate), samples.astype("<f4").tobytes())
        if abs(error) <= LOUDNESS_TOLERANCE:
            break
        samples = _louder(samples, error, rate)
    return samples


def _louder(samples: np.ndarray, change_db: float, rate: int) -> np.ndarray:
    """The samples about `change_db` louder, peaks held down, judged by the ratio of plain energies (silence counts in neither)."""
    gain_db, energy = change_db, _energy(samples)
    louder = samples  # always replaced: GAIN_ROUNDS is at least one
    for _ in range(GAIN_ROUNDS):
        louder = _limited(samples * np.float32(10 ** (gain_db / 20)), rate)
        shortfall = change_db - 10 * np.log10(_energy(louder) / energy)
        if abs(shortfall) <= LOUDNESS_TOLERANCE:
            break
        gain_db += shortfall
    return louder


def _energy(samples: np.ndarray) -> float:
    return float(np.sum(np.square(samples, dtype=np.float64)))


def _limited(samples: np.ndarray, rate: int) -> np.ndarray:
    """The samples with their peaks held under PEAK_CEILING by a smooth gain, which looks both ways since the whole clip is known.

    Each sample takes the lowest gain any sample within half a window needs, then that is averaged over
    the same window: the average never exceeds what the loudest nearby sample needs, so no peak passes.
    """
    window = 2 * round(LIMITER_SEC * rate / 2) + 1
    needed = np.minimum(1, PEAK_CEILING / np.maximum(np.abs(samples), 1e-9))
    if needed.min() == 1:
        return samples
    lowest = sliding_window_view(np.pad(needed, window // 2, mode="edge"), window).min(axis=1)
    gain = np.convolve(np.pad(lowest, window // 2, mode="edge"), np.ones(window) / window, mode="valid")
    return (samples * gain).astype(np.float32)


def _integrated_loudness(input_format: list[str], audio: bytes) -> float:
    """EBU R128 integrated loudness (LUFS) as ffmpeg's ebur128 filter measures it; its running values are logged only verbosely."""
    done = _run_ffmpeg([*input_format, "-i", "pipe:0", "-af", "ebur128=framelog=verbose", "-f", "null", "-"], audio, quiet=False)
    return float(_INTEGRATED.search(done.stderr.decode(errors="replace"))[1])  # type: ignore[index]


def _raw_input(rate: int) -> list[str]:
    return ["-f", "f32le", "-ar", str(rate), "-ac", "1"]


def encode_mp3(samples: np.ndarray, rate: int) -> bytes:
    # ffmpeg writes the MP3's gapless-playback header only when it can seek back in its output, hence a file.
    with tempfile.TemporaryDirectory(prefix="narration-") as scratch:
        mp3 = Path(scratch) / "narration.mp3"
        _run_ffmpeg(
            [*_raw_input(rate), "-i", "pipe:0", "-af", f"aresample={OUTPUT_RATE}"]
            + ["-ac", "1", "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, str(mp3)],
            np.clip(samples, -1, 1).astype("<f4").tobytes(),
        )
        return mp3.read_bytes()


def _run_ffmpeg(arguments: list[str], stdin: bytes, quiet: bool = True) -> subprocess.CompletedProcess[bytes]:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error" if quiet else "info", "-y", *arguments]
    done = subprocesses.run(command, input=stdin)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
    return done
