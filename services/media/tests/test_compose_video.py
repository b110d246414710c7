"""The streaming composer's video: format, timing of cuts and captions in decoded frames, the ducked music, memory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from io import BytesIO
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
from shared.domain.models import DrawingAnalysis, Scene, SpokenSentence, StoryOptions, Style, Theme, VoiceType

TITLE = "Pip and the Paper Kite"
TEXTS = ("Pip found a kite in the park. It was red.", "The wind lifted it up to the clouds.", "At night Pip dreamed of flying.")
AUDIO_RATE = 16_000
ONE_GB = 1 << 30


@dataclass(frozen=True)
class Rendered:
    video: ComposedVideo
    timeline: Timeline
    drawing: Path
    pages: list[StoryPage]
    workdir: Path


def illustrate(drawing, number: int, text: str, count: int, folder: Path) -> tuple[Path, Path]:  # noqa: ANN001 - the conftest Drawing
    """The page's backdrop and its figure layer, as files."""
    image, figure = folder / f"{number}.png", folder / f"{number}_figure.png"
    illustration = LocalIllustrator().illustrate(
        drawing=drawing.image,
        figure_mask=drawing.mask,
        analysis=DrawingAnalysis(subject="Pip"),
        scene=Scene(number=number, text=text),
        scene_count=count,
        options=StoryOptions(theme=Theme.ADVENTURE, age=6, voice=VoiceType.CHEERFUL, style=Style.CARTOON_3D),
    )
    image.write_bytes(illustration.backdrop)
    figure.write_bytes(illustration.figure)
    return image, figure


def render(composer: StreamingComposer, drawing_path: Path, pages: list[StoryPage], workdir: Path) -> Rendered:
    video = composer.compose(title=TITLE, drawing=drawing_path, pages=pages, workdir=workdir)
    return Rendered(video, composer.timeline(pages), drawing_path, pages, workdir)


@pytest.fixture(scope="module")
def rendered(drawing, narrator, tmp_path_factory) -> Rendered:
    inputs = tmp_path_factory.mktemp("pages")
    drawing_path = inputs / "drawing.png"
    drawing_path.write_bytes(drawing.image)
    pages = []
    for number, text in enumerate(TEXTS, start=1):
        narration = narrator.narrate(text=text, voice=VoiceType.CHEERFUL, age=6)
        audio = inputs / f"{number}.mp3"
        audio.write_bytes(narration.audio)
        image, figure = illustrate(drawing, number, text, len(TEXTS), inputs)
        pages.append(StoryPage(number, text, image, figure, audio, narration.duration_sec, narration.sentences))
    return render(StreamingComposer(), drawing_path, pages, tmp_path_factory.mktemp("video"))


@pytest.fixture(scope="module")
def quiet(drawing, tmp_path_factory) -> Rendered:
    """One page whose narration is silence with a sentence "spoken" from 1 s to 3 s: only the music is heard."""
    inputs = tmp_path_factory.mktemp("quiet")
    drawing_path, audio = inputs / "drawing.png", inputs / "silence.mp3"
    drawing_path.write_bytes(drawing.image)
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "4", "-c:a", "libmp3lame", str(audio))
    sentence = SpokenSentence(text="Pip waited quietly.", start_sec=1.0, end_sec=3.0)
    page = StoryPage(1, sentence.text, *illustrate(drawing, 1, sentence.text, 1, inputs), audio, 4.0, [sentence])
    return render(StreamingComposer(), drawing_path, [page], tmp_path_factory.mktemp("quiet-video"))


def ffmpeg(*arguments: str) -> bytes:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *arguments]
    return subprocess.run(command, capture_output=True, check=True).stdout


def decoded_frames(video: Path, numbers: list[int]) -> dict[int, np.ndarray]:
    """The given frames (by index), decoded to rgb24."""
    select = "+".join(f"eq(n\\,{number})" for number in sorted(numbers))
    raw = ffmpeg("-i", str(video), "-vf", f"select='{select}'", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1")
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 720, 1280, 3)
    return dict(zip(sorted(numbers), frames, strict=True))


def rms(samples: np.ndarray, start_sec: float, end_sec: float) -> float:
    window = samples[round(start_sec * AUDIO_RATE) : round(end_sec * AUDIO_RATE)]
    return float(np.sqrt(np.mean(window**2)))


def test_the_video_is_h264_yuv420p_720p_24fps_with_aac(rendered, ffmpeg_report) -> None:
    report = ffmpeg_report(rendered.video.video)

    assert re.search(r"Video: h264 .*yuv420p.*1280x720.* 24 fps", report), report
    assert re.search(r"Audio: aac", report), report


