"""Media's handlers with fake providers: fan-out, fan-in, stale pipelines, video."""

import asyncio
from pathlib import Path

import pytest

from media.compose import ComposedVideo, StoryPage
from media.handlers import illustrate_scenes, join_images_and_voice, narrate_scenes, render_video, start_pipeline
from media.illustrate import Illustration, PageToPaint
from media.narrate import Narration
from shared.domain.assets import Retention
from shared.domain.events import (
    Envelope,
    EventType,
    ImagesCompleted,
    MediaJob,
    PipelineRequested,
    RunMode,
    SceneRedo,
    Stage,
    VideoRequested,
)
from shared.domain.models import (
    AudioResult,
    DrawingAnalysis,
    GeneratedAudio,
    GeneratedImage,
    ImageResult,
    Language,
    Paper,
    Scene,
    StoryOptions,
    StoryScript,
    Style,
    Theme,
    VideoResult,
    VoiceType,
)
from shared.domain.run import Checkpoint, RunPatch, RunStatus, StageState, StageStatus

SCRIPT = StoryScript(title="The Kite", scenes=[Scene(number=1, text="A kite."), Scene(number=2, text="It flew.")])
OPTIONS = StoryOptions(theme=Theme.NATURE, age=4, voice=VoiceType.WISE, style=Style.ANIME)
REQUEST = PipelineRequested(
    story_script=SCRIPT,
    drawing_analysis=DrawingAnalysis(subject="a kite"),
    options=OPTIONS,
    drawing_key="u/drawings/r.png",
    figure_mask_key="u/drawings/r_mask.png",
)


class FakeIllustrator:
    def __init__(self, pool: int = 2) -> None:
        self.pool, self.busy, self.most_at_once = pool, 0, 0

    async def illustrate(self, page: PageToPaint) -> Illustration:
        self.busy += 1
        self.most_at_once = max(self.most_at_once, self.busy)
        await asyncio.sleep(0.01)
        self.busy -= 1
        painted = f"{page.options.style}:{page.scene.number}/{page.scene_count}:{page.drawing.decode()}+{page.figure_mask.decode()}"
        painted += f" take {page.take}" if page.take else ""
        return Illustration(backdrop=painted.encode(), figure=f"figure of {painted}".encode())


class FakeNarrator:
    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration:
        return Narration(audio=f"{voice}:{text}".encode(), duration_sec=len(text) / 2)


class FakeComposer:
    def __init__(self) -> None:
        self.pages: list[StoryPage] = []
        self.read_along: bool | None = None

    def compose(
        self, *, title: str, drawing: Path, pages: list[StoryPage], workdir: Path, language: Language, read_along: bool, age: int
    ) -> ComposedVideo:
        self.pages, self.read_along = pages, read_along
        assert all(page.image.read_bytes() and page.figure.read_bytes() and page.audio.read_bytes() for page in pages)
        video, thumbnail = workdir / "out.mp4", workdir / "thumb.jpg"
        video.write_bytes(f"{title}|{drawing.read_bytes().decode()}".encode())
        thumbnail.write_bytes(b"jpeg")
        captions = workdir / "captions.vtt"
        captions.write_text("WEBVTT\n")
        books = {paper: workdir / f"{paper}.pdf" for paper in Paper}
        for paper, book in books.items():
            book.write_bytes(f"%PDF {paper} age {age}".encode())
        return ComposedVideo(video=video, thumbnail=thumbnail, captions=captions, books=books, duration_sec=12.345)


def checkpoint(**fields) -> Checkpoint:
    return Checkpoint(user_id="u", run_id="r", mode=RunMode.ONE_SHOT, drawing_key="u/drawings/r.png", media_type="image/png", **fields)


def pipeline_event() -> Envelope[PipelineRequested]:
    return Envelope.new(REQUEST, type=EventType.PIPELINE_REQUESTED, run_id="r", user_id="u", mode=RunMode.ONE_SHOT)


async def test_a_pipeline_fans_out_to_images_and_voice() -> None:
    event = pipeline_event()
    outcome = await start_pipeline(event, checkpoint())
    assert [follow.type for follow in outcome.events] == [EventType.IMAGES_REQUESTED, EventType.VOICE_REQUESTED]
    assert all(follow.payload == MediaJob(pipeline_id=event.id, request=REQUEST) for follow in outcome.events)
    assert outcome.changes.pipeline_id == event.id
    assert outcome.changes.story_script == SCRIPT


