"""The port through which the media service paints one scene: a backdrop and, on its own layer, the child's figure."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Protocol

from PIL import Image, PngImagePlugin

from media.cores import CpuSlots
from shared.domain.costs import Usage
from shared.domain.models import DrawingAnalysis, Motion, Scene, StoryOptions

FRAME_SIZE = (1280, 720)


@dataclass(frozen=True)
class Stance:
    """Where the figure layer stands on its page at rest and how it moves there (read by the renderer)."""

    left: int  # the layer's top-left corner on the frame, in pixels
    top: int
    motion: Motion
    heading: int  # +1 travels right, -1 left (for the motions that cross the page)
    liveliness: float  # 1 is a lively page; smaller for the youngest and for bedtime


@dataclass(frozen=True)
class Illustration:
    backdrop: bytes  # PNG of FRAME_SIZE: the page without the figure
    figure: bytes  # PNG (RGBA): the cut-out figure as a sticker; its Stance is in the PNG's text chunks
    usage: Usage | None = None  # what a paid model was asked (None offline)


def figure_png(sticker: Image.Image, stance: Stance) -> bytes:
    info = PngImagePlugin.PngInfo()
    for name in ("left", "top", "motion", "heading", "liveliness"):
        info.add_text(name, str(getattr(stance, name)))
    out = BytesIO()
    sticker.save(out, "PNG", pnginfo=info, compress_level=3)
    return out.getvalue()


def read_figure(data: bytes) -> tuple[Image.Image, Stance]:
    """The sticker (RGBA) and its stance, from a figure layer written by `figure_png`."""
    image = Image.open(BytesIO(data))
    text: dict[str, str] = getattr(image, "text", {})
    stance = Stance(
        left=int(text["left"]),
        top=int(text["top"]),
        motion=Motion(text["motion"]),
        heading=int(text["heading"]),
        liveliness=float(text["liveliness"]),
    )
    return image.convert("RGBA"), stance


def on_page(backdrop: Image.Image, sticker: Image.Image, stance: Stance) -> Image.Image:
    """The page as a still picture: the figure pasted where it stands at rest (thumbnails, the end card)."""
    page = backdrop.convert("RGB")
    page.paste(sticker, (stance.left, stance.top), sticker)
    return page


@dataclass(frozen=True)
class PageToPaint:
    """What an illustrator paints one page of a storybook from."""

    drawing: bytes
    figure_mask: bytes
    analysis: DrawingAnalysis
    scene: Scene
    scene_count: int
    options: StoryOptions
    # Empty for a page's first painting; a page painted again (a parent's redo) gets a word of its own, and the same
    # page with another take comes out differently (the same take, the same way).
    take: str = ""


class Illustrator(Protocol):
    """Paints one page (async: a cloud model waits on the network)."""

    async def illustrate(self, page: PageToPaint) -> Illustration: ...


class BlockingIllustrator(Protocol):
    def illustrate(self, page: PageToPaint) -> Illustration:
        """Blocking: CPU work."""
        ...


class OffTheLoop:
    """An illustrator that paints on the CPU (the offline one), behind the port: a page per core, off the event loop."""

    def __init__(self, blocking: BlockingIllustrator, cores: CpuSlots | None = None) -> None:
        self._blocking = blocking
        self._cores = cores or CpuSlots()

    async def illustrate(self, page: PageToPaint) -> Illustration:
        return await self._cores.run(self._blocking.illustrate, page)
