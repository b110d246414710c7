"""The project's renderer against a naive moviepy composition and an ffmpeg zoompan + xfade filter graph.

    uv run python -m bench.render [--keep DIR]

Makes the same 5-scene storybook (about 30 s: a synthetic drawing, five
LocalIllustrator pages, PiperNarrator narration), renders it three ways in
this one run with the same x264 settings, encodes its frames made in advance
(the ceiling: encoding alone), and prints wall time, real-time factor and
ratios. Ends with one line:
`render: <x>x real time, <y>x faster than naive moviepy, <z>x faster than ffmpeg filter graph, <p>% of the encode-only ceiling`.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.render.baselines import ffmpeg_filter_graph, naive_moviepy
from bench.render.ceiling import rendered_and_ceiling_seconds
from bench.render.storybook import TITLE, make_storybook
from media.compose.local import StreamingComposer, probe_duration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="write the inputs and the three videos here instead of a temporary folder")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as scratch:
        run(arguments.keep or Path(scratch))


def run(folder: Path) -> None:
    drawing, pages = make_storybook(folder / "inputs")
    outputs = folder / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    (outputs / "filter-graph").mkdir(exist_ok=True)
    renderers: dict[str, Callable[[], Path]] = {
        "project (numpy frames -> one ffmpeg)": lambda: (
            StreamingComposer().compose(title=TITLE, drawing=drawing, pages=pages, workdir=outputs / "project").video
        ),
        "naive moviepy": lambda: _done(naive_moviepy(TITLE, drawing, pages, outputs / "moviepy.mp4"), outputs / "moviepy.mp4"),
        "ffmpeg zoompan + xfade": lambda: _done(
            ffmpeg_filter_graph(TITLE, drawing, pages, outputs / "filter-graph.mp4", outputs / "filter-graph"), outputs / "filter-graph.mp4"
        ),
    }
    print(f"{len(pages)} scenes on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    seconds = {}
    for name, render in renderers.items():
        started, cpu_before = time.perf_counter(), _cpu_seconds()
        video = render()
        seconds[name], cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
        length = probe_duration(video)
        print(
            f"{name:40} {seconds[name]:6.2f} s wall ({cpu:6.2f} s CPU) for {length:5.2f} s of video: {length / seconds[name]:5.2f}x real time"
        )
    ours, moviepy, graph = seconds.values()
    length = probe_duration(outputs / "project" / "storybook.mp4")
    rendered, ceiling = rendered_and_ceiling_seconds(TITLE, drawing, pages, outputs / "ceiling")
    print(f"{'encode-only ceiling (frames made before)':40} {ceiling:6.2f} s wall; the same video rendered as it encodes {rendered:6.2f} s")
    print(
        f"render: {length / ours:.1f}x real time, {moviepy / ours:.1f}x faster than naive moviepy, {graph / ours:.1f}x faster than ffmpeg filter graph,"
        f" {100 * ceiling / rendered:.0f}% of the encode-only ceiling"
    )


def _cpu_seconds() -> float:
    """CPU time of this process and the ffmpeg processes it has waited for: unlike wall time, it barely depends on the machine's load."""
    return sum(usage.ru_utime + usage.ru_stime for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def _done(_: None, video: Path) -> Path:
    return video


if __name__ == "__main__":
    main()
