"""What an MP4 really contains, read with the ffmpeg that imageio-ffmpeg ships."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np


@dataclass(frozen=True)
class MediaInfo:
    video_codec: str | None
    width: int
    height: int
    pixel_format: str | None
    fps: float
    audio_codec: str | None
    audio_duration: float
    video_duration: float
    moov_first: bool


def _decoded_seconds(path: Path, stream: str) -> float:
    """Decodes one stream to nowhere; the last progress time is its real length."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", f"0:{stream}", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    times = re.findall(r"time=(\d+):(\d+):(\d+\.\d+)", result.stderr)
    hours, minutes, seconds = times[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _moov_before_mdat(path: Path) -> bool:
    data = path.read_bytes()[: 4 * 1024 * 1024]
    moov, mdat = data.find(b"moov"), data.find(b"mdat")
    return moov != -1 and (mdat == -1 or moov < mdat)


def probe(path: Path) -> MediaInfo:
    header = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    video = re.search(r"Video: (\w+).*?, (\w+)(?:\(.*?\))?, (\d+)x(\d+).*?, ([\d.]+) fps", header)
    audio = re.search(r"Audio: (\w+)", header)
    return MediaInfo(
        video_codec=video.group(1) if video else None,
        pixel_format=video.group(2) if video else None,
        width=int(video.group(3)) if video else 0,
        height=int(video.group(4)) if video else 0,
        fps=float(video.group(5)) if video else 0.0,
        audio_codec=audio.group(1) if audio else None,
        audio_duration=_decoded_seconds(path, "a:0") if audio else 0.0,
        video_duration=_decoded_seconds(path, "v:0") if video else 0.0,
        moov_first=_moov_before_mdat(path),
    )


def decoded_audio(path: Path, rate: int) -> np.ndarray:
    """The first audio stream, mono at `rate`, as floats in -1..1."""
    raw = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-loglevel",
            "error",
            "-i",
            str(path),
            "-vn",
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.int16) / 32768


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """The decoded picture shown at `seconds`, RGB, height x width x 3."""
    info = probe(path)
    raw = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-ss", f"{seconds:.3f}", "-i", str(path), "-frames:v", "1"]
        + ["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(info.height, info.width, 3)
