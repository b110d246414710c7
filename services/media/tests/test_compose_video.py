"""The streaming composer's video: format, timing of cuts and captions in decoded frames, the ducked music, memory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from media.compose import StoryPage
from media.compose.cards import HIGHLIGHT, caption_layer, word_highlights
from media.compose.local import StreamingComposer
from media.narrate.words import estimated_words
from services.media.tests.conftest import Rendered, illustrate, render
from shared.domain.models import SpokenSentence

AUDIO_RATE = 16_000
ONE_GB = 1 << 30


def one_page_over_silence(drawing, folder: Path, sentence: SpokenSentence, workdir: Path, *, read_along: bool = False) -> Rendered:  # noqa: ANN001 - the conftest Drawing
    """One page whose narration is four seconds of silence with `sentence` "spoken" in it: only the music is heard."""
    drawing_path, audio = folder / "drawing.png", folder / "silence.mp3"
    drawing_path.write_bytes(drawing.image)
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "4", "-c:a", "libmp3lame", str(audio))
    page = StoryPage(1, sentence.text, *illustrate(drawing, 1, sentence.text, 1, folder), audio, 4.0, [sentence])
    return render(StreamingComposer(), drawing_path, [page], workdir, read_along=read_along)


@pytest.fixture(scope="module")
def quiet(drawing, tmp_path_factory) -> Rendered:
    """A sentence "spoken" from 1 s to 3 s over silence, its words untimed."""
    sentence = SpokenSentence(text="Pip waited quietly.", start_sec=1.0, end_sec=3.0)
    return one_page_over_silence(drawing, tmp_path_factory.mktemp("quiet"), sentence, tmp_path_factory.mktemp("quiet-video"))


@pytest.fixture(scope="module")
def read_along(drawing, tmp_path_factory) -> Rendered:
    """One page read along: a sentence over silence whose words are heard at known times."""
    text = "Pip and Zoom flew over the sleepy little town."
    sentence = SpokenSentence(text=text, start_sec=0.5, end_sec=3.5, words=estimated_words(text, 0.5, 3.5))
    folder, workdir = tmp_path_factory.mktemp("read-along"), tmp_path_factory.mktemp("read-along-video")
    return one_page_over_silence(drawing, folder, sentence, workdir, read_along=True)


def ffmpeg(*arguments: str) -> bytes:
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *arguments]
    return subprocess.run(command, capture_output=True, check=True).stdout


def decoded_frames(video: Path, numbers: list[int], *, rows: tuple[int, int] = (0, 720)) -> dict[int, np.ndarray]:
    """The given frames (by index), decoded to rgb24; only the band of `rows` [top, bottom) of each (even rows: the
    crop is made on the subsampled picture), if given."""
    assert rows[0] % 2 == rows[1] % 2 == 0, rows
    select = "+".join(f"eq(n\\,{number})" for number in sorted(numbers))
    crop = f",crop=1280:{rows[1] - rows[0]}:0:{rows[0]}"
    raw = ffmpeg(
        "-i", str(video), "-vf", f"select='{select}'{crop}", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"
    )  # fmt: skip
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, rows[1] - rows[0], 1280, 3)
    return dict(zip(sorted(numbers), frames, strict=True))


def band_rows(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int]:
    """The even rows [top, bottom) that hold every box."""
    top, bottom = min(box[1] for box in boxes), max(box[3] for box in boxes)
    return top - top % 2, bottom + bottom % 2


def lit_word(band: np.ndarray, top: int, boxes: list[tuple[int, int, int, int]]) -> int | None:
    """Which word's highlight a decoded caption band shows, or None: the box whose pixels are most marker yellow, if
    over a third of them are (the pill fills its box but for the word's letters; a yellow in the picture seldom does)."""
    red, green, blue = (band[..., channel].astype(int) for channel in range(3))
    yellow = (abs(red - HIGHLIGHT[0]) < 40) & (abs(green - HIGHLIGHT[1]) < 40) & (blue < 90)
    shares = [float(yellow[y0 - top : y1 - top, x0:x1].mean()) for x0, y0, x1, y1 in boxes]
    best = max(range(len(boxes)), key=shares.__getitem__)
    return best if shares[best] > 0.35 else None


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


def test_reading_along_the_highlight_moves_word_by_word_within_a_frame_of_the_voice(read_along) -> None:
    (caption,) = read_along.timeline.pages[0].captions
    boxes = [(x, y, x + patch.width, y + patch.height) for (x, y), patch in word_highlights(caption.text)]
    top, bottom = band_rows(boxes)
    numbers = list(range(caption.start_frame - 2, caption.end_frame + 2))
    frames = decoded_frames(read_along.video.video, numbers, rows=(top, bottom))
    shown = {number: lit_word(frames[number], top, boxes) for number in numbers}
    starts = {word.token: word.start_frame for word in caption.words}
    assert len(starts) == len(caption.text.split()) == 9  # every word is timed, and each is lit in turn

    assert shown[caption.start_frame - 1] is None and shown[caption.end_frame] is None  # no caption, no highlight
    for number in range(caption.start_frame, caption.end_frame):
        expected = max((token for token, start in starts.items() if start <= number), default=None)
        assert shown[number] == expected, f"frame {number} lights word {shown[number]}, the voice is at word {expected}"
    changes = [number for number in numbers[1:] if shown[number] != shown[number - 1] and shown[number] is not None]
    assert changes == [starts[token] for token in sorted(starts)]  # each word lit on the very frame it is heard


def test_the_vtt_cues_stamp_the_same_frames_the_highlight_moves_on(read_along) -> None:
    (caption,) = read_along.timeline.pages[0].captions
    (cue,) = read_along.video.captions.read_text(encoding="utf-8").strip().split("\n\n")[1:]
    stamps = [round(float(stamp.rsplit(":", 1)[1]) * 24 + int(stamp.split(":")[1]) * 60 * 24) for stamp in re.findall(r"<([\d:.]+)>", cue)]

    assert stamps == [word.start_frame for word in caption.words if word.start_frame > caption.start_frame]


def test_without_read_along_the_captions_are_shown_whole(rendered) -> None:
    slot = rendered.timeline.pages[0]
    caption = slot.captions[0]
    assert caption.words, "Piper's words are timed, so only the option keeps the highlight off"
    boxes = [(x, y, x + patch.width, y + patch.height) for (x, y), patch in word_highlights(caption.text)]
    top, bottom = band_rows(boxes)
    middle = (caption.start_frame + caption.end_frame) // 2
    frames = decoded_frames(rendered.video.video, [caption.start_frame, middle, caption.end_frame - 1], rows=(top, bottom))

    assert all(lit_word(band, top, boxes) is None for band in frames.values())


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
        *(book.name for book in rendered.video.books.values()),
    }
    assert rendered.video.captions.read_text(encoding="utf-8").startswith("WEBVTT\n\n00:00:")


RENDER_AND_REPORT_MEMORY = """
import json, resource, sys
from pathlib import Path
from media.compose import StoryPage
from media.compose.cards import HIGHLIGHT, caption_layer, word_highlights
from media.compose.local import StreamingComposer
spec = json.loads(sys.argv[1])
pages = [StoryPage(p["number"], p["text"], Path(p["image"]), Path(p["figure"]), Path(p["audio"]), p["duration_sec"]) for p in spec["pages"]]
StreamingComposer().compose(title="Memory", drawing=Path(spec["drawing"]), pages=pages, workdir=Path(spec["workdir"]))
# This process's own peak (VmHWM starts afresh at exec; ru_maxrss would carry the forking test runner's), and ffmpeg's.
own = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps([own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024]))
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