async def test_images_are_painted_per_scene_and_stored(assets) -> None:
    await assets.put("u/drawings/r.png", b"drawing", "image/png", retention=Retention.RUN)
    await assets.put("u/drawings/r_mask.png", b"mask", "image/png", retention=Retention.INTERMEDIATE)
    job = pipeline_event().follow(MediaJob(pipeline_id="p1", request=REQUEST), type=EventType.IMAGES_REQUESTED)
    outcome = await illustrate_scenes(job, checkpoint(pipeline_id="p1"), assets=assets, illustrator=FakeIllustrator())
    assert assets.objects["u/images/r_scene_2.png"] == (b"anime:2/2:drawing+mask", "image/png")
    assert assets.objects["u/images/r_scene_2_figure.png"] == (b"figure of anime:2/2:drawing+mask", "image/png")
    assert assets.retention["u/images/r_scene_2.png"] == assets.retention["u/images/r_scene_2_figure.png"] == Retention.INTERMEDIATE
    result = outcome.changes.image_result
    assert isinstance(result, ImageResult)
    assert [image.key for image in result.images] == ["u/images/r_scene_1.png", "u/images/r_scene_2.png"]
    assert outcome.changes.stages[Stage.IMAGES].status == StageStatus.DONE
    assert outcome.changes.stages[Stage.IMAGES].attempt == "p1"
    assert [follow.type for follow in outcome.events] == [EventType.IMAGES_COMPLETED]


@pytest.mark.parametrize("pool", [1, 2])
async def test_pages_are_painted_as_many_at_once_as_the_illustrator_takes(assets, pool: int) -> None:
    await assets.put("u/drawings/r.png", b"drawing", "image/png", retention=Retention.RUN)
    await assets.put("u/drawings/r_mask.png", b"mask", "image/png", retention=Retention.INTERMEDIATE)
    job = pipeline_event().follow(MediaJob(pipeline_id="p1", request=REQUEST), type=EventType.IMAGES_REQUESTED)
    illustrator = FakeIllustrator(pool=pool)
    await illustrate_scenes(job, checkpoint(pipeline_id="p1"), assets=assets, illustrator=illustrator)
    assert illustrator.most_at_once == pool  # the script has two scenes


def redo(*, picture: bool, narration: bool, text: str = "A kite.") -> PipelineRequested:
    """Scene 1 made again; scene 2 keeps the picture and narration it has."""
    images = ImageResult(style=Style.ANIME, images=[GeneratedImage(scene_number=n, key=f"u/images/r_scene_{n}.png") for n in (1, 2)])
    audio = AudioResult(
        voice=VoiceType.WISE, clips=[GeneratedAudio(scene_number=n, key=f"u/audio/r_scene_{n}.mp3", duration_sec=9.0) for n in (1, 2)]
    )
    script = SCRIPT.model_copy(update={"scenes": [SCRIPT.scenes[0].model_copy(update={"text": text}), SCRIPT.scenes[1]]})
    again = SceneRedo(scene_number=1, picture=picture, narration=narration, images=images, audio=audio)
    return REQUEST.model_copy(update={"story_script": script, "redo": again})


async def test_a_redo_paints_only_its_page_again_as_a_new_take(assets) -> None:
    await assets.put("u/drawings/r.png", b"drawing", "image/png", retention=Retention.RUN)
    await assets.put("u/drawings/r_mask.png", b"mask", "image/png", retention=Retention.INTERMEDIATE)
    job = pipeline_event().follow(MediaJob(pipeline_id="p2", request=redo(picture=True, narration=False)), type=EventType.IMAGES_REQUESTED)
    outcome = await illustrate_scenes(job, checkpoint(pipeline_id="p2"), assets=assets, illustrator=FakeIllustrator())
    assert set(assets.objects) == {"u/drawings/r.png", "u/drawings/r_mask.png", "u/images/r_scene_1.png", "u/images/r_scene_1_figure.png"}
    assert assets.objects["u/images/r_scene_1.png"] == (b"anime:1/2:drawing+mask take p2", "image/png")
    result = outcome.changes.image_result
    assert isinstance(result, ImageResult) and [image.key for image in result.images] == [
        "u/images/r_scene_1.png",
        "u/images/r_scene_2.png",
    ]

    untouched = pipeline_event().follow(
        MediaJob(pipeline_id="p3", request=redo(picture=False, narration=True)), type=EventType.IMAGES_REQUESTED
    )
    kept = await illustrate_scenes(untouched, checkpoint(pipeline_id="p3"), assets=assets, illustrator=FakeIllustrator())
    assert kept.changes.image_result == result and [follow.type for follow in kept.events] == [EventType.IMAGES_COMPLETED]


async def test_a_redo_narrates_only_its_edited_page_again(assets) -> None:
    request = redo(picture=False, narration=True, text="A red kite.")
    job = pipeline_event().follow(MediaJob(pipeline_id="p2", request=request), type=EventType.VOICE_REQUESTED)
    outcome = await narrate_scenes(job, checkpoint(pipeline_id="p2"), assets=assets, narrator=FakeNarrator())
    assert set(assets.objects) == {"u/audio/r_scene_1.mp3"} and assets.objects["u/audio/r_scene_1.mp3"] == (
        b"wise:A red kite.",
        "audio/mpeg",
    )
    audio = outcome.changes.audio_result
    assert isinstance(audio, AudioResult)
    assert [(clip.key, clip.duration_sec) for clip in audio.clips] == [("u/audio/r_scene_1.mp3", 5.5), ("u/audio/r_scene_2.mp3", 9.0)]


