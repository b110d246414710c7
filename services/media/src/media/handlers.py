"""Media's handlers: the approved script becomes pictures and narration, a message per scene and half; each page of
the video is rendered as soon as its scene (and the one before) is made; then the video is joined from the pages.

pipeline.requested fans out into a picture.requested and a narration.requested per scene, which any media worker
takes; each adds its scene to the checkpoint's map and announces it. The fan-in asks for each page whose scenes are
made (page.requested, once each); each page adds its segment to the checkpoint and announces it (page.rendered), and
the fan-in that finds every page there claims video.requested once. Events of an older pipeline are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from media.compose import PageToRender, Segment, StoryPage, VideoComposer
from media.cores import CpuSlots
from media.illustrate import Illustrator, PageToPaint
from media.narrate import Narrator
from shared.domain.assets import AssetKeys, Retention, run_file
from shared.domain.costs import combined
from shared.domain.errors import StageFailure
from shared.domain.events import (
    Envelope,
    EventType,
    PageRequested,
    PipelineRequested,
    SceneDone,
    SceneJob,
    Stage,
    VideoCompleted,
    VideoRequested,
)
from shared.domain.models import GeneratedAudio, GeneratedImage, Language, PageVideo, VideoResult
from shared.domain.options import DEFAULT_AGE
from shared.domain.ports import AssetStore
from shared.domain.run import (
    Checkpoint,
    Claim,
    Expect,
    RunPatch,
    SceneNarration,
    ScenePicture,
    images_painted,
    page_rendered,
    pages_started,
    pipeline_started,
    scene_narrated,
    scene_painted,
    video_claimed,
    video_made,
    voice_recorded,
)
from shared.domain.safety import script_refusal
from shared.runtime.processing import Outcome
from shared.runtime.tracing import tracer

log = logging.getLogger(__name__)


def _is_current(checkpoint: Checkpoint, pipeline_id: str) -> bool:
    if checkpoint.pipeline_id != pipeline_id:
        log.info("event of a replaced pipeline ignored", extra={"pipeline_id": pipeline_id})
        return False
    return True


async def start_pipeline(event: Envelope[PipelineRequested], checkpoint: Checkpoint) -> Outcome:
    request, redo = event.payload, event.payload.redo
    scenes = [scene.number for scene in request.story_script.scenes]
    # A redo makes only its page again; every other page keeps the picture and the narration it has.
    kept_images = [image for image in redo.images.images if not redo.repaints(image.scene_number)] if redo else []
    kept_clips = [clip for clip in redo.audio.clips if not redo.renarrates(clip.scene_number)] if redo else []
    to_paint = [number for number in scenes if number not in {image.scene_number for image in kept_images}]
    to_narrate = [number for number in scenes if number not in {clip.scene_number for clip in kept_clips}]
    if not to_paint and not to_narrate:
        raise StageFailure("nothing_to_make", "There was nothing to make again on that page. Choose a new picture or new words.")

    def job(number: int) -> SceneJob:
        return SceneJob(pipeline_id=event.id, scene_number=number, request=request)

    return Outcome(
        changes=pipeline_started(event.id, request.story_script, request.drawing_analysis, request.options, kept=(kept_images, kept_clips)),
        events=[
            *(event.follow(job(number), type=EventType.PICTURE_REQUESTED) for number in to_paint),
            *(event.follow(job(number), type=EventType.NARRATION_REQUESTED) for number in to_narrate),
        ],
    )


async def illustrate_scene(event: Envelope[SceneJob], checkpoint: Checkpoint, *, assets: AssetStore, illustrator: Illustrator) -> Outcome:
    job = event.payload
    if not _is_current(checkpoint, job.pipeline_id):
        return Outcome()
    request = job.request
    drawing_key, mask_key = (run_file(key, event.user_id, event.run_id) for key in (request.drawing_key, request.figure_mask_key))
    drawing, figure_mask = await asyncio.gather(assets.get(drawing_key), assets.get(mask_key))
    # A redo paints its page as a take of its own (the pipeline's id): it comes out differently from the last one.
    page = PageToPaint(
        drawing=drawing,
        figure_mask=figure_mask,
        analysis=request.drawing_analysis,
        scene=job.scene,
        scene_count=len(request.story_script.scenes),
        options=request.options,
        take=job.pipeline_id if request.redo else "",
    )
    with tracer.start_as_current_span("illustrate", attributes={"provider": type(illustrator).__name__, "scene": job.scene_number}):
        picture = await illustrator.illustrate(page)
    key = AssetKeys.scene_image(event.user_id, event.run_id, job.scene_number)
    await asyncio.gather(
        assets.put(key, picture.backdrop, "image/png", retention=Retention.INTERMEDIATE),
        assets.put(figure_layer_key(key), picture.figure, "image/png", retention=Retention.INTERMEDIATE),
    )
    painted = ScenePicture(image=GeneratedImage(scene_number=job.scene_number, key=key), usage=picture.usage)
    return _scene_made(event, scene_painted(painted), EventType.PICTURE_COMPLETED)


async def narrate_scene(event: Envelope[SceneJob], checkpoint: Checkpoint, *, assets: AssetStore, narrator: Narrator) -> Outcome:
    job = event.payload
    if not _is_current(checkpoint, job.pipeline_id):
        return Outcome()
    # The story stage and the gateway keep banned words out of a script; the narrator, and the captions that show
    # what it says, still never say one that got past them.
    if refusal := script_refusal(job.request.story_script):
        raise StageFailure("not_for_children", refusal)
    options, scene = job.request.options, job.scene
    with tracer.start_as_current_span("narrate", attributes={"provider": type(narrator).__name__, "scene": scene.number}):
        narration = await narrator.narrate(text=scene.text, voice=options.voice, age=options.age, language=options.language)
    key = AssetKeys.scene_audio(event.user_id, event.run_id, scene.number)
    await assets.put(key, narration.audio, "audio/mpeg", retention=Retention.INTERMEDIATE)
    clip = GeneratedAudio(scene_number=scene.number, key=key, duration_sec=narration.duration_sec, sentences=narration.sentences)
    return _scene_made(event, scene_narrated(SceneNarration(clip=clip, usage=narration.usage)), EventType.NARRATION_COMPLETED)


def _scene_made(event: Envelope[SceneJob], changes: RunPatch, announced: EventType) -> Outcome:
    done = SceneDone(pipeline_id=event.payload.pipeline_id, scene_number=event.payload.scene_number)
    return Outcome(changes=changes, expect=Expect(pipeline_id=done.pipeline_id), events=[event.follow(done, type=announced)])


async def join_scenes(event: Envelope[SceneDone], checkpoint: Checkpoint, *, render_ahead: bool = True) -> Outcome:
    """Fan-in, on every scene's picture, narration and page of the video: a half whose every scene is on the checkpoint
    is done; the pages whose scenes are made (each with the scene before it) are asked for, once each; whichever page
    finds every page rendered asks for the video, once.

    Each worker wrote its entry before announcing it, so the last announcement read sees every entry; two that both see
    them race for the claim, and one wins. One that loses the pages' claim leaves them to the winner, whose pages
    announce themselves in turn and ask for the pages after theirs. Without `render_ahead`, no page is asked for
    before every scene is made (what bench/e2e compares with)."""
    pipeline_id = event.payload.pipeline_id
    if not _is_current(checkpoint, pipeline_id):
        return Outcome()
    if checkpoint.video_claim == pipeline_id:  # the scenes' announcements often queue up behind the scenes themselves
        log.info("the video is already asked for")
        return Outcome()
    images, audio = checkpoint.pictures_done(), checkpoint.narrations_done()
    changes = RunPatch()
    if images is not None and not checkpoint.stage_done(Stage.IMAGES, pipeline_id):
        changes |= images_painted(images, pipeline_id, combined(picture.usage for picture in checkpoint.pictures.values()))
    if audio is not None and not checkpoint.stage_done(Stage.VOICE, pipeline_id):
        changes |= voice_recorded(audio, pipeline_id, combined(narration.usage for narration in checkpoint.narrations.values()))
    script, expect = checkpoint.story_script, Expect(pipeline_id=pipeline_id)
    if script is None:
        return Outcome(changes=changes, expect=expect)
    made, asked = checkpoint.scenes_made(), checkpoint.pages_asked_for()
    ready = made if render_ahead or made == len(script.scenes) else 0
    if ready > asked:
        pages = [PageRequested(pipeline_id=pipeline_id, scene_number=scene.number) for scene in script.scenes[asked:ready]]
        return Outcome(
            changes=changes | (pages_started(pipeline_id) if asked == 0 else RunPatch()),
            events=[event.follow(page, type=EventType.PAGE_REQUESTED) for page in pages],
            claim=Claim.pages(pipeline_id, ready, saw=checkpoint.pages_claim),
            expect=expect,
        )
    page_videos = checkpoint.page_videos_done()
    if images is None or audio is None or page_videos is None:
        return Outcome(changes=changes, expect=expect)
    requested = VideoRequested(
        pipeline_id=pipeline_id,
        story_script=script,
        drawing_key=checkpoint.drawing_key,
        image_result=images,
        audio_result=audio,
        page_videos=page_videos,
    )
    return Outcome(
        changes=changes | video_claimed(),
        events=[event.follow(requested, type=EventType.VIDEO_REQUESTED)],
        claim=Claim.video(pipeline_id),
        expect=expect,
    )


async def render_page(
    event: Envelope[PageRequested], checkpoint: Checkpoint, *, assets: AssetStore, composer: VideoComposer, cores: CpuSlots
) -> Outcome:
    """One page's segment of the video, from its scene's picture and narration (and the scene before it, which its
    crossfade starts from), stored and added to the checkpoint's map."""
    job = event.payload
    if not _is_current(checkpoint, job.pipeline_id) or checkpoint.story_script is None:
        return Outcome()
    scenes = checkpoint.story_script.scenes
    position = next(index for index, scene in enumerate(scenes) if scene.number == job.scene_number)
    options = checkpoint.options
    with tempfile.TemporaryDirectory(prefix="nocomelon-page-") as workdir_name:
        workdir = Path(workdir_name)
        drawing = workdir / f"drawing{Path(checkpoint.drawing_key).suffix}"
        shown = scenes[max(position - 1, 0) : position + 1]  # the page, after the one it dissolves in from
        pages = [_story_page(scene.number, scene.text, checkpoint.narrations[str(scene.number)].clip, workdir) for scene in shown]
        files = [pair for page in pages for pair in _picture_files(checkpoint.pictures[str(page.number)].image.key, page)]
        if position == 0:
            files.append((checkpoint.drawing_key, drawing))
        await asyncio.gather(*(assets.download_file(run_file(key, event.user_id, event.run_id), path) for key, path in files))
        page = PageToRender(
            page=pages[-1],
            position=position,
            page_count=len(scenes),
            before=pages[0] if position else None,
            title=checkpoint.story_script.title,
            drawing=drawing,
            language=options.language if options else Language.ENGLISH,
            read_along=options.reads_along if options else False,
        )
        with tracer.start_as_current_span("render page", attributes={"scene": job.scene_number}):
            segment = await cores.run(composer.render_page, page, workdir / "page.h264")
        key = AssetKeys.page_video(event.user_id, event.run_id, job.pipeline_id, job.scene_number)
        await assets.upload_file(segment.path, key, "video/h264", retention=Retention.INTERMEDIATE)
    rendered = PageVideo(scene_number=job.scene_number, key=key, frames=segment.frames)
    done = SceneDone(pipeline_id=job.pipeline_id, scene_number=job.scene_number)
    return Outcome(
        changes=page_rendered(rendered),
        expect=Expect(pipeline_id=job.pipeline_id),
        events=[event.follow(done, type=EventType.PAGE_RENDERED)],
    )


