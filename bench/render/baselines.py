"""The two renderers the project's is measured against, making the same storybook with the same x264 settings.

Both get the same timeline (page starts, caption times) and the same title
card, end card and caption pictures as the project's renderer, so only the
way frames are made differs. Neither has the music bed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from moviepy import AudioFileClip, CompositeAudioClip, CompositeVideoClip, ImageClip, vfx
from PIL import Image

from media.compose import StoryPage
from media.compose.cards import caption_layer, end_card, load_frame, title_card
from media.compose.local import AAC_SETTINGS, X264_OPTIONS, X264_PRESET, X264_SETTINGS, StreamingComposer
from media.compose.timeline import Timeline
from media.illustrate import on_page, read_figure

FADE_SEC = 0.4
ZOOM = 0.1  # how much each page zooms in over its time


def _still_page(page: StoryPage) -> Image.Image:
    """The page with its figure pasted where it stands: the baselines pan the page but do not move the figure."""
    return on_page(load_frame(page.image), *read_figure(page.figure.read_bytes()))


def naive_moviepy(title: str, drawing: Path, pages: list[StoryPage], target: Path) -> None:
    """The common moviepy 2 way: a per-frame resize lambda, CrossFadeIn, everything in one CompositeVideoClip."""
    timeline = StreamingComposer().timeline(pages)
    scenes = [_still_page(slot.page) for slot in timeline.pages]
    layers = [ImageClip(np.asarray(title_card(title, drawing))).with_duration(timeline.seconds(timeline.title_frames))]
    voices = []
    for slot, scene in zip(timeline.pages, scenes, strict=True):
        start, duration = timeline.seconds(slot.start_frame), timeline.seconds(slot.end_frame - slot.start_frame)
        moving = ImageClip(np.asarray(scene)).with_duration(duration).resized(lambda t, d=duration: 1 + ZOOM * t / d)
        layers.append(moving.with_position("center").with_start(start).with_effects([vfx.CrossFadeIn(FADE_SEC)]))
        layers += [_caption_clip(caption.text, timeline, caption.start_frame, caption.end_frame) for caption in slot.captions]
        voices.append(AudioFileClip(str(slot.page.audio)).with_start(start))
    end_start = timeline.seconds(timeline.pages[-1].end_frame)
    closing = ImageClip(np.asarray(end_card(scenes[-1]))).with_start(end_start).with_duration(timeline.seconds(timeline.end_frames))
    layers.append(closing.with_effects([vfx.CrossFadeIn(FADE_SEC)]))
    video = CompositeVideoClip(layers, size=(1280, 720)).with_duration(timeline.duration_sec)
    video = video.with_audio(CompositeAudioClip(voices).with_duration(timeline.duration_sec))
    video.write_videofile(
        str(target),
        fps=timeline.fps,
        codec="libx264",
        preset=X264_PRESET,
        audio_codec="aac",
        audio_bitrate="128k",
        ffmpeg_params=[*X264_OPTIONS, "-movflags", "+faststart"],
        temp_audiofile_path=str(target.parent),
        logger=None,
    )
    for voice in voices:
        voice.close()


def _caption_clip(text: str, timeline: Timeline, start_frame: int, end_frame: int) -> ImageClip:
    (left, top), strip = caption_layer(text)
    clip = ImageClip(np.asarray(strip.convert("RGB")))
    clip = clip.with_mask(ImageClip(np.asarray(strip)[..., 3] / 255.0, is_mask=True))
    return (
        clip.with_position((left, top)).with_start(timeline.seconds(start_frame)).with_duration(timeline.seconds(end_frame - start_frame))
    )


def ffmpeg_filter_graph(title: str, drawing: Path, pages: list[StoryPage], target: Path, scratch: Path) -> None:
    """Stills in (the figure pasted on each page), one ffmpeg out: zoompan per page, xfade between them, captions overlaid when due, narrations delayed and mixed."""
    timeline = StreamingComposer().timeline(pages)
    scenes = [_still_page(slot.page) for slot in timeline.pages]
    fps, fade = timeline.fps, FADE_SEC
    inputs: list[list[str]] = []  # one group of options per input; an input's index is its place here
    graph: list[str] = []

    def still(name: str, image, seconds: float | None = None) -> int:  # noqa: ANN001 - a PIL image
        path = scratch / f"{name}.png"
        image.save(path)
        inputs.append((["-loop", "1", "-framerate", str(fps), "-t", f"{seconds:.4f}"] if seconds else []) + ["-i", str(path)])
        return len(inputs) - 1

    title_input = still("title", title_card(title, drawing), timeline.seconds(timeline.title_frames))
    graph.append(f"[{title_input}:v]format=yuv420p,settb=AVTB[seg0]")
    segments = []  # (label, start seconds) of everything after the title
    for number, (slot, scene) in enumerate(zip(timeline.pages, scenes, strict=True), start=1):
        frames = slot.end_frame - slot.start_frame + round(fade * fps)  # each page starts a fade early
        index = still(f"page-{number}", scene)
        graph.append(
            f"[{index}:v]zoompan=z='min(zoom+{ZOOM / frames:.6f},{1 + ZOOM})':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            f":d={frames}:s=1280x720:fps={fps},format=yuv420p,settb=AVTB[seg{number}]"
        )
        segments.append((f"seg{number}", timeline.seconds(slot.start_frame)))
    closing = still("end", end_card(scenes[-1]), timeline.seconds(timeline.end_frames) + fade)
    graph.append(f"[{closing}:v]format=yuv420p,settb=AVTB[seg{len(segments) + 1}]")
    segments.append((f"seg{len(segments) + 1}", timeline.seconds(timeline.pages[-1].end_frame)))

    chained = "seg0"
    for label, start in segments:
        graph.append(f"[{chained}][{label}]xfade=transition=fade:duration={fade}:offset={start - fade:.4f}[x{label}]")
        chained = f"x{label}"
    for number, caption in enumerate((caption for slot in timeline.pages for caption in slot.captions), start=1):
        (left, top), strip = caption_layer(caption.text)
        index = still(f"caption-{number}", strip)
        begin, end = timeline.seconds(caption.start_frame), timeline.seconds(caption.end_frame)
        graph.append(f"[{chained}][{index}:v]overlay={left}:{top}:enable='between(t,{begin:.4f},{end:.4f})'[c{number}]")
        chained = f"c{number}"

    voices = []
    for number, slot in enumerate(timeline.pages, start=1):
        inputs.append(["-i", str(slot.page.audio)])
        graph.append(f"[{len(inputs) - 1}:a]adelay={round(timeline.seconds(slot.start_frame) * 1000)}:all=1[v{number}]")
        voices.append(f"[v{number}]")
    graph.append(f"{''.join(voices)}amix=inputs={len(voices)}:normalize=0,apad,atrim=0:{timeline.duration_sec:.4f}[sound]")

    script = scratch / "graph.txt"
    script.write_text(";\n".join(graph))
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        *(option for group in inputs for option in group),
    ]
    command += ["-/filter_complex", str(script), "-map", f"[{chained}]", "-map", "[sound]", *X264_SETTINGS]
    command += [*AAC_SETTINGS, "-movflags", "+faststart", str(target)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-800:])
