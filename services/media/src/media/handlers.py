"""Media's handlers: the approved script becomes pictures and narration (in
parallel), then, once both are in the checkpoint, the video.

pipeline.requested fans out into images.requested and voice.requested; each
completion event triggers the fan-in, which claims video.requested once on
the checkpoint. Events of an older pipeline of the same run are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path

from media.compose import StoryPage, VideoComposer
from media.illustrate import Illustrator, PageToPaint
from media.narrate import Narrator
from shared.domain.assets import AssetKeys, Retention, run_file
from shared.domain.costs import Usage, combined
from shared.domain.errors import StageFailure
from shared.domain.events import (
    Envelope,
    EventType,
    ImagesCompleted,
    MediaJob,
    PipelineRequested,
    Stage,
    VideoCompleted,
    VideoRequested,
    VoiceCompleted,
)
from shared.domain.models import AudioResult, GeneratedAudio, GeneratedImage, ImageResult, Language, Scene, VideoResult
from shared.domain.options import DEFAULT_AGE
from shared.domain.ports import AssetStore
from shared.domain.run import (
    Checkpoint,
    Claim,
    Expect,
    images_painted,
    pipeline_started,
    video_claimed,
    video_made,
    voice_recorded,
)
from shared.domain.safety import script_refusal
from shared.runtime.processing import Outcome

log = logging.getLogger(__name__)


def _is_current(checkpoint: Checkpoint, pipeline_id: str) -> bool:
    if checkpoint.pipeline_id != pipeline_id:
        log.info("event of a replaced pipeline ignored", extra={"pipeline_id": pipeline_id})
        return False
    return True


async def start_pipeline(event: Envelope[PipelineRequested], checkpoint: Checkpoint) -> Outcome:
    request = event.payload
    job = MediaJob(pipeline_id=event.id, request=request)
    return Outcome(
        changes=pipeline_started(event.id, request.story_script, request.drawing_analysis, request.options),
        events=[
            event.follow(job, type=EventType.IMAGES_REQUESTED),
            event.follow(job, type=EventType.VOICE_REQUESTED),
        ],
    )


async def illustrate_scenes(event: Envelope[MediaJob], checkpoint: Checkpoint, *, assets: AssetStore, illustrator: Illustrator) -> Outcome:
    job = event.payload
    if not _is_current(checkpoint, job.pipeline_id):
        return Outcome()
    request = job.request
    drawing_key, mask_key = (run_file(key, event.user_id, event.run_id) for key in (request.drawing_key, request.figure_mask_key))
    drawing, figure_mask = await asyncio.gather(assets.get(drawing_key), assets.get(mask_key))
    scenes = request.story_script.scenes
    # A redo paints only its page again, as a take of its own; every other page keeps the picture it has.
    redo, take = request.redo, job.pipeline_id if request.redo else ""
    kept = {image.scene_number: image for image in redo.images.images if not redo.repaints(image.scene_number)} if redo else {}
    pool = asyncio.Semaphore(illustrator.pool)  # a cloud model paints several pages at once, the offline painter one

    async def illustrate(scene: Scene) -> tuple[GeneratedImage, Usage | None]:
        async with pool:
            picture = await illustrator.illustrate(
                PageToPaint(
                    drawing=drawing,
                    figure_mask=figure_mask,
                    analysis=request.drawing_analysis,
                    scene=scene,
                    scene_count=len(scenes),
                    options=request.options,
                    take=take,
                )
            )
        key = AssetKeys.scene_image(event.user_id, event.run_id, scene.number)
        await asyncio.gather(
            assets.put(key, picture.backdrop, "image/png", retention=Retention.INTERMEDIATE),
            assets.put(figure_layer_key(key), picture.figure, "image/png", retention=Retention.INTERMEDIATE),
        )
        return GeneratedImage(scene_number=scene.number, key=key), picture.usage

    painted = await asyncio.gather(*(illustrate(scene) for scene in scenes if scene.number not in kept))
    images = sorted([*kept.values(), *(image for image, _ in painted)], key=lambda image: image.scene_number)
    result = ImageResult(style=request.options.style, images=images)
    return Outcome(
        changes=images_painted(result, job.pipeline_id, combined(usage for _, usage in painted)),
        expect=Expect(pipeline_id=job.pipeline_id),
        events=[event.follow(ImagesCompleted(pipeline_id=job.pipeline_id, image_result=result), type=EventType.IMAGES_COMPLETED)],
    )


async def narrate_scenes(event: Envelope[MediaJob], checkpoint: Checkpoint, *, assets: AssetStore, narrator: Narrator) -> Outcome:
    job = event.payload
    if not _is_current(checkpoint, job.pipeline_id):
        return Outcome()
    script = job.request.story_script
    # The story stage and the gateway keep banned words out of a script; the narrator, and the
    # captions that show what it says, still never say one that got past them.
    if refusal := script_refusal(script):
        raise StageFailure("not_for_children", refusal)
    options = job.request.options
    # Scenes are spoken side by side, one per core: the narrator keeps each to one thread.
    cores = asyncio.Semaphore(os.cpu_count() or 1)

    async def narrate(scene: Scene) -> tuple[GeneratedAudio, Usage | None]:
        async with cores:
            narration = await narrator.narrate(text=scene.text, voice=options.voice, age=options.age, language=options.language)
        key = AssetKeys.scene_audio(event.user_id, event.run_id, scene.number)
        await assets.put(key, narration.audio, "audio/mpeg", retention=Retention.INTERMEDIATE)
        clip = GeneratedAudio(scene_number=scene.number, key=key, duration_sec=narration.duration_sec, sentences=narration.sentences)
        return clip, narration.usage

    # A redo narrates only its page again (its words were edited); every other page keeps its narration.
    redo = job.request.redo
    kept = {clip.scene_number: clip for clip in redo.audio.clips if not redo.renarrates(clip.scene_number)} if redo else {}
    spoken = await asyncio.gather(*(narrate(scene) for scene in script.scenes if scene.number not in kept))
    clips = sorted([*kept.values(), *(clip for clip, _ in spoken)], key=lambda clip: clip.scene_number)
    result = AudioResult(voice=options.voice, clips=clips)
    return Outcome(
        changes=voice_recorded(result, job.pipeline_id, combined(usage for _, usage in spoken)),
        expect=Expect(pipeline_id=job.pipeline_id),
        events=[event.follow(VoiceCompleted(pipeline_id=job.pipeline_id, audio_result=result), type=EventType.VOICE_COMPLETED)],
    )


async def join_images_and_voice(event: Envelope[ImagesCompleted] | Envelope[VoiceCompleted], checkpoint: Checkpoint) -> Outcome:
    """Fan-in: whichever completion finds both halves done asks for the video, once."""
    pipeline_id = event.payload.pipeline_id
    if not _is_current(checkpoint, pipeline_id):
        return Outcome()
    if not (checkpoint.stage_done(Stage.IMAGES, pipeline_id) and checkpoint.stage_done(Stage.VOICE, pipeline_id)):
        return Outcome()
    script, images, audio = checkpoint.story_script, checkpoint.image_result, checkpoint.audio_result
    if script is None or images is None or audio is None:
        raise RuntimeError("both halves are done but the checkpoint lacks the script or a result")
    requested = VideoRequested(
        pipeline_id=pipeline_id, story_script=script, drawing_key=checkpoint.drawing_key, image_result=images, audio_result=audio
    )
    return Outcome(
        changes=video_claimed(),
        events=[event.follow(requested, type=EventType.VIDEO_REQUESTED)],
        claim=Claim.video(pipeline_id),
        expect=Expect(pipeline_id=pipeline_id),
    )


async def render_video(event: Envelope[VideoRequested], checkpoint: Checkpoint, *, assets: AssetStore, composer: VideoComposer) -> Outcome:
    requested = event.payload
    if not _is_current(checkpoint, requested.pipeline_id):
        return Outcome()
    with tempfile.TemporaryDirectory(prefix="nocomelon-video-") as workdir_name:
        workdir = Path(workdir_name)
        drawing = workdir / f"drawing{Path(requested.drawing_key).suffix}"
        pages = _pages(requested, workdir)
        files = [(requested.drawing_key, drawing), *_page_files(requested, pages)]
        await asyncio.gather(*(assets.download_file(run_file(key, event.user_id, event.run_id), path) for key, path in files))
        options = checkpoint.options
        composed = await asyncio.to_thread(
            composer.compose,
            title=requested.story_script.title,
            drawing=drawing,
            pages=pages,
            workdir=workdir,
            language=options.language if options else Language.ENGLISH,
            read_along=options.reads_along if options else False,
            age=options.age if options else DEFAULT_AGE,
        )
        result = VideoResult(
            video_key=AssetKeys.video(event.user_id, event.run_id),
            duration_sec=round(composed.duration_sec, 2),
            thumbnail_key=AssetKeys.thumbnail(event.user_id, event.run_id),
            captions_key=AssetKeys.captions(event.user_id, event.run_id),
            book_keys={paper: AssetKeys.book(event.user_id, event.run_id, paper.value) for paper in composed.books},
        )
        uploads = [
            (composed.video, result.video_key, "video/mp4"),
            (composed.thumbnail, result.thumbnail_key, "image/jpeg"),
            (composed.captions, AssetKeys.captions(event.user_id, event.run_id), "text/vtt"),
            *((book, result.book_keys[paper], "application/pdf") for paper, book in composed.books.items()),
        ]
        await asyncio.gather(*(assets.upload_file(path, key, kind, retention=Retention.RUN) for path, key, kind in uploads))
    return Outcome(
        changes=video_made(result, requested.pipeline_id),
        expect=Expect(pipeline_id=requested.pipeline_id),
        events=[event.follow(VideoCompleted(pipeline_id=requested.pipeline_id, video_result=result), type=EventType.VIDEO_COMPLETED)],
    )


def figure_layer_key(scene_image_key: str) -> str:
    """Where a scene's figure layer is kept: beside its backdrop, so it is one of the run's files like it."""
    return scene_image_key.removesuffix(".png") + "_figure.png"


def _pages(requested: VideoRequested, workdir: Path) -> list[StoryPage]:
    images = {image.scene_number: image for image in requested.image_result.images}
    clips = {clip.scene_number: clip for clip in requested.audio_result.clips}
    return [
        StoryPage(
            number=scene.number,
            text=scene.text,
            image=workdir / f"scene_{scene.number}.png",
            figure=workdir / f"scene_{scene.number}_figure.png",
            audio=workdir / f"scene_{scene.number}.mp3",
            duration_sec=clips[scene.number].duration_sec,
            sentences=clips[scene.number].sentences,
        )
        for scene in requested.story_script.scenes
        if scene.number in images and scene.number in clips
    ]


def _page_files(requested: VideoRequested, pages: list[StoryPage]) -> list[tuple[str, Path]]:
    images = {image.scene_number: image.key for image in requested.image_result.images}
    clips = {clip.scene_number: clip.key for clip in requested.audio_result.clips}
    files: list[tuple[str, Path]] = []
    for page in pages:
        image = images[page.number]
        files += [(image, page.image), (figure_layer_key(image), page.figure), (clips[page.number], page.audio)]
    return files