async def assemble_video(
    event: Envelope[VideoRequested], checkpoint: Checkpoint, *, assets: AssetStore, composer: VideoComposer, cores: CpuSlots
) -> Outcome:
    requested = event.payload
    if not _is_current(checkpoint, requested.pipeline_id):
        return Outcome()
    with tempfile.TemporaryDirectory(prefix="nocomelon-video-") as workdir_name:
        workdir = Path(workdir_name)
        drawing = workdir / f"drawing{Path(requested.drawing_key).suffix}"
        pages = _pages(requested, workdir)
        segments = {video.scene_number: (video, workdir / f"page_{video.scene_number}.h264") for video in requested.page_videos}
        files = [
            (requested.drawing_key, drawing),
            *_page_files(requested, pages),
            *((video.key, path) for video, path in segments.values()),
        ]
        await asyncio.gather(*(assets.download_file(run_file(key, event.user_id, event.run_id), path) for key, path in files))
        options = checkpoint.options
        with tracer.start_as_current_span("assemble", attributes={"scenes": len(pages)}):
            composed = await cores.run(
                composer.assemble,
                title=requested.story_script.title,
                drawing=drawing,
                pages=pages,
                segments=[Segment(path=segments[page.number][1], frames=segments[page.number][0].frames) for page in pages],
                workdir=workdir,
                language=options.language if options else Language.ENGLISH,
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
        _story_page(scene.number, scene.text, clips[scene.number], workdir)
        for scene in requested.story_script.scenes
        if scene.number in images and scene.number in clips
    ]


def _story_page(number: int, text: str, clip: GeneratedAudio, workdir: Path) -> StoryPage:
    return StoryPage(
        number=number,
        text=text,
        image=workdir / f"scene_{number}.png",
        figure=workdir / f"scene_{number}_figure.png",
        audio=workdir / f"scene_{number}.mp3",
        duration_sec=clip.duration_sec,
        sentences=clip.sentences,
    )


def _picture_files(image_key: str, page: StoryPage) -> list[tuple[str, Path]]:
    return [(image_key, page.image), (figure_layer_key(image_key), page.figure)]


def _page_files(requested: VideoRequested, pages: list[StoryPage]) -> list[tuple[str, Path]]:
    images = {image.scene_number: image.key for image in requested.image_result.images}
    clips = {clip.scene_number: clip.key for clip in requested.audio_result.clips}
    return [pair for page in pages for pair in (*_picture_files(images[page.number], page), (clips[page.number], page.audio))]
