"""The moviepy composer: a streamable H.264/AAC MP4 whose pages last as long as their narration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.compose import ComposedVideo, StoryPage
from media.compose.local import MoviepyComposer
from media.illustrate.local import LocalIllustrator
from shared.models import DrawingAnalysis, Scene, Style, VoiceType

TITLE = "Pip and the Paper Kite"
TEXTS = ("Pip found a kite in the park.", "The wind lifted it up to the clouds.", "At night Pip dreamed of flying.")
TITLE_SEC, END_SEC, PADDING_SEC = 2.5, 2.0, 0.1
AUDIO_RATE = 8_000


@dataclass(frozen=True)
class Rendered:
    video: ComposedVideo
    pages: list[StoryPage]
    workdir: Path


@pytest.fixture(scope="module")
def rendered(drawing, narrator, tmp_path_factory) -> Rendered:
    inputs, workdir = tmp_path_factory.mktemp("pages"), tmp_path_factory.mktemp("video")
    drawing_path = inputs / "drawing.png"
    drawing_path.write_bytes(drawing.image)
    illustrator = LocalIllustrator()
    pages = []
    for number, text in enumerate(TEXTS, start=1):
        image, audio = inputs / f"{number}.png", inputs / f"{number}.mp3"
        image.write_bytes(
            illustrator.illustrate(
                drawing=drawing.image,
                figure_mask=drawing.mask,
                analysis=DrawingAnalysis(subject="Pip"),
                scene=Scene(number=number, text=text),
                scene_count=len(TEXTS),
                style=Style.CARTOON_3D,
            )
        )
        narration = narrator.narrate(text=text, voice=VoiceType.CHEERFUL, age=6)
        audio.write_bytes(narration.audio)
        pages.append(StoryPage(number=number, text=text, image=image, audio=audio, duration_sec=narration.duration_sec))
    composer = MoviepyComposer(title_sec=TITLE_SEC, end_sec=END_SEC, page_padding_sec=PADDING_SEC)
    return Rendered(composer.compose(title=TITLE, drawing=drawing_path, pages=pages, workdir=workdir), pages, workdir)


def test_the_video_is_h264_yuv420p_720p_with_aac(rendered, ffmpeg_report) -> None:
    report = ffmpeg_report(rendered.video.video)

    assert re.search(r"Video: h264 .*yuv420p.*1280x720.* 24 fps", report), report
    assert re.search(r"Audio: aac", report), report


def test_the_video_lasts_title_pages_and_end(rendered, ffmpeg_report) -> None:
    expected = TITLE_SEC + sum(page.duration_sec for page in rendered.pages) + END_SEC
    report = ffmpeg_report(rendered.video.video)
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report).groups()  # type: ignore[union-attr]
    reported = int(hours) * 3600 + int(minutes) * 60 + float(seconds)

    assert abs(rendered.video.duration_sec - expected) < 0.5
    assert rendered.video.duration_sec == pytest.approx(reported, abs=0.01)


def test_each_narration_starts_with_its_page(rendered, decode_pcm) -> None:
    samples = np.abs(np.frombuffer(decode_pcm(rendered.video.video, AUDIO_RATE), dtype=np.int16).astype(np.float64))
    loudness = lambda start, end: samples[int(start * AUDIO_RATE) : int(end * AUDIO_RATE)].mean()  # noqa: E731

    assert loudness(0.1, TITLE_SEC - 0.1) < 50  # the title card is silent
    start = TITLE_SEC
    for page in rendered.pages:
        assert loudness(start, start + 0.8) > 300, f"page {page.number} is silent at its start"
        start += page.duration_sec + PADDING_SEC
    assert loudness(start + 0.2, start + END_SEC - 0.1) < 50  # so is the end card


def test_the_video_can_start_playing_before_it_has_downloaded(rendered) -> None:
    head = rendered.video.video.read_bytes()

    assert 0 < head.find(b"moov") < head.find(b"mdat")


def test_the_thumbnail_is_a_jpeg_frame(rendered) -> None:
    data = rendered.video.thumbnail.read_bytes()
    image = Image.open(BytesIO(data))

    assert data[:2] == b"\xff\xd8" and image.format == "JPEG"
    assert image.size in ((1280, 720), (640, 360))


def test_only_the_outputs_are_left_in_the_workdir(rendered) -> None:
    assert {path.name for path in rendered.workdir.iterdir()} == {rendered.video.video.name, rendered.video.thumbnail.name}
    assert rendered.video.video.parent == rendered.video.thumbnail.parent == rendered.workdir


def test_a_story_needs_a_page(drawing, tmp_path) -> None:
    with pytest.raises(ValueError, match="at least one page"):
        MoviepyComposer().compose(title=TITLE, drawing=tmp_path / "drawing.png", pages=[], workdir=tmp_path)