def test_the_video_lasts_title_pages_and_end(rendered) -> None:
    composer = StreamingComposer()
    narration = sum(page.duration_sec for page in rendered.pages)

    assert rendered.video.duration_sec == pytest.approx(rendered.timeline.duration_sec, abs=0.1)
    assert 0 <= rendered.video.duration_sec - (composer.title_sec + narration + composer.end_sec) <= composer.max_total_padding_sec + 0.1


def test_the_video_can_start_playing_before_it_has_downloaded(rendered) -> None:
    head = rendered.video.video.read_bytes()

    assert 0 < head.find(b"moov") < head.find(b"mdat")


def test_each_narration_starts_with_its_page(rendered, decode_pcm) -> None:
    samples = np.frombuffer(decode_pcm(rendered.video.video, AUDIO_RATE), dtype=np.int16) / 32768
    music = rms(samples, 0.3, rendered.timeline.seconds(rendered.timeline.title_frames) - 0.3)

    for slot in rendered.timeline.pages:
        first = slot.page.sentences[0]
        start = rendered.timeline.seconds(slot.start_frame) + first.start_sec
        assert rms(samples, start, start + 0.6) > 2 * music, f"page {slot.page.number} is not heard at its start"


def test_a_caption_appears_on_its_first_frame_and_leaves_after_its_last(quiet) -> None:
    (caption,) = quiet.timeline.pages[0].captions
    frames = decoded_frames(quiet.video.video, [caption.start_frame - 1, caption.start_frame, caption.end_frame - 1, caption.end_frame])
    # The band darkens the bottom third; sample a strip of it inside its left edge, beside the words.
    (left, top), strip = caption_layer(caption.text)
    middle = top + strip.height // 2
    band = lambda number: frames[number][middle - 10 : middle + 10, left + 6 : left + 14].mean()  # noqa: E731

    assert band(caption.start_frame) < 0.8 * band(caption.start_frame - 1)
    assert band(caption.end_frame - 1) < 0.8 * band(caption.end_frame)


def test_the_music_plays_in_the_gaps_and_steps_back_under_speech(quiet, decode_pcm) -> None:
    samples = np.frombuffer(decode_pcm(quiet.video.video, AUDIO_RATE), dtype=np.int16) / 32768
    page_start = quiet.timeline.seconds(quiet.timeline.pages[0].start_frame)
    on_the_title = rms(samples, 0.3, 2.2)
    under_speech = rms(samples, page_start + 1.5, page_start + 2.5)

    assert on_the_title > 0.02  # clearly audible
    assert on_the_title / under_speech > 2.5  # about 10 dB of ducking


def test_the_thumbnail_is_a_jpeg_frame(rendered) -> None:
    data = rendered.video.thumbnail.read_bytes()

    assert data[:2] == b"\xff\xd8" and Image.open(BytesIO(data)).size == (1280, 720)


def test_only_the_outputs_are_left_in_the_workdir(rendered) -> None:
    assert {path.name for path in rendered.workdir.iterdir()} == {
        rendered.video.video.name,
        rendered.video.thumbnail.name,
        rendered.video.captions.name,
    }
    assert rendered.video.captions.read_text(encoding="utf-8").startswith("WEBVTT\n\n00:00:")


RENDER_AND_REPORT_MEMORY = """
import json, resource, sys
from pathlib import Path
from media.compose import StoryPage
from media.compose.cards import caption_layer
from media.compose.local import StreamingComposer
spec = json.loads(sys.argv[1])
pages = [StoryPage(p["number"], p["text"], Path(p["image"]), Path(p["figure"]), Path(p["audio"]), p["duration_sec"]) for p in spec["pages"]]
StreamingComposer().compose(title="Memory", drawing=Path(spec["drawing"]), pages=pages, workdir=Path(spec["workdir"]))
print(json.dumps([resource.getrusage(who).ru_maxrss * 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]))
"""


def test_rendering_peaks_well_under_a_gigabyte(rendered, tmp_path) -> None:
    pages = [
        {
            "number": p.number,
            "text": p.text,
            "image": str(p.image),
            "figure": str(p.figure),
            "audio": str(p.audio),
            "duration_sec": p.duration_sec,
        }
        for p in rendered.pages
    ]
    spec = json.dumps({"pages": pages, "drawing": str(rendered.drawing), "workdir": str(tmp_path)})

    done = subprocess.run([sys.executable, "-c", RENDER_AND_REPORT_MEMORY, spec], capture_output=True, text=True, check=True)

    python_peak, ffmpeg_peak = json.loads(done.stdout.strip().splitlines()[-1])
    assert python_peak < ONE_GB / 2 and ffmpeg_peak < ONE_GB / 2, (python_peak, ffmpeg_peak)
