"""Fixtures for the local media providers: a synthetic drawing, one shared narrator, ffmpeg probes, and one storybook
rendered from them (its video, captions and books) for every test that reads one."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image, ImageDraw

from media.compose import ComposedVideo, StoryPage
from media.compose.local import StreamingComposer
from media.compose.timeline import Timeline
from media.illustrate import PageToPaint
from media.illustrate.local import LocalIllustrator
from media.narrate.local import PiperNarrator
from shared.domain.models import DrawingAnalysis, Scene, StoryOptions, Style, Theme, VoiceType

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


TITLE = "Pip and the Paper Kite"
TEXTS = ("Pip found a kite in the park. It was red.", "The wind lifted it up to the clouds.", "At night Pip dreamed of flying.")


@dataclass(frozen=True)
class Rendered:
    video: ComposedVideo
    timeline: Timeline
    drawing: Path
    pages: list[StoryPage]
    workdir: Path


def illustrate(drawing: Drawing, number: int, text: str, count: int, folder: Path) -> tuple[Path, Path]:
    """The page's backdrop and its figure layer, as files."""
    image, figure = folder / f"{number}.png", folder / f"{number}_figure.png"
    illustration = LocalIllustrator().illustrate(
        PageToPaint(
            drawing=drawing.image,
            figure_mask=drawing.mask,
            analysis=DrawingAnalysis(subject="Pip"),
            scene=Scene(number=number, text=text),
            scene_count=count,
            options=StoryOptions(theme=Theme.ADVENTURE, age=6, voice=VoiceType.CHEERFUL, style=Style.CARTOON_3D),
        )
    )
    image.write_bytes(illustration.backdrop)
    figure.write_bytes(illustration.figure)
    return image, figure


def render(composer: StreamingComposer, drawing_path: Path, pages: list[StoryPage], workdir: Path, *, read_along: bool = False) -> Rendered:
    video = composer.compose(title=TITLE, drawing=drawing_path, pages=pages, workdir=workdir, read_along=read_along)
    return Rendered(video, composer.timeline(pages), drawing_path, pages, workdir)


@pytest.fixture(scope="session")
def rendered(drawing: Drawing, narrator: PiperNarrator, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Three narrated pages as the composer renders them, captions shown whole."""
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