async def test_every_scene_is_narrated_with_its_duration(assets) -> None:
    job = pipeline_event().follow(MediaJob(pipeline_id="p1", request=REQUEST), type=EventType.VOICE_REQUESTED)
    outcome = await narrate_scenes(job, checkpoint(pipeline_id="p1"), assets=assets, narrator=FakeNarrator())
    audio = outcome.changes.audio_result
    assert isinstance(audio, AudioResult)
    clips = audio.clips
    assert [(clip.key, clip.duration_sec) for clip in clips] == [("u/audio/r_scene_1.mp3", 3.5), ("u/audio/r_scene_2.mp3", 4.0)]
    assert assets.objects["u/audio/r_scene_1.mp3"] == (b"wise:A kite.", "audio/mpeg")
    assert assets.retention["u/audio/r_scene_1.mp3"] == Retention.INTERMEDIATE


async def test_events_of_a_replaced_pipeline_change_nothing(assets) -> None:
    job = pipeline_event().follow(MediaJob(pipeline_id="old", request=REQUEST), type=EventType.VOICE_REQUESTED)
    outcome = await narrate_scenes(job, checkpoint(pipeline_id="new"), assets=assets, narrator=FakeNarrator())
    assert (outcome.changes, outcome.events) == (RunPatch(), [])
    assert assets.objects == {}


def _halves_done(images: bool, voice: bool) -> Checkpoint:
    done, pending = StageState(status=StageStatus.DONE, attempt="p1"), StageState(status=StageStatus.RUNNING, attempt="p1")
    stages = {stage: StageState() for stage in Stage} | {Stage.IMAGES: done if images else pending, Stage.VOICE: done if voice else pending}
    return checkpoint(
        pipeline_id="p1",
        stages=stages,
        story_script=SCRIPT,
        options=OPTIONS,
        image_result=ImageResult(style=Style.ANIME, images=[GeneratedImage(scene_number=1, key="u/images/r_scene_1.png")]),
        audio_result=AudioResult(
            voice=VoiceType.WISE, clips=[GeneratedAudio(scene_number=1, key="u/audio/r_scene_1.mp3", duration_sec=2.0)]
        ),
    )


async def test_the_video_is_requested_only_when_both_halves_are_done() -> None:
    images = _halves_done(True, True).image_result
    assert images is not None
    completed = pipeline_event().follow(ImagesCompleted(pipeline_id="p1", image_result=images), type=EventType.IMAGES_COMPLETED)
    waiting = await join_images_and_voice(completed, _halves_done(images=True, voice=False))
    assert waiting.events == [] and waiting.claim is None
    joined = await join_images_and_voice(completed, _halves_done(images=True, voice=True))
    [requested] = joined.events
    assert requested.type == EventType.VIDEO_REQUESTED
    assert joined.claim is not None and (joined.claim.field, joined.claim.value) == ("video_claim", "p1")


async def test_the_video_is_rendered_from_the_stored_pages(assets) -> None:
    done = _halves_done(True, True)
    await assets.put("u/drawings/r.png", b"drawing", "image/png", retention=Retention.RUN)
    await assets.put("u/images/r_scene_1.png", b"image", "image/png", retention=Retention.INTERMEDIATE)
    await assets.put("u/images/r_scene_1_figure.png", b"figure", "image/png", retention=Retention.INTERMEDIATE)
    await assets.put("u/audio/r_scene_1.mp3", b"audio", "audio/mpeg", retention=Retention.INTERMEDIATE)
    assert done.story_script and done.image_result and done.audio_result
    requested = pipeline_event().follow(
        VideoRequested(
            pipeline_id="p1",
            story_script=done.story_script,
            drawing_key="u/drawings/r.png",
            image_result=done.image_result,
            audio_result=done.audio_result,
        ),
        type=EventType.VIDEO_REQUESTED,
    )
    composer = FakeComposer()
    outcome = await render_video(requested, done, assets=assets, composer=composer)
    assert [(page.number, page.duration_sec) for page in composer.pages] == [(1, 2.0)]
    assert composer.read_along is True  # the child is 4: the words light up as they are said
    assert assets.objects["u/videos/r_final.mp4"] == (b"The Kite|drawing", "video/mp4")
    assert assets.objects["u/videos/r_thumb.jpg"] == (b"jpeg", "image/jpeg")
    assert assets.retention["u/videos/r_final.mp4"] == assets.retention["u/videos/r_thumb.jpg"] == Retention.RUN
    assert assets.objects["u/videos/r_book_letter.pdf"] == (b"%PDF letter age 4", "application/pdf")
    assert assets.objects["u/videos/r_book_a4.pdf"] == (b"%PDF a4 age 4", "application/pdf")
    assert outcome.changes.status == RunStatus.COMPLETE
    assert outcome.changes.current_stage == "complete"
    video = outcome.changes.video_result
    assert isinstance(video, VideoResult)
    assert video.duration_sec == 12.35
    assert video.book_keys == {Paper.A4: "u/videos/r_book_a4.pdf", Paper.LETTER: "u/videos/r_book_letter.pdf"}
    assert [event.type for event in outcome.events] == [EventType.VIDEO_COMPLETED]
