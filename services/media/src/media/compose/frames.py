"""Every frame of the storybook as an I420 buffer (see yuv.py), one at a time, built with numpy only.

The costly work happens once per page, never per frame: each illustration is
scaled up and converted to YUV once, and each caption is drawn and converted
once. A frame is then an integer crop of the scaled backdrop's planes (the Ken
Burns move is a slow, eased pan across it), the child's figure blended into its
own box only (each of its shapes converted once per page), a uint16 blend while
pages dissolve into each other, and the caption blended into its own box only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from media.compose.cards import caption_layer, word_highlights
from media.compose.motion import Pose, pose
from media.compose.timeline import Caption, PageSlot
from media.compose.yuv import FRAME_BYTES, HEIGHT, WIDTH, full_planes, halve, planes, still, to_uint8
from media.illustrate import Stance, on_page

OVERSCAN = 1.12  # how much larger than the frame a page is scaled, i.e. how far the camera can travel
SCALED = (round(WIDTH * OVERSCAN), round(HEIGHT * OVERSCAN))  # the page as the camera sees it
MARGIN = (SCALED[0] - WIDTH, SCALED[1] - HEIGHT)  # how far the camera can travel across it
WHOLE = 256  # weights are out of 256 so that blends divide with a shift

# Where the camera starts and ends on the scaled page, as shares of the spare margin (0 = left/top, 1 = right/bottom).
# Pages take turns so consecutive pages never move the same way.
PANS = (
    ((0.0, 0.5), (1.0, 0.3)),  # left to right, rising a little
    ((1.0, 1.0), (0.2, 0.0)),  # from the ground up to the sky, drifting left
    ((0.1, 0.0), (0.9, 1.0)),  # across and down
    ((0.8, 0.2), (0.0, 0.7)),  # right to left, settling
    ((0.5, 0.0), (0.5, 1.0)),  # straight down from the sky
)


@dataclass(frozen=True)
class Blend:
    """A picture ready to blend into one plane at (top, left): its value already multiplied by its weight."""

    top: int
    left: int
    weighted: np.ndarray  # uint16, value * weight
    keep: np.ndarray  # uint16, WHOLE - weight

    @classmethod
    def of(cls, value: np.ndarray, alpha: np.ndarray, top: int, left: int) -> Blend:
        return cls(
            top, left, weighted=np.round(value * alpha * WHOLE).astype(np.uint16), keep=np.round((1 - alpha) * WHOLE).astype(np.uint16)
        )

    def onto(self, plane: np.ndarray) -> None:
        height, width = self.keep.shape
        area = plane[self.top : self.top + height, self.left : self.left + width]
        area[:] = (area * self.keep + self.weighted) >> 8

    def clipped_onto(self, plane: np.ndarray, top: int, left: int) -> None:
        """Blended with its corner at (top, left) instead, keeping only what falls inside the plane."""
        height, width = self.keep.shape
        rows = slice(max(0, -top), min(height, plane.shape[0] - top))
        columns = slice(max(0, -left), min(width, plane.shape[1] - left))
        if rows.start >= rows.stop or columns.start >= columns.stop:
            return
        area = plane[top + rows.start : top + rows.stop, left + columns.start : left + columns.stop]
        area[:] = (area * self.keep[rows, columns] + self.weighted[rows, columns]) >> 8


class Overlay:
    """A box of words (a caption, or the highlight over its word being said), converted once, blended into the luma
    and both chroma planes of a frame."""

    def __init__(self, corner: tuple[int, int], strip: Image.Image) -> None:
        left, top = corner
        # Chroma has one sample per 2x2 pixels: the box must start and end on even pixels to blend into whole samples.
        even_left, even_top = left - left % 2, top - top % 2
        box = Image.new("RGBA", (_even(strip.width + left - even_left), _even(strip.height + top - even_top)), (0, 0, 0, 0))
        box.paste(strip, (left - even_left, top - even_top))
        rgba = np.asarray(box)
        alpha = rgba[..., 3].astype(np.float32) / 255
        y, cb, cr = full_planes(rgba[..., :3])
        chroma_alpha = halve(alpha)
        self._luma = Blend.of(y, alpha, even_top, even_left)
        self._chroma = [
            Blend.of(halve(plane * alpha) / np.maximum(chroma_alpha, 1e-6), chroma_alpha, even_top // 2, even_left // 2)
            for plane in (cb, cr)
        ]

    def onto(self, frame: np.ndarray) -> np.ndarray:
        y, cb, cr = planes(frame)
        self._luma.onto(y)
        for blend, plane in zip(self._chroma, (cb, cr), strict=True):
            blend.onto(plane)
        return frame


@dataclass(frozen=True)
class PageArt:
    """One page's pictures: the backdrop, and the figure on its own layer with its stance."""

    backdrop: Image.Image  # RGB, FRAME_SIZE
    figure: Image.Image  # RGBA sticker
    stance: Stance

    def still(self) -> Image.Image:
        return on_page(self.backdrop, self.figure, self.stance)


