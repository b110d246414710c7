"""Frames in the encoder's own format: I420 (yuv420p), BT.709, limited range.

Handing x264 yuv420p directly spares ffmpeg its rgb24 conversion, which runs
on one thread and cost about a third of the whole encode; it also halves the
bytes piped per frame. Each picture is converted once, in numpy; frames are
then cut from the converted planes.
"""

from __future__ import annotations

import numpy as np

from media.illustrate import FRAME_SIZE

WIDTH, HEIGHT = FRAME_SIZE
LUMA_SIZE = WIDTH * HEIGHT
CHROMA_SIZE = LUMA_SIZE // 4
FRAME_BYTES = LUMA_SIZE + 2 * CHROMA_SIZE
# Written into the H.264 stream, so players convert back with the matrix the frames were made with (1 = BT.709).
COLOUR_TAGS = ("-bsf:v", "h264_metadata=video_full_range_flag=0:colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1")

_KR, _KB = 0.2126, 0.0722  # BT.709


def full_planes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Y, Cb and Cr of an rgb24 picture at full resolution, as float32 in limited range (Y 16..235, C 16..240)."""
    red, green, blue = (rgb[..., channel].astype(np.float32) for channel in range(3))
    luma = _KR * red + (1 - _KR - _KB) * green + _KB * blue
    y = 16 + luma * (219 / 255)
    cb = 128 + (blue - luma) * (224 / 255) / (2 * (1 - _KB))
    cr = 128 + (red - luma) * (224 / 255) / (2 * (1 - _KR))
    return y, cb, cr


def halve(plane: np.ndarray, top: int = 0, left: int = 0) -> np.ndarray:
    """The plane at half resolution, each sample the mean of a 2x2 block whose corner is at (top, left) mod 2."""
    shifted = plane[top:, left:]
    rows, columns = shifted.shape[0] // 2 * 2, shifted.shape[1] // 2 * 2
    block = shifted[:rows, :columns]
    return (block[0::2, 0::2] + block[1::2, 0::2] + block[0::2, 1::2] + block[1::2, 1::2]) / 4


def to_uint8(plane: np.ndarray) -> np.ndarray:
    return np.clip(plane + 0.5, 0, 255).astype(np.uint8)


def still(rgb: np.ndarray) -> np.ndarray:
    """A whole FRAME_SIZE rgb24 picture as one I420 frame."""
    y, cb, cr = full_planes(rgb)
    return np.concatenate([to_uint8(y).ravel(), to_uint8(halve(cb)).ravel(), to_uint8(halve(cr)).ravel()])


def planes(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Writable Y, Cb and Cr views into an I420 frame."""
    y = frame[:LUMA_SIZE].reshape(HEIGHT, WIDTH)
    cb = frame[LUMA_SIZE : LUMA_SIZE + CHROMA_SIZE].reshape(HEIGHT // 2, WIDTH // 2)
    cr = frame[LUMA_SIZE + CHROMA_SIZE :].reshape(HEIGHT // 2, WIDTH // 2)
    return y, cb, cr
