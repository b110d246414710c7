"""A composer that renders the storybook on the CPU: numpy frames streamed into one ffmpeg (x264 + AAC).

Frames are made one at a time and piped as raw yuv420p, so memory stays at a few
frames whatever the length; the sound is mixed beforehand (see soundtrack.py)
and muxed by the same ffmpeg process, which also moves the moov atom to the
front so browsers can play the video while it downloads.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from media.compose import ComposedVideo, StoryPage
from media.compose.book import BookPage, picture_book
from media.compose.cards import end_card, load_frame, thumbnail, title_card
from media.compose.frames import PageArt, render_frames
from media.compose.soundtrack import RATE, soundtrack, write_wav
from media.compose.timeline import Timeline, plan_timeline
from media.compose.webvtt import webvtt
from media.compose.yuv import COLOUR_TAGS
from media.illustrate import FRAME_SIZE, read_figure
from shared.domain.models import Language, Paper
from shared.domain.options import DEFAULT_AGE
from shared.runtime import subprocesses

VIDEO_NAME = "storybook.mp4"
THUMBNAIL_NAME = "thumbnail.jpg"
CAPTIONS_NAME = "captions.vtt"
BOOK_NAME = "book_{paper}.pdf"
# The project's x264 settings; bench/render encodes its ffmpeg filter-graph baseline with the same ones.
# ultrafast: on two cores it encodes a storybook in about two thirds of superfast's CPU time (veryfast: 1.4x superfast), for a
# file about twice as large (~2.4 Mb/s at 720p), which is still fine to stream.
X264_PRESET = "ultrafast"
X264_OPTIONS = ("-tune", "stillimage", "-crf", "21", "-pix_fmt", "yuv420p")
X264_SETTINGS = ("-c:v", "libx264", "-preset", X264_PRESET, *X264_OPTIONS)
AAC_SETTINGS = ("-c:a", "aac", "-b:a", "128k")


class StreamingComposer:
    """Title card, one gently moving captioned page per narration (its figure moving on it), "The End"; H.264 + AAC MP4. Blocking."""

    def __init__(
        self,
        *,
        fps: int = 24,
        title_sec: float = 2.5,
        end_sec: float = 2.0,
        page_padding_sec: float = 0.1,
        max_total_padding_sec: float = 0.45,
        crossfade_frames: int = 10,
    ) -> None:
        self.fps = fps
        self.title_sec = title_sec
        self.end_sec = end_sec
        # Narrations already end on a short silence. Padding only adds a breath between pages,
        # and it is capped over the whole story so the video stays as long as its narration.
        self.page_padding_sec = page_padding_sec
        self.max_total_padding_sec = max_total_padding_sec
        self.crossfade_frames = crossfade_frames

    def timeline(self, pages: list[StoryPage]) -> Timeline:
        """Which frames show which page and caption (what the tests check the video against)."""
        return plan_timeline(
            pages,
            fps=self.fps,
            title_sec=self.title_sec,
            end_sec=self.end_sec,
            page_padding_sec=self.page_padding_sec,
            max_total_padding_sec=self.max_total_padding_sec,
        )

    def compose(
        self,
        *,
        title: str,
        drawing: Path,
        pages: list[StoryPage],
        workdir: Path,
        language: Language = Language.ENGLISH,
        read_along: bool = False,
        age: int = DEFAULT_AGE,
    ) -> ComposedVideo:
        workdir.mkdir(parents=True, exist_ok=True)
        video_path, thumbnail_path = workdir / VIDEO_NAME, workdir / THUMBNAIL_NAME
        film = self.film(title=title, drawing=drawing, pages=pages, language=language, read_along=read_along)
        with tempfile.TemporaryDirectory(prefix="soundtrack-", dir=workdir) as scratch:
            sound = Path(scratch) / "soundtrack.wav"
            write_wav(soundtrack(film.timeline), sound)
            encode(film.frames, sound, video_path, fps=self.fps)
        thumbnail(film.scenes[0].still(), title).save(thumbnail_path, "JPEG", quality=85, optimize=True)
        captions_path = workdir / CAPTIONS_NAME
        captions_path.write_text(webvtt(film.timeline), encoding="utf-8")
        book_pages = [
            BookPage(text=slot.page.text, picture=scene.still()) for slot, scene in zip(film.timeline.pages, film.scenes, strict=True)
        ]
        books = {paper: workdir / BOOK_NAME.format(paper=paper.value) for paper in Paper}
        for paper, path in books.items():
            path.write_bytes(picture_book(title=title, drawing=drawing, pages=book_pages, paper=paper, age=age, language=language))
        return ComposedVideo(
            video=video_path, thumbnail=thumbnail_path, captions=captions_path, books=books, duration_sec=probe_duration(video_path)
        )

    def film(self, *, title: str, drawing: Path, pages: list[StoryPage], language: Language, read_along: bool) -> Film:
        """The storybook's timeline, its pages' pictures, and its frames one at a time (made as they are read)."""
        timeline = self.timeline(pages)
        scenes = [PageArt(load_frame(slot.page.image), *read_figure(slot.page.figure.read_bytes())) for slot in timeline.pages]
        frames = render_frames(
            timeline,
            opening=title_card(title, drawing),
            scenes=scenes,
            closing=end_card(scenes[-1].still(), language),
            fade_frames=self.crossfade_frames,
            read_along=read_along,
        )
        return Film(timeline, scenes, frames)


@dataclass(frozen=True)
class Film:
    timeline: Timeline
    scenes: list[PageArt]
    frames: Iterator[np.ndarray]


def encode(frames: Iterable[np.ndarray], sound: Path, target: Path, *, fps: int) -> None:
    """Pipes raw I420 frames (contiguous arrays, written without a copy) into one ffmpeg: x264, the sound as AAC, a fast-start MP4."""
    width, height = FRAME_SIZE
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-r", str(fps), "-i", "pipe:0",
        "-i", str(sound),
        "-map", "0:v", "-map", "1:a", *X264_SETTINGS, *COLOUR_TAGS, "-r", str(fps),
        *AAC_SETTINGS, "-ar", str(RATE),
        "-movflags", "+faststart", str(target),
    ]  # fmt: skip
    encoder = subprocesses.popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert encoder.stdin is not None and encoder.stderr is not None
    try:
        for frame in frames:
            encoder.stdin.write(frame)
    except BrokenPipeError:
        pass  # ffmpeg stopped reading: its own error message below says why
    finally:
        encoder.stdin.close()
        errors = encoder.stderr.read()
        encoder.wait()
        subprocesses.release(encoder)
    if encoder.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({encoder.returncode}): {errors.decode(errors='replace')[-500:]}")


def probe_duration(media: Path) -> float:
    """The container's duration, as ffmpeg reports it."""
    probe = subprocesses.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(media)])
    report = probe.stderr.decode(errors="replace")
    found = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", report)
    if not found:
        raise RuntimeError(f"ffmpeg could not read {media}: {report[-300:]}")
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
