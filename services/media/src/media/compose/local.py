"""A composer that renders the storybook on the CPU: numpy frames streamed into x264, a segment per page.

Frames are made one at a time and piped as raw yuv420p, so memory stays at a few
frames whatever the length. A page is rendered as soon as it can be (see
PageToRender); the sound is mixed over the whole book (see soundtrack.py) and
muxed with the joined segments, with the moov atom in front so browsers can
play the video while it downloads.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from media.compose import ComposedVideo, PageToRender, Segment, StoryPage
from media.compose.book import BookPage, picture_book
from media.compose.cards import end_card, load_frame, thumbnail, title_card
from media.compose.frames import PageArt, Pan, closing_frames, page_frames, repeat
from media.compose.soundtrack import RATE, soundtrack, write_wav
from media.compose.timeline import Timeline, page_padding, plan_page, plan_timeline
from media.compose.webvtt import webvtt
from media.compose.yuv import COLOUR_TAGS, still
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
# file about twice as large (2–3.5 Mb/s at 720p, the most for pages full of crayon texture), still fine to stream. A
# constant quantizer of 18 keeps the pictures as close to the frames as CRF 21 did at ultrafast (PSNR 50 dB, SSIM
# 0.996) in four fifths of its CPU time, and the file a little smaller.
X264_PRESET = "ultrafast"
X264_OPTIONS = ("-tune", "stillimage", "-qp", "18", "-pix_fmt", "yuv420p")
X264_SETTINGS = ("-c:v", "libx264", "-preset", X264_PRESET, *X264_OPTIONS)
AAC_SETTINGS = ("-c:a", "aac", "-b:a", "128k")


class StreamingComposer:
    """Title card, one gently moving captioned page per narration (its figure moving on it), "The End"; H.264 + AAC MP4. Blocking.

    Each page is encoded on its own into a segment of raw H.264 as soon as it and the page before it exist (its
    crossfade starts from that page's last frame); the book's segments are then joined byte for byte and muxed with
    the sound, which is mixed over the whole timeline at once."""

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
        """The whole storybook in one call: every page's segment, then the video assembled from them."""
        workdir.mkdir(parents=True, exist_ok=True)
        ordered = sorted(pages, key=lambda page: page.number)
        with tempfile.TemporaryDirectory(prefix="pages-", dir=workdir) as scratch:
            jobs = pages_to_render(title=title, drawing=drawing, pages=ordered, language=language, read_along=read_along)
            segments = [self.render_page(job, Path(scratch) / f"page_{job.page.number}.h264") for job in jobs]
            return self.assemble(
                title=title, drawing=drawing, pages=ordered, segments=segments, workdir=workdir, language=language, age=age
            )

    def render_page(self, job: PageToRender, target: Path) -> Segment:
        frames = self.segment_frames(job)
        return Segment(path=target, frames=encode_segment(frames, target, fps=self.fps))

    def segment_frames(self, job: PageToRender) -> Iterator[np.ndarray]:
        """The frames of a page's segment, made as they are read: the title card before the first page, the page
        dissolving in from the one before, the end card after the last page."""
        padding = page_padding(job.page_count, self.page_padding_sec, self.max_total_padding_sec)
        slot = plan_page(job.page, start_frame=0, fps=self.fps, padding_sec=padding)
        art = page_art(job.page)
        if job.before is None:
            previous = still(np.asarray(title_card(job.title, job.drawing)))
            yield from repeat(previous, round(self.title_sec * self.fps))
        else:
            frames_before = plan_page(job.before, start_frame=0, fps=self.fps, padding_sec=padding).end_frame
            previous = Pan(page_art(job.before), job.position - 1, frames_before, self.fps).frame(frames_before - 1)
        pan = Pan(art, job.position, slot.end_frame, self.fps)
        yield from page_frames(slot, pan, previous, fade_frames=self.crossfade_frames, read_along=job.read_along)
        if job.is_last:
            closing = end_card(art.still(), job.language)
            yield from closing_frames(
                pan.frame(slot.end_frame - 1), closing, count=round(self.end_sec * self.fps), fade_frames=self.crossfade_frames
            )

    def assemble(
        self,
        *,
        title: str,
        drawing: Path,
        pages: list[StoryPage],
        segments: list[Segment],
        workdir: Path,
        language: Language = Language.ENGLISH,
        age: int = DEFAULT_AGE,
    ) -> ComposedVideo:
        workdir.mkdir(parents=True, exist_ok=True)
        timeline = self.timeline(pages)
        expected = [slot.end_frame - slot.start_frame for slot in timeline.pages]
        expected[0] += timeline.title_frames
        expected[-1] += timeline.end_frames
        if [segment.frames for segment in segments] != expected:
            raise RuntimeError(f"the pages' segments have {[segment.frames for segment in segments]} frames; the timeline wants {expected}")
        video_path, thumbnail_path, captions_path = workdir / VIDEO_NAME, workdir / THUMBNAIL_NAME, workdir / CAPTIONS_NAME
        books = {paper: workdir / BOOK_NAME.format(paper=paper.value) for paper in Paper}
        with tempfile.TemporaryDirectory(prefix="assembly-", dir=workdir) as scratch:
            joined, sound = Path(scratch) / "storybook.h264", Path(scratch) / "soundtrack.wav"
            with joined.open("wb") as out:
                for segment in segments:
                    with segment.path.open("rb") as part:
                        shutil.copyfileobj(part, out)
            write_wav(soundtrack(timeline), sound)
            # Encoding the sound is most of the mux: the thumbnail and the books are made while it runs.
            with muxing(joined, sound, video_path, fps=self.fps):
                stills = [page_art(slot.page).still() for slot in timeline.pages]
                thumbnail(stills[0], title).save(thumbnail_path, "JPEG", quality=85, optimize=True)
                captions_path.write_text(webvtt(timeline), encoding="utf-8")
                book_pages = [BookPage(text=slot.page.text, picture=picture) for slot, picture in zip(timeline.pages, stills, strict=True)]
                for paper, path in books.items():
                    path.write_bytes(picture_book(title=title, drawing=drawing, pages=book_pages, paper=paper, age=age, language=language))
        return ComposedVideo(
            video=video_path, thumbnail=thumbnail_path, captions=captions_path, books=books, duration_sec=probe_duration(video_path)
        )


def pages_to_render(*, title: str, drawing: Path, pages: list[StoryPage], language: Language, read_along: bool) -> list[PageToRender]:
    """Each page of a book (in page order) as a page to render on its own."""
    return [
        PageToRender(
            page=page,
            position=position,
            page_count=len(pages),
            before=pages[position - 1] if position else None,
            title=title,
            drawing=drawing,
            language=language,
            read_along=read_along,
        )
        for position, page in enumerate(pages)
    ]


def page_art(page: StoryPage) -> PageArt:
    return PageArt(load_frame(page.image), *read_figure(page.figure.read_bytes()))


def encode_segment(frames: Iterable[np.ndarray], target: Path, *, fps: int) -> int:
    """Pipes raw I420 frames (contiguous arrays, written without a copy) into x264, as raw H.264; returns how many."""
    width, height = FRAME_SIZE
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{width}x{height}", "-r", str(fps), "-i", "pipe:0",
        *X264_SETTINGS, *COLOUR_TAGS, "-f", "h264", str(target),
    ]  # fmt: skip
    encoder = subprocesses.popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert encoder.stdin is not None and encoder.stderr is not None
    count = 0
    try:
        for frame in frames:
            encoder.stdin.write(frame)
            count += 1
    except BrokenPipeError:
        pass  # ffmpeg stopped reading: its own error message below says why
    finally:
        encoder.stdin.close()
        errors = encoder.stderr.read()
        encoder.wait()
        subprocesses.release(encoder)
    if encoder.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({encoder.returncode}): {errors.decode(errors='replace')[-500:]}")
    return count


