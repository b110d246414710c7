"""A composer that renders the storybook video on the CPU with moviepy and the bundled ffmpeg."""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from moviepy import AudioFileClip, ImageClip, VideoClip, concatenate_videoclips
from PIL import Image

from media.compose import ComposedVideo, StoryPage
from media.compose.cards import end_card, load_frame, thumbnail, title_card
from media.illustrate import FRAME_SIZE

VIDEO_NAME = "storybook.mp4"
THUMBNAIL_NAME = "thumbnail.jpg"


@dataclass(frozen=True)
class Move:
    """A Ken Burns move: zoom and centre (shares of the frame) at the start and at the end of a page."""

    zoom: tuple[float, float]
    centre: tuple[tuple[float, float], tuple[float, float]]


# Pages take turns so consecutive pages never move the same way.
MOVES = (
    Move(zoom=(1.0, 1.1), centre=((0.5, 0.5), (0.5, 0.45))),  # slowly in
    Move(zoom=(1.1, 1.02), centre=((0.42, 0.5), (0.5, 0.5))),  # out, drifting right
    Move(zoom=(1.08, 1.08), centre=((0.44, 0.48), (0.56, 0.52))),  # a pan across
    Move(zoom=(1.02, 1.12), centre=((0.5, 0.55), (0.58, 0.5))),  # in, towards the right
)


class MoviepyComposer:
    """Title card, one gently moving page per narration, "The End"; H.264 + AAC MP4. Blocking."""

    def __init__(
        self,
        *,
        fps: int = 24,
        title_sec: float = 2.5,
        end_sec: float = 2.0,
        page_padding_sec: float = 0.1,
        max_total_padding_sec: float = 0.45,
        crossfade_sec: float = 0.4,
        preset: str = "veryfast",
        threads: int = 2,
    ) -> None:
        self.fps = fps
        self.title_sec = title_sec
        self.end_sec = end_sec
        # Narrations already end on a short silence. Padding only adds a breath between pages,
        # and it is capped over the whole story so the video stays as long as its narration.
        self.page_padding_sec = page_padding_sec
        self.max_total_padding_sec = max_total_padding_sec
        self.crossfade_sec = crossfade_sec
        self.preset = preset
        self.threads = threads

    def compose(self, *, title: str, drawing: Path, pages: list[StoryPage], workdir: Path) -> ComposedVideo:
        if not pages:
            raise ValueError("a storybook needs at least one page")
        workdir.mkdir(parents=True, exist_ok=True)
        ordered = sorted(pages, key=lambda page: page.number)
        scenes = [load_frame(page.image) for page in ordered]
        video_path, thumbnail_path = workdir / VIDEO_NAME, workdir / THUMBNAIL_NAME

        with ExitStack() as readers:  # each narration holds an ffmpeg reader process until closed
            narrations = [readers.enter_context(AudioFileClip(str(page.audio))) for page in ordered]
            story = self._timeline(title_card(title, drawing), ordered, scenes, narrations)
            story.write_videofile(
                str(video_path),
                fps=self.fps,
                codec="libx264",
                preset=self.preset,
                audio_codec="aac",
                audio_bitrate="128k",
                threads=self.threads,
                ffmpeg_params=["-pix_fmt", "yuv420p", "-movflags", "+faststart"],
                temp_audiofile_path=str(workdir),  # moviepy's default is the current directory
                logger=None,
            )

        thumbnail(scenes[0], title).save(thumbnail_path, "JPEG", quality=85, optimize=True)
        return ComposedVideo(video=video_path, thumbnail=thumbnail_path, duration_sec=probe_duration(video_path))

    def _timeline(
        self, opening: Image.Image, pages: list[StoryPage], scenes: list[Image.Image], narrations: list[AudioFileClip]
    ) -> VideoClip:
        padding = min(self.page_padding_sec, self.max_total_padding_sec / len(pages))
        clips: list[VideoClip] = [ImageClip(np.asarray(opening)).with_duration(self.title_sec)]
        previous_frame = opening
        for index, (page, scene, narration) in enumerate(zip(pages, scenes, narrations, strict=True)):
            frames = _ken_burns(scene, MOVES[index % len(MOVES)])
            duration = page.duration_sec + padding
            clip = _moving_clip(frames, duration, fade_from=previous_frame, fade_sec=self.crossfade_sec)
            clips.append(clip.with_audio(narration.with_duration(min(narration.duration, duration))))
            previous_frame = frames(1.0)
        closing = end_card(scenes[-1])
        clips.append(_moving_clip(lambda _: closing, self.end_sec, fade_from=previous_frame, fade_sec=self.crossfade_sec))
        return concatenate_videoclips(clips)


Frames = Callable[[float], Image.Image]  # progress 0..1 -> frame


def _ken_burns(scene: Image.Image, move: Move) -> Frames:
    width, height = scene.size

    def frame(progress: float) -> Image.Image:
        eased = 0.5 - 0.5 * math.cos(math.pi * progress)  # no jolt where pages meet
        zoom = _lerp(*move.zoom, eased)
        box_width, box_height = width / zoom, height / zoom
        centre_x = _lerp(move.centre[0][0], move.centre[1][0], eased) * width
        centre_y = _lerp(move.centre[0][1], move.centre[1][1], eased) * height
        left = min(max(centre_x - box_width / 2, 0), width - box_width)
        top = min(max(centre_y - box_height / 2, 0), height - box_height)
        # One bilinear resample of a sub-pixel box: about 20 ms a frame on a 2-core box, which x264 outweighs.
        return scene.resize(FRAME_SIZE, Image.Resampling.BILINEAR, box=(left, top, left + box_width, top + box_height))

    return frame


def _moving_clip(frames: Frames, duration: float, *, fade_from: Image.Image, fade_sec: float) -> VideoClip:
    """A clip of `duration` whose first `fade_sec` dissolve in from `fade_from`.

    Dissolving inside the clip (instead of overlapping clips) keeps every page's
    start exactly where its narration starts.
    """
    fade = min(fade_sec, duration / 3)

    def frame_at(t: float) -> np.ndarray:
        current = frames(min(t / duration, 1.0))
        if t < fade:
            current = Image.blend(fade_from, current, t / fade)
        return np.asarray(current)

    return VideoClip(frame_function=frame_at, duration=duration)


def _lerp(start: float, end: float, share: float) -> float:
    return start + (end - start) * share


def probe_duration(media: Path) -> float:
    """The container's duration, as ffmpeg reports it."""
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(media)], capture_output=True, text=True, check=False
    )
    found = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", probe.stderr)
    if not found:
        raise RuntimeError(f"ffmpeg could not read {media}: {probe.stderr[-300:]}")
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
