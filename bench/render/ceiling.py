"""The renderer against its ceiling: the same storybook's frames made in advance and kept on disk, piped into the same
ffmpeg with the same settings and sound. No renderer can beat encoding alone, so the project's is judged as a share
of it: both are timed from the first frame to the finished MP4, pages already loaded."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from media.compose import StoryPage
from media.compose.local import StreamingComposer, encode
from media.compose.soundtrack import soundtrack, write_wav
from media.compose.yuv import FRAME_BYTES
from shared.domain.models import Language


def rendered_and_ceiling_seconds(title: str, drawing: Path, pages: list[StoryPage], folder: Path) -> tuple[float, float]:
    """Wall seconds to render and encode the video as the composer does, and to encode its frames made before."""
    composer = StreamingComposer()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ceiling-", dir=folder) as scratch:
        raw, sound = Path(scratch) / "frames.yuv", Path(scratch) / "soundtrack.wav"
        film = composer.film(title=title, drawing=drawing, pages=pages, language=Language.ENGLISH, read_along=True)
        write_wav(soundtrack(film.timeline), sound)
        started = time.perf_counter()
        encode(film.frames, sound, folder / "rendered.mp4", fps=composer.fps)
        rendered = time.perf_counter() - started

        with raw.open("wb") as out:
            for frame in composer.film(title=title, drawing=drawing, pages=pages, language=Language.ENGLISH, read_along=True).frames:
                out.write(frame.data)
        frames = np.memmap(raw, dtype=np.uint8, mode="r").reshape(-1, FRAME_BYTES)
        started = time.perf_counter()
        encode(_each(frames), sound, folder / "encode-only.mp4", fps=composer.fps)
        return rendered, time.perf_counter() - started


def _each(frames: np.ndarray) -> Iterator[np.ndarray]:
    for index in range(len(frames)):
        yield np.ascontiguousarray(frames[index])
