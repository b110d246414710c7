"""Every frame of the storybook as an I420 buffer (see yuv.py), one at a time, built with numpy only.

The costly work happens once per page, never per frame: each illustration is
scaled up and converted to YUV once, and each caption is drawn and converted
once. A frame is then an integer crop of the scaled page's planes (the Ken
Burns move is a slow, eased pan across it), a uint16 blend while pages
dissolve into each other, and the caption blended into its own box only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from media.compose.cards import caption_layer
from media.compose.timeline import Caption, PageSlot, Timeline
from media.compose.yuv import FRAME_BYTES, HEIGHT, WIDTH, full_planes, halve, planes, still, to_uint8

OVERSCAN = 1.12  # how much larger than the frame a page is scaled, i.e. how far the camera can travel
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


class Overlay:
    """A caption's box, converted once, blended into the luma and both chroma planes of a frame."""

    def __init__(self, text: str) -> None:
        (left, top), strip = caption_layer(text)
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


class Pan:
    """One page's Ken Burns move: eased integer-pixel crops of the page scaled up (and converted) once."""

    def __init__(self, scene: Image.Image, index: int, frames: int) -> None:
        scaled = scene.resize((round(WIDTH * OVERSCAN), round(HEIGHT * OVERSCAN)), Image.Resampling.BICUBIC)
        y, cb, cr = full_planes(np.asarray(scaled))
        self._luma = to_uint8(y)
        # A crop may start on an odd pixel, so keep the chroma subsampled from each of the four 2x2 grid offsets.
        self._chroma = {(top, left): (to_uint8(halve(cb, top, left)), to_uint8(halve(cr, top, left))) for top in (0, 1) for left in (0, 1)}
        self._margin = (scaled.width - WIDTH, scaled.height - HEIGHT)
        self._path = PANS[index % len(PANS)]
        self._frames = max(frames - 1, 1)

    def frame(self, local: int) -> np.ndarray:
        eased = 0.5 - 0.5 * math.cos(math.pi * min(local / self._frames, 1.0))  # no jolt where pages meet
        (x0, y0), (x1, y1) = self._path
        left = round((x0 + (x1 - x0) * eased) * self._margin[0])
        top = round((y0 + (y1 - y0) * eased) * self._margin[1])
        frame = np.empty(FRAME_BYTES, dtype=np.uint8)
        y, cb, cr = planes(frame)
        y[:] = self._luma[top : top + HEIGHT, left : left + WIDTH]
        for plane, source in zip((cb, cr), self._chroma[(top % 2, left % 2)], strict=True):
            plane[:] = source[top // 2 : top // 2 + HEIGHT // 2, left // 2 : left // 2 + WIDTH // 2]
        return frame


def _even(size: int) -> int:
    return size + size % 2


def render_frames(
    timeline: Timeline, *, opening: Image.Image, scenes: list[Image.Image], closing: Image.Image, fade_frames: int
) -> Iterator[np.ndarray]:
    """Each frame in order as a flat I420 buffer: title card, pages (each dissolving in from the one before), end card."""
    title = still(np.asarray(opening))
    yield from _repeat(title, timeline.title_frames)
    previous = title
    for index, (slot, scene) in enumerate(zip(timeline.pages, scenes, strict=True)):
        pan = Pan(scene, index, slot.end_frame - slot.start_frame)
        yield from _page(slot, pan, previous, fade_frames)
        previous = pan.frame(slot.end_frame - slot.start_frame - 1)
    end, fade = still(np.asarray(closing)), min(fade_frames, timeline.end_frames)
    for local in range(fade):
        yield dissolve(previous, end, local, fade)
    yield from _repeat(end, timeline.end_frames - fade)


def _page(slot: PageSlot, pan: Pan, previous: np.ndarray, fade_frames: int) -> Iterator[np.ndarray]:
    overlays = {caption: Overlay(caption.text) for caption in slot.captions}
    fade = min(fade_frames, (slot.end_frame - slot.start_frame) // 3)
    for frame_number in range(slot.start_frame, slot.end_frame):
        local = frame_number - slot.start_frame
        frame = pan.frame(local)
        if local < fade:
            frame = dissolve(previous, frame, local, fade)
        caption = _showing(slot.captions, frame_number)
        yield overlays[caption].onto(frame) if caption else frame


def _showing(captions: tuple[Caption, ...], frame_number: int) -> Caption | None:
    return next((caption for caption in captions if caption.start_frame <= frame_number < caption.end_frame), None)


def dissolve(before: np.ndarray, after: np.ndarray, step: int, steps: int) -> np.ndarray:
    """Frame `step` of a `steps`-frame crossfade; step 0 already shows a little of `after`."""
    weight = (step + 1) * WHOLE // (steps + 1)
    mixed = before.astype(np.uint16) * (WHOLE - weight) + after.astype(np.uint16) * weight
    return (mixed >> 8).astype(np.uint8)


def _repeat(frame: np.ndarray, count: int) -> Iterator[np.ndarray]:
    for _ in range(count):
        yield frame
