"""The storybook's sound: each narration at its page's first frame, over a soft music bed made here.

Everything is mixed in numpy at sample precision (ffmpeg's adelay works in
whole milliseconds and its ducking reacts late), then written as one WAV for
the encoder.
"""

from __future__ import annotations

import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from media.compose.timeline import Timeline
from shared.runtime import subprocesses

RATE = 44_100
MUSIC_PEAK = 0.5  # before ducking
GAP_GAIN_DB = -8.0  # the music carries the title, the end card and the breaths between sentences
SPEECH_GAIN_DB = -18.0  # and steps back while a sentence is spoken
DUCK_RAMP_SEC = 0.25  # how long the music takes to step back or return
FADE_OUT_SEC = 1.5
LOOP_SEC = 8.0  # four chords of two seconds, repeated for as long as the story

# I–V–vi–IV in C: a progression children's songs use everywhere. Note frequencies in Hz.
CHORDS = (
    (261.63, 329.63, 392.00),  # C
    (196.00, 246.94, 293.66),  # G
    (220.00, 261.63, 329.63),  # Am
    (174.61, 220.00, 261.63),  # F
)
ARPEGGIO_STEP_SEC = 0.25


def soundtrack(timeline: Timeline) -> np.ndarray:
    """Mono float32 samples at RATE, exactly as long as the video."""
    length = round(timeline.duration_sec * RATE)
    voice = _narration_track(timeline, length)
    music = np.resize(music_loop(), length) * _ducking(timeline, length)
    _fade_out(music)
    return np.clip(voice + music, -1.0, 1.0)


def write_wav(samples: np.ndarray, target: Path) -> None:
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())


def music_loop() -> np.ndarray:
    """LOOP_SEC of soft pad chords with a plucked arpeggio on top; it ends where it starts, so it tiles."""
    chord_sec = LOOP_SEC / len(CHORDS)
    per_chord = round(chord_sec * RATE)
    t = np.arange(per_chord) / RATE
    swell = np.sin(np.pi * t / chord_sec) ** 0.5  # each chord breathes in and out: no clicks at the joins
    pieces = []
    for chord in CHORDS:
        pad = sum(np.sin(2 * np.pi * f * t) + 0.3 * np.sin(2 * np.pi * f * 1.003 * t) for f in chord) * swell
        pieces.append(0.6 * pad + _arpeggio(chord, t))
    loop = np.concatenate(pieces)
    return (MUSIC_PEAK * loop / np.abs(loop).max()).astype(np.float32)


def _arpeggio(chord: tuple[float, ...], t: np.ndarray) -> np.ndarray:
    """Chord tones an octave up, one every ARPEGGIO_STEP_SEC, each a soft decaying pluck."""
    notes = np.zeros_like(t)
    step = round(ARPEGGIO_STEP_SEC * RATE)
    pluck_t = t[:step]
    envelope = np.exp(-pluck_t * 9) * np.minimum(pluck_t / 0.01, 1)  # 10 ms attack, so it does not click
    for index, start in enumerate(range(0, len(t) - step + 1, step)):
        frequency = 2 * chord[(0, 1, 2, 1)[index % 4]]
        notes[start : start + step] = np.sin(2 * np.pi * frequency * pluck_t) * envelope
    return notes


def _narration_track(timeline: Timeline, length: int) -> np.ndarray:
    track = np.zeros(length, dtype=np.float32)
    with ThreadPoolExecutor(max_workers=4) as pool:
        narrations = list(pool.map(decode, [slot.page.audio for slot in timeline.pages]))
    for slot, narration in zip(timeline.pages, narrations, strict=True):
        start, end = (_sample(timeline, frame) for frame in (slot.start_frame, slot.end_frame))
        piece = narration[: end - start]
        track[start : start + len(piece)] += piece
    return track


def _ducking(timeline: Timeline, length: int) -> np.ndarray:
    """Music gain per sample: SPEECH_GAIN_DB while a sentence is spoken, GAP_GAIN_DB otherwise, with smooth ramps."""
    control_rate = 100  # gain changes far slower than audio; work at 10 ms steps, then interpolate
    steps = length * control_rate // RATE + 1
    gain_db = np.full(steps, GAP_GAIN_DB)
    for slot in timeline.pages:
        for caption in slot.captions:
            first, last = (round(timeline.seconds(frame) * control_rate) for frame in (caption.start_frame, caption.end_frame))
            gain_db[first:last] = SPEECH_GAIN_DB
    ramp = round(DUCK_RAMP_SEC * control_rate)
    # The average is centred, so the music starts stepping back half a ramp before the voice comes in.
    smoothed = np.convolve(np.pad(gain_db, ramp, mode="edge"), np.ones(ramp) / ramp, mode="same")[ramp:-ramp]
    gain = 10 ** (smoothed / 20)
    return np.interp(np.arange(length) / RATE, np.arange(steps) / control_rate, gain).astype(np.float32)


def _fade_out(music: np.ndarray) -> None:
    tail = min(round(FADE_OUT_SEC * RATE), len(music))
    music[len(music) - tail :] *= np.linspace(1, 0, tail, dtype=np.float32)


def _sample(timeline: Timeline, frame: int) -> int:
    return round(timeline.seconds(frame) * RATE)


def decode(audio: Path, rate: int = RATE) -> np.ndarray:
    """Mono float32 samples of any file ffmpeg reads."""
    done = subprocesses.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(audio)]
        + ["-f", "f32le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    )
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not decode {audio}: {done.stderr.decode(errors='replace')[-300:]}")
    return np.frombuffer(done.stdout, dtype="<f4")
