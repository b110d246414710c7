"""The Piper narrator: real MP3s of the stated length, four audible voices, slower for the youngest,
sentence timings that match the decoded audio, normalised loudness and no long silences."""

from __future__ import annotations

import itertools
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from media.narrate import Narration
from media.narrate.sentences import split_sentences
from shared.domain.models import VoiceType

SENTENCES = ["The little fox found a shiny red ball.", "He rolled it all the way home!", '"Look," he said, "it shines like the sun."']
TEXT = " ".join(SENTENCES)
PITCH_RATE = 16_000
RATE = 44_100
FRAME = 1 / 24  # one video frame: how closely captions must follow the voice
TARGET_LUFS = -16.0


@pytest.fixture(scope="module")
def by_voice(narrator, tmp_path_factory) -> dict[VoiceType, tuple[Narration, Path]]:
    """One narration of TEXT (a three-sentence scene) per voice, for a six-year-old, with the MP3 on disk."""
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
    assert 3.0 < narration.duration_sec < 15.0


def test_the_four_voices_differ_in_pace_or_pitch(by_voice, decode_pcm) -> None:
    traits = {voice: (spoken.duration_sec, median_pitch(decode_pcm(path, PITCH_RATE))) for voice, (spoken, path) in by_voice.items()}

    for first, second in itertools.combinations(VoiceType, 2):
        (first_duration, first_pitch), (second_duration, second_pitch) = traits[first], traits[second]
        pace_differs = abs(first_duration - second_duration) > 0.2
        pitch_differs = abs(first_pitch / second_pitch - 1) > 0.05
        assert pace_differs or pitch_differs, f"{first} and {second} sound alike: {traits}"
    assert traits[VoiceType.SILLY][1] > traits[VoiceType.WISE][1] * 1.2


def test_younger_children_hear_a_slower_story(narrator) -> None:
    story = " ".join(SENTENCES[:2])
    toddler, older = (narrator.narrate(text=story, voice=VoiceType.CHEERFUL, age=age) for age in (2, 9))

    # Piper's timing is a little random from call to call (about ±4%); the age effect is about +25%.
    assert toddler.duration_sec > older.duration_sec * 1.12


def test_one_narrator_serves_several_threads(narrator) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        narrations = list(
            pool.map(lambda voice: narrator.narrate(text=SENTENCES[0], voice=voice, age=5), (VoiceType.GENTLE, VoiceType.WISE))
        )

    assert all(narration.duration_sec > 1.0 and len(narration.audio) > 1000 for narration in narrations)


def test_text_without_words_gives_a_short_silence(narrator) -> None:
    narration = narrator.narrate(text="...", voice=VoiceType.GENTLE, age=5)

    assert 0 < narration.duration_sec < 1.5
    assert narration.sentences == []


def frame_levels(pcm: bytes, seconds: float) -> np.ndarray:
    """Loudness of each `seconds`-long window of 16-bit PCM at RATE, in dB below the loudest window."""
    samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    size = round(seconds * RATE)
    energy = np.sqrt(np.mean(samples[: len(samples) // size * size].reshape(-1, size) ** 2, axis=1))
    return 20 * np.log10(np.maximum(energy, 1e-9) / energy.max())


def integrated_loudness(path: Path) -> float:
    """EBU R128 integrated loudness in LUFS: the "I:" line of ffmpeg's ebur128 summary."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path)]
    command += ["-af", "ebur128=framelog=verbose", "-f", "null", "-"]  # the running values go to verbose, leaving the summary
    summary = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary)[1])  # type: ignore[index]


def test_a_scene_splits_into_the_sentences_a_caption_shows() -> None:
    assert split_sentences(TEXT) == SENTENCES
    assert split_sentences("Shh... the moon is sleeping.  Wow!\nIt's 9 o'clock. 3 stars shone.") == [
        "Shh... the moon is sleeping.",
        "Wow!",
        "It's 9 o'clock.",
        "3 stars shone.",
    ]
    assert split_sentences("...") == ["..."]


@pytest.mark.parametrize("voice", list(VoiceType))
def test_each_sentence_is_timed_in_order_within_the_audio(by_voice, voice: VoiceType) -> None:
    narration, _ = by_voice[voice]
    bounds = [bound for sentence in narration.sentences for bound in (sentence.start_sec, sentence.end_sec)]

    assert [sentence.text for sentence in narration.sentences] == SENTENCES
    assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds)
    assert 0 <= bounds[0] and bounds[-1] <= narration.duration_sec


@pytest.mark.parametrize("voice", list(VoiceType))
def test_sentence_timings_match_the_speech_in_the_decoded_mp3(by_voice, decode_pcm, voice: VoiceType) -> None:
    narration, path = by_voice[voice]
    window = 0.01
    levels = frame_levels(decode_pcm(path, RATE), window)
    voiced = levels > -35  # well above the encoder's noise, below the softest consonant
    times = np.arange(len(levels)) * window

    previous_end = 0.0
    for sentence in narration.sentences:
        # Where speech is first heard after the previous sentence, and last heard before the next one could start.
        onset = times[voiced & (times >= previous_end)][0]
        offset = times[voiced & (times < sentence.end_sec + 2 * FRAME)][-1] + window
        # The timings promise one-frame accuracy, so the quiet gap is judged a frame inside its edges.
        gap = levels[(times > previous_end + FRAME) & (times + window < sentence.start_sec - FRAME)]
        speech = levels[(times >= sentence.start_sec) & (times < sentence.end_sec)]

        assert abs(onset - sentence.start_sec) <= FRAME, (sentence, onset)
        # A sentence may fade out below `voiced` before its end (a soft "s"), but never runs on past it.
        assert offset <= sentence.end_sec + FRAME, (sentence, offset)
        assert not len(gap) or gap.max() < np.median(speech) - 20, (sentence, gap.max(), np.median(speech))
        previous_end = sentence.end_sec


@pytest.mark.parametrize("voice", list(VoiceType))
def test_loudness_is_normalised_for_every_voice(by_voice, voice: VoiceType) -> None:
    _, path = by_voice[voice]

    assert abs(integrated_loudness(path) - TARGET_LUFS) <= 2


def test_a_single_short_line_is_normalised_too(narrator, tmp_path) -> None:
    path = tmp_path / "short.mp3"
    path.write_bytes(narrator.narrate(text="Good night, moon.", voice=VoiceType.SILLY, age=3).audio)

    assert abs(integrated_loudness(path) - TARGET_LUFS) <= 2


def test_no_silence_inside_a_scene_lasts_longer_than_a_second_and_a_half(narrator, decode_pcm, tmp_path) -> None:
    # The slowest voice for the youngest child, with Piper's own pauses at commas and ellipses.
    text = "Shh... the moon is sleeping. Goodnight, stars; goodnight, trees... Sleep tight, little fox, sleep tight."
    path = tmp_path / "slow.mp3"
    path.write_bytes(narrator.narrate(text=text, voice=VoiceType.WISE, age=2).audio)
    window = 0.05
    silent = frame_levels(decode_pcm(path, RATE), window) < -40

    longest = max(len(run) for run in "".join("s" if quiet else "v" for quiet in silent).split("v"))
    assert longest * window <= 1.5