@contextmanager
def muxing(video: Path, sound: Path, target: Path, *, fps: int) -> Iterator[None]:
    """Muxes, while the block runs, the joined raw H.264 (copied, not encoded again) and the sound as AAC into a
    fast-start MP4; done (or failed) when the block ends.

    Raw H.264 carries no timestamps: each frame gets its number over the frame rate (x264's ultrafast makes no
    B-frames, so decoding order is showing order)."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-nostdin",
        "-r", str(fps), "-f", "h264", "-i", str(video), "-i", str(sound),
        "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-bsf:v", f"setts=ts=N/({fps}*TB)",
        *AAC_SETTINGS, "-ar", str(RATE), "-movflags", "+faststart", str(target),
    ]  # fmt: skip
    muxer = subprocesses.popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield
    finally:
        _, errors = muxer.communicate()
        subprocesses.release(muxer)
    if muxer.returncode != 0:
        raise RuntimeError(f"ffmpeg could not mux the storybook ({muxer.returncode}): {errors.decode(errors='replace')[-500:]}")


def probe_duration(media: Path) -> float:
    """The container's duration, as ffmpeg reports it."""
    probe = subprocesses.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(media)])
    report = probe.stderr.decode(errors="replace")
    found = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", report)
    if not found:
        raise RuntimeError(f"ffmpeg could not read {media}: {report[-300:]}")
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
