"""The renderer against its ceiling: the same storybook's frames made in advance and kept on disk, piped into the same
x264 with the same settings, a segment per page as the renderer writes them. No renderer can beat encoding alone, so
the project's is judged as a share of it: both are timed from the first frame to the last page's segment, pages
already loaded (joining the segments and muxing the sound is the same copy in both)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from media.compose import StoryPage
from media.compose.local import StreamingComposer, encode_segment, pages_to_render
from media.compose.yuv import FRAME_BYTES
from shared.domain.models import Language


def rendered_and_ceiling_seconds(title: str, drawing: Path, pages: list[StoryPage], folder: Path) -> tuple[float, float]:
    """Wall seconds to render and encode every page as the composer does, and to encode their frames made before."""
    composer = StreamingComposer()
    folder.mkdir(parents=True, exist_ok=True)
    jobs = pages_to_render(title=title, drawing=drawing, pages=pages, language=Language.ENGLISH, read_along=True)
    with tempfile.TemporaryDirectory(prefix="ceiling-", dir=folder) as scratch:
        raws = [Path(scratch) / f"page_{job.page.number}.yuv" for job in jobs]
        for job, raw in zip(jobs, raws, strict=True):
            with raw.open("wb") as out:
                for frame in composer.segment_frames(job):
                    out.write(frame.data)
        started = time.perf_counter()
        for job in jobs:
            composer.render_page(job, Path(scratch) / f"rendered_{job.page.number}.h264")
        rendered = time.perf_counter() - started

        started = time.perf_counter()
        for job, raw in zip(jobs, raws, strict=True):
            frames = np.memmap(raw, dtype=np.uint8, mode="r").reshape(-1, FRAME_BYTES)
            encode_segment(_each(frames), Path(scratch) / f"encoded_{job.page.number}.h264", fps=composer.fps)
        return rendered, time.perf_counter() - started


def _each(frames: np.ndarray) -> Iterator[np.ndarray]:
    for index in range(len(frames)):
        yield np.ascontiguousarray(frames[index])
