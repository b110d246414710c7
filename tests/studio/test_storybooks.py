"""Acceptance across the offline studio: every sample drawing, in every style, becomes a storybook in sync with its voice.

Vision, story, illustration, narration and the renderer run in-process (no
AWS). Each drawing is analysed, written and narrated once; the four styles
then reuse that narration, so only the pictures and the video differ.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from media.compose import ComposedVideo, StoryPage
from media.compose.cards import caption_layer
from media.compose.local import StreamingComposer
from media.compose.timeline import Timeline
from media.illustrate.local import LocalIllustrator
from media.narrate.local import PiperNarrator
from shared.domain.models import DrawingAnalysis, Scene, SpokenSentence, StoryOptions, Style, Theme, VoiceType
from story.write.local import LocalStoryWriter
from tests.paths import ARTEFACTS, SAMPLES
from vision.analyse.local import LocalDrawingAnalyser

DRAWINGS = sorted(SAMPLES.glob("image-*")) if SAMPLES.exists() else []
VOICES = list(VoiceType)
THEMES = list(Theme)
AGE, SCENES = 6, 5
TARGET_LUFS = -16.0  # the narrator's loudnorm target (EBU R128 for speech on small speakers)
MAX_PAUSE_SEC = 1.5
RATE = 16_000
WINDOW = RATE // 20  # 50 ms loudness windows
QUIET_DBFS = -45.0  # below this a 50 ms window counts as silence
COMPOSER = StreamingComposer()
ABOVE_CAPTIONS = 110  # rows of a 320x180 frame above the caption band (the bottom third)
CUT_SEARCH = 6  # frames either side of an audio boundary searched for its cut
FRAME = 1 / COMPOSER.fps

pytestmark = pytest.mark.skipif(not DRAWINGS, reason=f"the sample drawings are not beside the repo ({SAMPLES})")


@dataclass(frozen=True)
class Written:
    """One drawing analysed, written and narrated: everything a style does not change."""

    drawing: Path
    figure_mask: bytes
    analysis: DrawingAnalysis
    title: str
    scenes: list[Scene]
    audio: list[tuple[Path, float, list[SpokenSentence]]]  # MP3, duration, sentences per scene


@dataclass(frozen=True)
class Storybook:
    written: Written
    pages: list[StoryPage]
    timeline: Timeline
    video: ComposedVideo


@cache
def narrator() -> PiperNarrator:
    return PiperNarrator()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("studio")


@pytest.fixture(scope="module")
def written(folder) -> Callable[[Path], Written]:
    done: dict[Path, Written] = {}

    def write(drawing: Path) -> Written:
        if drawing not in done:
            done[drawing] = _write_and_narrate(drawing, DRAWINGS.index(drawing), folder / drawing.stem)
        return done[drawing]

    return write


def _write_and_narrate(drawing: Path, index: int, folder: Path) -> Written:
    folder.mkdir(parents=True, exist_ok=True)
    reading = LocalDrawingAnalyser().analyse(drawing.read_bytes())
    voice = VOICES[index % len(VOICES)]
    options = StoryOptions(theme=THEMES[index % len(THEMES)], age=AGE, voice=voice, style=Style.STORYBOOK)
    script = LocalStoryWriter().write(analysis=reading.analysis, options=options, seed=index)
    scenes = script.scenes[:SCENES]
    audio = []
    for scene in scenes:
        narration = narrator().narrate(text=scene.text, voice=voice, age=AGE)
        path = folder / f"scene-{scene.number}.mp3"
        path.write_bytes(narration.audio)
        audio.append((path, narration.duration_sec, narration.sentences))
    return Written(drawing, reading.figure_mask, reading.analysis, script.title, scenes, audio)


def _render(written: Written, style: Style, folder: Path) -> Storybook:
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for scene, (audio, duration, sentences) in zip(written.scenes, written.audio, strict=True):
        image = folder / f"scene-{scene.number}.png"
        image.write_bytes(
            LocalIllustrator().illustrate(
                drawing=written.drawing.read_bytes(),
                figure_mask=written.figure_mask,
                analysis=written.analysis,
                scene=scene,
                scene_count=len(written.scenes),
                style=style,
            )
        )
        pages.append(StoryPage(scene.number, scene.text, image, audio, duration, sentences))
    video = COMPOSER.compose(title=written.title, drawing=written.drawing, pages=pages, workdir=folder / "video")
    return Storybook(written, pages, COMPOSER.timeline(pages), video)


def _ffmpeg(*arguments: str) -> subprocess.CompletedProcess:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", *arguments]
    return subprocess.run(command, capture_output=True, check=True)


def _decoded_audio(media: Path) -> np.ndarray:
    raw = _ffmpeg("-loglevel", "error", "-i", str(media), "-vn", "-f", "s16le", "-ac", "1", "-ar", str(RATE), "pipe:1").stdout
    return np.frombuffer(raw, dtype=np.int16) / 32768


def _decoded_frames(video: Path, numbers: list[int]) -> dict[int, np.ndarray]:
    select = "+".join(f"eq(n\\,{number})" for number in sorted(numbers))
    arguments = ["-loglevel", "error", "-i", str(video), "-vf", f"select='{select}'", "-fps_mode", "passthrough"]
    raw = _ffmpeg(*arguments, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1").stdout
    return dict(zip(sorted(numbers), np.frombuffer(raw, dtype=np.uint8).reshape(-1, 720, 1280, 3), strict=True))


def _longest_quiet_sec(samples: np.ndarray) -> float:
    windows = samples[: len(samples) // WINDOW * WINDOW].reshape(-1, WINDOW)
    quiet = 20 * np.log10(np.sqrt((windows**2).mean(axis=1)) + 1e-9) < QUIET_DBFS
    longest = run = 0
    for is_quiet in quiet:
        run = run + 1 if is_quiet else 0
        longest = max(longest, run)
    return longest * WINDOW / RATE


def _integrated_loudness(audio: Path) -> float:
    report = _ffmpeg("-i", str(audio), "-af", "ebur128", "-f", "null", "-").stderr.decode()
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1])


@pytest.mark.parametrize("drawing", DRAWINGS, ids=[path.stem for path in DRAWINGS])
def test_the_narration_has_no_long_pauses_and_is_at_the_target_loudness(drawing: Path, written) -> None:
    for audio, _, _ in written(drawing).audio:
        assert _longest_quiet_sec(_decoded_audio(audio)) <= MAX_PAUSE_SEC, f"a long pause in {audio.name}"
        assert abs(_integrated_loudness(audio) - TARGET_LUFS) <= 2.0, audio.name


def _books() -> list[tuple[Path, Style]]:
    """The first drawing in every style (the README's frames come from it), each other drawing in one style, in turn.

    Every drawing in every style is the long sweep, for a change to the renderer: NOCOMELON_STUDIO_EVERY_STYLE=1.
    """
    styles = list(Style)
    if os.environ.get("NOCOMELON_STUDIO_EVERY_STYLE"):
        return [(drawing, style) for drawing in DRAWINGS for style in styles]
    return [(DRAWINGS[0], style) for style in styles] + [
        (drawing, styles[index % len(styles)]) for index, drawing in enumerate(DRAWINGS[1:], start=1)
    ]


@pytest.mark.parametrize(("drawing", "style"), _books(), ids=[f"{drawing.stem}-{style.value}" for drawing, style in _books()])
def test_a_storybook_in_sync_with_its_voice(drawing: Path, style: Style, written, folder) -> None:
    book = _render(written(drawing), style, folder / drawing.stem / style.value)

    _check_the_timeline(book)
    _check_the_decoded_cuts(book)
    _check_the_decoded_video(book)
    _check_the_sound(book)
    if drawing == DRAWINGS[0]:
        _keep_a_frame(book, style)


def _check_the_timeline(book: Storybook) -> None:
    timeline, audio_start = book.timeline, COMPOSER.title_sec
    assert len(timeline.pages) == SCENES
    padding = min(COMPOSER.page_padding_sec, COMPOSER.max_total_padding_sec / SCENES)
    for slot in timeline.pages:
        # Narration is placed at the page's first frame; that frame is within one of where the audio boundary falls.
        assert abs(timeline.seconds(slot.start_frame) - audio_start) <= FRAME
        for caption, sentence in zip(slot.captions, slot.page.sentences, strict=True):
            assert abs(timeline.seconds(caption.start_frame) - (audio_start + sentence.start_sec)) <= FRAME
        audio_start += slot.page.duration_sec + padding
    assert book.video.duration_sec == pytest.approx(timeline.duration_sec, abs=0.1)


def _audio_boundaries(book: Storybook) -> list[float]:
    """Where each page's narration starts in the soundtrack, and where the last one's ends (the end card), in seconds."""
    padding = min(COMPOSER.page_padding_sec, COMPOSER.max_total_padding_sec / SCENES)
    boundaries = [COMPOSER.title_sec]
    for page in book.pages:
        boundaries.append(boundaries[-1] + page.duration_sec + padding)
    return boundaries


def _check_the_decoded_cuts(book: Storybook) -> None:
    """Every cut, found in the decoded pictures, is within one frame of its audio boundary.

    Above the captions, consecutive frames of a page barely differ (the pan eases to a stop and
    starts again slowly), while each step of a crossfade moves every pixel by the same share of
    the difference between the two pages: a cut is the first frame of that run of similar jumps.
    """
    small = _ffmpeg(
        "-loglevel", "error", "-i", str(book.video.video), "-vf", "scale=320:180", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"
    )
    above_captions = np.frombuffer(small.stdout, dtype=np.uint8).reshape(-1, 180, 320)[:, :ABOVE_CAPTIONS].astype(float)
    change = np.r_[0.0, np.abs(np.diff(above_captions, axis=0)).mean(axis=(1, 2))]
    for expected in _audio_boundaries(book):
        around = round(expected * COMPOSER.fps)
        window = change[around - CUT_SEARCH : around + CUT_SEARCH]
        still = np.flatnonzero(window <= window.max() / 2)
        first = int(still[-1]) + 1 if len(still) else 0  # where the run of jumps that lasts to the window's end begins
        cut = around - CUT_SEARCH + first
        before, fading = window[:first], window[first:]
        assert len(fading) and np.median(before) < np.median(fading) / 4, f"no crossfade near {expected:.2f} s"
        assert abs(cut / COMPOSER.fps - expected) <= FRAME, (
            f"the cut at {cut / COMPOSER.fps:.3f} s is off its audio boundary {expected:.3f} s"
        )


def _check_the_decoded_video(book: Storybook) -> None:
    """Spot check: a caption's band is absent on the frame before it is due and present on its first frame."""
    slot = book.timeline.pages[1]
    caption = next(c for c in slot.captions if c.start_frame - 1 >= slot.start_frame + COMPOSER.crossfade_frames)
    frames = _decoded_frames(book.video.video, [caption.start_frame - 1, caption.start_frame])
    (left, top), strip = caption_layer(caption.text)
    middle = top + strip.height // 2
    band = {number: frame[middle - 10 : middle + 10, left + 6 : left + 14].astype(float).mean() for number, frame in frames.items()}
    assert band[caption.start_frame] < 0.8 * band[caption.start_frame - 1]


def _check_the_sound(book: Storybook) -> None:
    mix = _decoded_audio(book.video.video)
    for slot in book.timeline.pages:
        start, end = (round(book.timeline.seconds(frame) * RATE) for frame in (slot.start_frame, slot.end_frame))
        assert _longest_quiet_sec(mix[start:end]) <= MAX_PAUSE_SEC, f"dead air in page {slot.page.number}"


def _keep_a_frame(book: Storybook, style: Style) -> None:
    """A captioned frame from the middle of the second page, for the README."""
    caption = book.timeline.pages[1].captions[0]
    frame = _decoded_frames(book.video.video, [(caption.start_frame + caption.end_frame) // 2]).popitem()[1]
    target = ARTEFACTS / "frames" / f"{style.value}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(target)