@dataclass(frozen=True)
class Shape:
    """The figure in one (stretch, tilt), converted to blends; `feet` is where its feet are inside the blends' box."""

    luma: Blend
    chroma: tuple[Blend, Blend]
    feet: tuple[int, int]  # (x, y) in pixels from the box's corner


class Figure:
    """The figure layer of a page, moving as its stance says, blended into each frame over the panning backdrop.

    Only the figure's own box is touched per frame. Each distinct shape (poses are rounded: see motion.py) is
    transformed and converted once per page; a frame then just places it, at even pixels so chroma lines up.
    """

    def __init__(self, sticker: Image.Image, stance: Stance, *, frames: int, fps: int) -> None:
        # The page is shown scaled by OVERSCAN (the camera's room to pan), so the figure is too.
        box = sticker.getchannel("A").getbbox() or (0, 0, *sticker.size)  # only what shows: fewer pixels to turn and blend
        size = (round((box[2] - box[0]) * OVERSCAN), round((box[3] - box[1]) * OVERSCAN))
        scaled = sticker.resize(size, Image.Resampling.BICUBIC, box=box)
        self._sticker = scaled.convert("RGBa")  # premultiplied, so turning it never drags in the black of clear pixels
        self._feet_in_sticker = (size[0] / 2, float(size[1]))
        self._feet_on_page = ((stance.left + box[0]) * OVERSCAN + size[0] / 2, (stance.top + box[1]) * OVERSCAN + size[1])
        self._stance, self._frames, self._fps = stance, max(frames - 1, 1), fps
        self._shapes: dict[tuple[float, float], Shape] = {}

    def pose(self, local: int) -> Pose:
        stance = self._stance
        return pose(
            stance.motion, seconds=local / self._fps, progress=local / self._frames, heading=stance.heading, liveliness=stance.liveliness
        )

    def onto(self, frame: np.ndarray, local: int, corner: tuple[int, int]) -> None:
        """Blends the figure into `frame` as it is on frame `local` of its page; `corner` is the pan's (left, top) on the page."""
        now = self.pose(local)
        shape = self._shape(*now.rounded())
        feet_x = self._feet_on_page[0] + now.across * WIDTH * OVERSCAN - corner[0]
        feet_y = self._feet_on_page[1] - now.rise * HEIGHT * OVERSCAN - corner[1]
        left, top = _even_below(feet_x - shape.feet[0]), _even_below(feet_y - shape.feet[1])
        y, cb, cr = planes(frame)
        shape.luma.clipped_onto(y, top, left)
        for blend, plane in zip(shape.chroma, (cb, cr), strict=True):
            blend.clipped_onto(plane, top // 2, left // 2)

    def _shape(self, stretch: float, tilt: float) -> Shape:
        if (stretch, tilt) not in self._shapes:
            self._shapes[stretch, tilt] = self._transformed(stretch, tilt)
        return self._shapes[stretch, tilt]

    def _transformed(self, stretch: float, tilt: float) -> Shape:
        """The sticker stretched about its feet (keeping its area) and turned about them, as blends."""
        scale_x, scale_y = 1 / math.sqrt(stretch), stretch
        cos, sin = math.cos(math.radians(tilt)), math.sin(math.radians(tilt))
        feet_x, feet_y = self._feet_in_sticker
        width, height = self._sticker.size
        # Forward: v' = R(tilt) S v about the feet (y down, so a positive tilt leans the top to the left).
        corners = [(x - feet_x, y - feet_y) for x in (0, width) for y in (0, height)]
        moved = [(cos * scale_x * x + sin * scale_y * y, -sin * scale_x * x + cos * scale_y * y) for x, y in corners]
        low_x, low_y = math.floor(min(x for x, _ in moved)), math.floor(min(y for _, y in moved))
        size = (_even(math.ceil(max(x for x, _ in moved)) - low_x), _even(math.ceil(max(y for _, y in moved)) - low_y))
        # Image.transform maps each output pixel back into the sticker: v = S^-1 R^-1 v'.
        inverse = (
            cos / scale_x,
            -sin / scale_x,
            (cos * low_x - sin * low_y) / scale_x + feet_x,
            sin / scale_y,
            cos / scale_y,
            (sin * low_x + cos * low_y) / scale_y + feet_y,
        )
        if tilt:
            turned = self._sticker.transform(size, Image.Transform.AFFINE, inverse, resample=Image.Resampling.BILINEAR).convert("RGBA")
        else:  # a stretch alone is a resize, several times cheaper than an affine transform
            stretched = self._sticker.resize((round(width * scale_x), round(height * scale_y)), Image.Resampling.BILINEAR)
            turned = Image.new("RGBa", size)
            turned.paste(stretched, (round(-low_x - feet_x * scale_x), round(-low_y - feet_y * scale_y)))
            turned = turned.convert("RGBA")
        rgba = np.asarray(turned)
        alpha = rgba[..., 3].astype(np.float32) / 255
        y, cb, cr = full_planes(rgba[..., :3])
        chroma_alpha = halve(alpha)
        chroma = tuple(Blend.of(halve(plane * alpha) / np.maximum(chroma_alpha, 1e-6), chroma_alpha, 0, 0) for plane in (cb, cr))
        return Shape(luma=Blend.of(y, alpha, 0, 0), chroma=(chroma[0], chroma[1]), feet=(-low_x, -low_y))


class Pan:
    """One page's Ken Burns move: eased integer-pixel crops of the page scaled up (and converted) once, its figure moving on top."""

    def __init__(self, page: PageArt, index: int, frames: int, fps: int) -> None:
        self._figure = Figure(page.figure, page.stance, frames=frames, fps=fps)
        scaled = page.backdrop.resize(SCALED, Image.Resampling.BICUBIC)
        y, cb, cr = full_planes(np.asarray(scaled))
        self._luma = to_uint8(y)
        # A crop may start on an odd pixel, so keep the chroma subsampled from each of the four 2x2 grid offsets.
        self._chroma = {(top, left): (to_uint8(halve(cb, top, left)), to_uint8(halve(cr, top, left))) for top in (0, 1) for left in (0, 1)}
        self._index, self._frames = index, frames

    def frame(self, local: int) -> np.ndarray:
        left, top = camera(self._index, local, self._frames)
        frame = np.empty(FRAME_BYTES, dtype=np.uint8)
        y, cb, cr = planes(frame)
        y[:] = self._luma[top : top + HEIGHT, left : left + WIDTH]
        for plane, source in zip((cb, cr), self._chroma[(top % 2, left % 2)], strict=True):
            plane[:] = source[top // 2 : top // 2 + HEIGHT // 2, left // 2 : left // 2 + WIDTH // 2]
        self._figure.onto(frame, local, (left, top))
        return frame


def camera(index: int, local: int, frames: int) -> tuple[int, int]:
    """Where page `index`'s pan has its (left, top) corner on the page scaled by OVERSCAN, `local` frames into its `frames`."""
    eased = 0.5 - 0.5 * math.cos(math.pi * min(local / max(frames - 1, 1), 1.0))  # no jolt where pages meet
    (x0, y0), (x1, y1) = PANS[index % len(PANS)]
    return round((x0 + (x1 - x0) * eased) * MARGIN[0]), round((y0 + (y1 - y0) * eased) * MARGIN[1])


def _even(size: int) -> int:
    return size + size % 2


def _even_below(position: float) -> int:
    whole = math.floor(position)
    return whole - whole % 2


def closing_frames(last: np.ndarray, closing: Image.Image, *, count: int, fade_frames: int) -> Iterator[np.ndarray]:
    """The end card's frames, dissolving in from the last page's last frame."""
    end, fade = still(np.asarray(closing)), min(fade_frames, count)
    for local in range(fade):
        yield dissolve(last, end, local, fade)
    yield from repeat(end, count - fade)


class CaptionOverlays:
    """A page's captions, and (reading along) the highlight of each word, each converted once and laid on its frames.

    A caption's overlays are made when it first shows, not all at the page's start: the encoder is not kept waiting
    for captions that come later in the page."""

    def __init__(self, captions: tuple[Caption, ...], *, read_along: bool) -> None:
        self._captions, self._read_along = captions, read_along
        self._made: dict[Caption, tuple[Overlay, list[Overlay]]] = {}

    def _overlays(self, caption: Caption) -> tuple[Overlay, list[Overlay]]:
        if caption not in self._made:
            words: list[Overlay] = []
            if self._read_along and caption.words:
                highlights = word_highlights(caption.text)
                words = [Overlay(*highlights[word.token]) for word in caption.words]
            self._made[caption] = (Overlay(*caption_layer(caption.text)), words)
        return self._made[caption]

    def onto(self, frame: np.ndarray, frame_number: int) -> np.ndarray:
        caption = next((caption for caption in self._captions if caption.start_frame <= frame_number < caption.end_frame), None)
        if caption is None:
            return frame
        whole, words = self._overlays(caption)
        whole.onto(frame)
        if words:
            # The word lit is the last one the voice has reached; before the first is reached, none is.
            said = [index for index, word in enumerate(caption.words) if word.start_frame <= frame_number]
            if said:
                words[said[-1]].onto(frame)
        return frame


def page_frames(slot: PageSlot, pan: Pan, previous: np.ndarray, *, fade_frames: int, read_along: bool) -> Iterator[np.ndarray]:
    """A page's frames, dissolving in from `previous` (the title card, or the last frame of the page before).
    Reading along, the word being said is highlighted in each caption."""
    captions = CaptionOverlays(slot.captions, read_along=read_along)
    fade = min(fade_frames, (slot.end_frame - slot.start_frame) // 3)
    for frame_number in range(slot.start_frame, slot.end_frame):
        local = frame_number - slot.start_frame
        frame = pan.frame(local)
        if local < fade:
            frame = dissolve(previous, frame, local, fade)
        yield captions.onto(frame, frame_number)


def dissolve(before: np.ndarray, after: np.ndarray, step: int, steps: int) -> np.ndarray:
    """Frame `step` of a `steps`-frame crossfade; step 0 already shows a little of `after`."""
    weight = (step + 1) * WHOLE // (steps + 1)
    mixed = before.astype(np.uint16) * (WHOLE - weight) + after.astype(np.uint16) * weight
    return (mixed >> 8).astype(np.uint8)


def repeat(frame: np.ndarray, count: int) -> Iterator[np.ndarray]:
    for _ in range(count):
        yield frame
