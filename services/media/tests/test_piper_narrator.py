"""The Piper narrator: real MP3s of the stated length, four audible voices, slower for the youngest."""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from media.narrate import Narration
from shared.models import VoiceType

TEXT = "The little fox found a shiny red ball."
PITCH_RATE = 16_000


@pytest.fixture(scope="module")
def by_voice(narrator, tmp_path_factory) -> dict[VoiceType, tuple[Narration, Path]]:
    """One narration of TEXT per voice, for a six-year-old, with the MP3 on disk."""
    folder = tmp_path_factory.mktemp("voices")
    spoken: dict[VoiceType, tuple[Narration, Path]] = {}
    for voice in VoiceType:
        narration = narrator.narrate(text=TEXT, voice=voice, age=6)
        path = folder / f"{voice}.mp3"
        path.write_bytes(narration.audio)
        spoken[voice] = (narration, path)
    return spoken


def reported_duration(report: str) -> float:
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report).groups()  # type: ignore[union-attr]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def median_pitch(pcm: bytes) -> float:
    """The voice's median fundamental frequency (Hz), by autocorrelation over voiced windows."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    window, shortest, longest = 1024, PITCH_RATE // 400, PITCH_RATE // 60
    pitches = []
    for start in range(0, len(samples) - window, window // 2):
        chunk = samples[start : start + window]
        if np.sqrt(np.mean(chunk**2)) < 1500:  # silence or breath
            continue
        correlation = np.correlate(chunk, chunk, "full")[window - 1 :]
        pitches.append(PITCH_RATE / (shortest + int(np.argmax(correlation[shortest:longest]))))
    return float(np.median(pitches))


@pytest.mark.parametrize("voice", list(VoiceType))
def test_a_narration_is_a_decodable_mp3_of_the_stated_length(by_voice, ffmpeg_report, decode_pcm, voice: VoiceType) -> None:
    narration, path = by_voice[voice]

    report = ffmpeg_report(path)
    assert narration.audio[:3] == b"ID3" or narration.audio[0] == 0xFF
    assert re.search(r"Audio: mp3.*44100 Hz, mono", report), report
    assert abs(reported_duration(report) - narration.duration_sec) < 0.1
    assert abs(len(decode_pcm(path, 44_100)) / 2 / 44_100 - narration.duration_sec) < 0.1
    assert 1.0 < narration.duration_sec < 10.0


def test_the_four_voices_differ_in_pace_or_pitch(by_voice, decode_pcm) -> None:
    traits = {voice: (spoken.duration_sec, median_pitch(decode_pcm(path, PITCH_RATE))) for voice, (spoken, path) in by_voice.items()}

    for first, second in itertools.combinations(VoiceType, 2):
        (first_duration, first_pitch), (second_duration, second_pitch) = traits[first], traits[second]
        pace_differs = abs(first_duration - second_duration) > 0.2
        pitch_differs = abs(first_pitch / second_pitch - 1) > 0.05
        assert pace_differs or pitch_differs, f"{first} and {second} sound alike: {traits}"
    assert traits[VoiceType.SILLY][1] > traits[VoiceType.WISE][1] * 1.2


def test_younger_children_hear_a_slower_story(narrator) -> None:
    story = f"{TEXT} He rolled it all the way home to show his mother."
    toddler, older = (narrator.narrate(text=story, voice=VoiceType.CHEERFUL, age=age) for age in (2, 9))

    # Piper's timing is a little random from call to call (about ±4%); the age effect is about +25%.
    assert toddler.duration_sec > older.duration_sec * 1.12


def test_one_narrator_serves_several_threads(narrator) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        narrations = list(pool.map(lambda voice: narrator.narrate(text=TEXT, voice=voice, age=5), (VoiceType.GENTLE, VoiceType.WISE)))

    assert all(narration.duration_sec > 1.0 and len(narration.audio) > 1000 for narration in narrations)


def test_text_without_words_gives_a_short_silence(narrator) -> None:
    narration = narrator.narrate(text="...", voice=VoiceType.GENTLE, age=5)

    assert 0 < narration.duration_sec < 1.5
