"""Fixtures for the local media providers: a synthetic drawing, one shared narrator, ffmpeg probes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image, ImageDraw

from media.narrate.local import PiperNarrator

INK = (200, 30, 170)  # a magenta no backdrop uses, so finding it in a frame means the figure is there
PAPER = (246, 243, 236)
STROKES = (
    ("ellipse", (350, 90, 450, 190)),  # head
    ("line", (400, 190, 400, 380)),  # body
    ("line", (310, 250, 490, 250)),  # arms
    ("line", (400, 380, 330, 510)),  # legs
    ("line", (400, 380, 470, 510)),
)


@dataclass(frozen=True)
class Drawing:
    image: bytes  # PNG, a stick figure on paper
    mask: bytes  # PNG mode L, 255 on the figure's ink
    empty_mask: bytes  # PNG mode L, all 0


def png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def draw_stick_figure(size: tuple[int, int] = (800, 600)) -> tuple[Image.Image, Image.Image]:
    page, mask = Image.new("RGB", size, PAPER), Image.new("L", size, 0)
    for target, colour in ((page, INK), (mask, 255)):
        draw = ImageDraw.Draw(target)
        for kind, xy in STROKES:
            if kind == "ellipse":
                draw.ellipse(xy, outline=colour, width=9)
            else:
                draw.line(xy, fill=colour, width=9)
    return page, mask


@pytest.fixture(scope="session")
def drawing() -> Drawing:
    page, mask = draw_stick_figure()
    return Drawing(image=png(page), mask=png(mask), empty_mask=png(Image.new("L", page.size, 0)))


@pytest.fixture(scope="session")
def narrator() -> PiperNarrator:
    """One narrator for the session: loading the voice is the slow part."""
    return PiperNarrator()


@pytest.fixture(scope="session")
def ffmpeg_report() -> Callable[[Path], str]:
    """What `ffmpeg -i` says about a media file: its streams and duration."""

    def report(media: Path) -> str:
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(media)]
        return subprocess.run(command, capture_output=True, text=True, check=False).stderr

    return report


@pytest.fixture(scope="session")
def decode_pcm() -> Callable[[Path, int], bytes]:
    """A media file's audio as mono signed 16-bit samples at the given rate."""

    def decode(media: Path, rate: int) -> bytes:
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(media), "-vn"]
        command += ["-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"]
        return subprocess.run(command, capture_output=True, check=True).stdout

    return decode
