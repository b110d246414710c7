"""Acceptance across the offline studio: every sample drawing, in every style, becomes a storybook in sync with its voice.

Vision, story, illustration, narration and the renderer run in-process (no
AWS). Each drawing is analysed, written and narrated once; the four styles
then reuse that narration, so only the pictures and the video differ.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from media.compose import ComposedVideo, StoryPage
from media.compose.cards import caption_layer, end_card, title_card
from media.compose.frames import SCALED, camera
from media.compose.local import StreamingComposer
from media.compose.timeline import Caption, PageSlot, Timeline
from media.illustrate import PageToPaint, on_page, read_figure
from media.illustrate.local import LocalIllustrator, setting_for
from media.narrate.local import PiperNarrator
from shared.domain.models import DrawingAnalysis, Scene, SpokenSentence, StoryOptions, Style, Theme, VoiceType
from story.write.local import LocalStoryWriter
from tests.media_probe import decoded_audio
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
ROWS_ABOVE_CAPTIONS = 440  # rows of a frame above the caption band (the bottom third)
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
    options: StoryOptions
    audio: list[tuple[Path, float, list[SpokenSentence]]]  # MP3, duration, sentences per scene


@dataclass(frozen=True)
class Storybook:
    written: Written
    pages: list[StoryPage]
    timeline: Timeline
    video: ComposedVideo
    pictures: dict[int, np.ndarray]  # the decoded frames the checks look at (RGB), by number


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
    return Written(drawing, reading.figure_mask, reading.analysis, script.title, scenes, options, audio)


def _render(written: Written, style: Style, folder: Path) -> Storybook:
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for scene, (audio, duration, sentences) in zip(written.scenes, written.audio, strict=True):
        image, figure = folder / f"scene-{scene.number}.png", folder / f"scene-{scene.number}-figure.png"
        illustration = LocalIllustrator().illustrate(
            PageToPaint(
                drawing=written.drawing.read_bytes(),
                figure_mask=written.figure_mask,
                analysis=written.analysis,
                scene=scene,
                scene_count=len(written.scenes),
                options=written.options.model_copy(update={"style": style}),
            )
        )
        image.write_bytes(illustration.backdrop)
        figure.write_bytes(illustration.figure)
        pages.append(StoryPage(scene.number, scene.text, image, figure, audio, duration, sentences))
    video = COMPOSER.compose(title=written.title, drawing=written.drawing, pages=pages, workdir=folder / "video")
    timeline = COMPOSER.timeline(pages)
    return Storybook(written, pages, timeline, video, _decoded_frames(video.video, _frames_looked_at(timeline)))


def _frames_looked_at(timeline: Timeline) -> list[int]:
    """Every frame a check reads, decoded in one pass over the video."""
    caption = _caption_spot_checked(timeline)
    numbers = {caption.start_frame - 1, caption.start_frame, _readme_frame(timeline)}
    numbers.update(number for window in _cut_windows(timeline).values() for number in window)
    numbers.update(number for samples in _motion_samples(timeline) for number in samples)
    return sorted(numbers)


def _ffmpeg(*arguments: str) -> subprocess.CompletedProcess:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", *arguments]
    return subprocess.run(command, capture_output=True, check=True)


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
        assert _longest_quiet_sec(decoded_audio(audio, RATE)) <= MAX_PAUSE_SEC, f"a long pause in {audio.name}"
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
    _check_the_cut_out_figure_on_every_page(book)
    _check_three_backdrops_at_least(book)
    _check_the_figure_moves_within_its_pages(book)
    _check_the_decoded_cuts(book)
    _check_the_decoded_video(book)
    _check_the_sound(book)
    if drawing == DRAWINGS[0]:
        _keep_a_frame(book, style)


def _check_the_timeline(book: Storybook) -> None:
    timeline = book.timeline
    assert len(timeline.pages) == SCENES
    padding = min(COMPOSER.page_padding_sec, COMPOSER.max_total_padding_sec / SCENES)
    assert timeline.pages[0].start_frame == round(COMPOSER.title_sec * COMPOSER.fps)
    for slot in timeline.pages:
        # A page lasts its narration and a breath, rounded on its own (it is rendered as soon as its scene is made);
        # the soundtrack places its narration at its first frame, and each caption within a frame of its sentence.
        assert abs(timeline.seconds(slot.end_frame - slot.start_frame) - (slot.page.duration_sec + padding)) <= FRAME / 2
        for caption, sentence in zip(slot.captions, slot.page.sentences, strict=True):
            assert abs(timeline.seconds(caption.start_frame) - (timeline.seconds(slot.start_frame) + sentence.start_sec)) <= FRAME
    assert book.video.duration_sec == pytest.approx(timeline.duration_sec, abs=0.1)


def _cut_windows(timeline: Timeline) -> dict[float, range]:
    """Where each page's narration starts in the soundtrack (its page's first frame), and where the last one's ends
    (the end card), in seconds, each with the frames searched for its cut."""
    boundaries = [timeline.seconds(slot.start_frame) for slot in timeline.pages] + [timeline.seconds(timeline.pages[-1].end_frame)]
    return {
        expected: range(round(expected * COMPOSER.fps) - CUT_SEARCH, round(expected * COMPOSER.fps) + CUT_SEARCH) for expected in boundaries
    }


def _check_the_decoded_cuts(book: Storybook) -> None:
    """Every cut, found in the decoded pictures, is within one frame of its audio boundary.

    Around a cut the picture is known: the page before (the title card, or the last page's backdrop where
    its pan came to rest) and the page after (its backdrop where its pan starts, or the end card). Each
    decoded frame is placed between the two by the median, over the pixels where they differ, of how far it
    has gone from one to the other: flat before the cut, one step of the crossfade more on every frame from
    it. The figures are few of those pixels, so their moving does not move the median.
    """
    pages, step = book.timeline.pages, 1 / (COMPOSER.crossfade_frames + 1)
    frames, windows = book.pictures, _cut_windows(book.timeline)
    last = pages[-1].page
    above = slice(0, ROWS_ABOVE_CAPTIONS)
    title = _gray(title_card(book.written.title, book.written.drawing))[above]
    end = _gray(end_card(on_page(Image.open(last.image), *read_figure(last.figure.read_bytes()))))[above]
    for number, (expected, window) in enumerate(windows.items()):
        before = title if number == 0 else _seen_backdrop(pages[number - 1], number - 1, at_end=True)[above]
        after = end if number == len(pages) else _seen_backdrop(pages[number], number, at_end=False)[above]
        differ = np.abs(after - before) > 40
        gone = [float(np.median(((_gray(frames[frame])[above] - before) / (after - before + 1e-3))[differ])) for frame in window]
        started = [index for index, share in enumerate(gone) if share - gone[0] > step / 2]
        assert started and gone[-1] - gone[0] > 3 * step, f"no crossfade near {expected:.2f} s: {gone}"
        assert max(gone[: started[0]]) - min(gone[: started[0]]) < step / 2, f"the picture changes before the cut near {expected:.2f} s"
        cut = window[started[0]]
        assert abs(cut / COMPOSER.fps - expected) <= FRAME, (
            f"the cut at {cut / COMPOSER.fps:.3f} s is off its audio boundary {expected:.3f} s"
        )


def _gray(picture: Image.Image | np.ndarray) -> np.ndarray:
    return np.asarray(picture, dtype=np.float32)[..., :3].mean(axis=2)


def _seen_backdrop(slot: PageSlot, index: int, *, at_end: bool) -> np.ndarray:
    """A page's backdrop as the camera shows it on its first frame (or its last), without the figure."""
    frames = slot.end_frame - slot.start_frame
    left, top = camera(index, frames - 1 if at_end else 0, frames)
    return _scaled_backdrop(slot.page.image)[top : top + 720, left : left + 1280]


@cache
def _scaled_backdrop(image: Path) -> np.ndarray:
    return _gray(Image.open(image).convert("RGB").resize(SCALED, Image.Resampling.BICUBIC))


def _check_the_decoded_video(book: Storybook) -> None:
    """Spot check: a caption's band is absent on the frame before it is due and present on its first frame."""
    caption = _caption_spot_checked(book.timeline)
    (left, top), strip = caption_layer(caption.text)
    middle = top + strip.height // 2
    band = {
        number: book.pictures[number][middle - 10 : middle + 10, left + 6 : left + 14].astype(float).mean()
        for number in (caption.start_frame - 1, caption.start_frame)
    }
    assert band[caption.start_frame] < 0.8 * band[caption.start_frame - 1]


def _caption_spot_checked(timeline: Timeline) -> Caption:
    slot = timeline.pages[1]
    return next(c for c in slot.captions if c.start_frame - 1 >= slot.start_frame + COMPOSER.crossfade_frames)


def _check_the_cut_out_figure_on_every_page(book: Storybook) -> None:
    """Every page has the figure on its own layer, cut out along the mask: a pasted photo (paper and all) fills its box."""
    mask = np.asarray(Image.open(BytesIO(book.written.figure_mask)).convert("L"))
    assert (mask >= 128).sum() > 50, "vision found no figure to cut out"
    for page in book.pages:
        sticker, _ = read_figure(page.figure.read_bytes())
        alpha = np.asarray(sticker.getchannel("A"))
        rows, columns = np.nonzero(alpha)
        box = alpha[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
        assert (box > 0).mean() < 0.85, f"page {page.number}'s figure fills its box: the paper came with it"
        backdrop = np.asarray(Image.open(page.image).convert("RGB"), dtype=np.int16)
        still = np.asarray(on_page(Image.open(page.image), sticker, read_figure(page.figure.read_bytes())[1]), dtype=np.int16)
        assert (np.abs(still - backdrop).max(axis=2) > 30).sum() > 2000, f"page {page.number} shows no figure"


def _check_three_backdrops_at_least(book: Storybook) -> None:
    """The pages follow the story's settings: at least three of them, each painted as a backdrop of its own."""
    settings = [setting_for(scene, book.written.analysis) for scene in book.written.scenes]
    assert len(set(settings)) >= 3, f"only {sorted(set(settings))} in {[scene.text for scene in book.written.scenes]}"
    backdrops = {
        setting: np.asarray(Image.open(page.image).convert("RGB"), dtype=np.int16)
        for setting, page in zip(settings, book.pages, strict=True)
    }
    for first, second in itertools.combinations(backdrops, 2):
        assert np.abs(backdrops[first] - backdrops[second]).mean() > 12, f"{first} and {second} look alike"


MOTION_SAMPLES = (0.0, 0.07, 0.23, 0.41, 0.66, 1.0)  # where on a page the pictures compared for the figure's motion are
MOVED = 1500  # pixels of the figure's outline in one picture more than 3 pixels from it in another (the pan alone: under 50)


def _check_the_figure_moves_within_its_pages(book: Storybook) -> None:
    """On the decoded frames, the figure moves on its page, beyond what the camera's pan explains.

    Each picture minus the page's backdrop where the camera was shows the figure; placed back on the page
    by the camera's own position, a figure that only the pan moved would land on itself in every picture.
    """
    for index, (slot, samples) in enumerate(zip(book.timeline.pages, _motion_samples(book.timeline), strict=True)):
        backdrop, length = _scaled_backdrop(slot.page.image), slot.end_frame - slot.start_frame
        seen = []
        for number in samples:
            left, top = camera(index, number - slot.start_frame, length)
            view = (slice(top, top + ROWS_ABOVE_CAPTIONS), slice(left, left + 1280))
            figure, shown = np.zeros(backdrop.shape, dtype=bool), np.zeros(backdrop.shape, dtype=bool)
            figure[view] = np.abs(_gray(book.pictures[number])[:ROWS_ABOVE_CAPTIONS] - backdrop[view]) > 40
            shown[view] = True
            seen.append((figure, _grown(figure, 3), shown))
        moved = max(
            int((((one & ~near_other) | (other & ~near_one)) & shown_one & shown_other).sum())
            for (one, near_one, shown_one), (other, near_other, shown_other) in itertools.combinations(seen, 2)
        )
        assert moved > MOVED, f"page {slot.page.number}'s figure does not move on its page ({moved} pixels)"


def _motion_samples(timeline: Timeline) -> list[list[int]]:
    """For each page, the frames compared for its figure's motion: spread over the page after its crossfade, unevenly,
    so that no motion's loop can come round to the same pose on every one of them."""
    first = COMPOSER.crossfade_frames + 2
    return [
        [slot.start_frame + first + round(share * (slot.end_frame - slot.start_frame - 3 - first)) for share in MOTION_SAMPLES]
        for slot in timeline.pages
    ]


def _grown(mask: np.ndarray, by: int) -> np.ndarray:
    """The mask and every pixel within `by` of it (a square neighbourhood)."""
    grown = mask.copy()
    for shift in range(1, by + 1):
        grown[shift:] |= mask[:-shift]
        grown[:-shift] |= mask[shift:]
    across = grown.copy()
    for shift in range(1, by + 1):
        across[:, shift:] |= grown[:, :-shift]
        across[:, :-shift] |= grown[:, shift:]
    return across


def _check_the_sound(book: Storybook) -> None:
    mix = decoded_audio(book.video.video, RATE)
    for slot in book.timeline.pages:
        start, end = (round(book.timeline.seconds(frame) * RATE) for frame in (slot.start_frame, slot.end_frame))
        assert _longest_quiet_sec(mix[start:end]) <= MAX_PAUSE_SEC, f"dead air in page {slot.page.number}"


def _readme_frame(timeline: Timeline) -> int:
    """A captioned frame from the middle of the second page."""
    caption = timeline.pages[1].captions[0]
    return (caption.start_frame + caption.end_frame) // 2


def _keep_a_frame(book: Storybook, style: Style) -> None:
    """The README's frame of this style."""
    frame = book.pictures[_readme_frame(book.timeline)]
    target = ARTEFACTS / "frames" / f"{style.value}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(frame).save(target)
