"""Media's handlers with fake providers: the fan-out per scene, the fan-in, stale pipelines, the video."""

from pathlib import Path

from media.compose import ComposedVideo, PageToRender, Segment, StoryPage
from media.cores import CpuSlots
from media.handlers import assemble_video, illustrate_scene, join_scenes, narrate_scene, render_page, start_pipeline
from media.illustrate import Illustration, PageToPaint
from media.narrate import Narration
from shared.domain.assets import Retention
from shared.domain.costs import Usage
from shared.domain.events import (
    Envelope,
    EventType,
    PageRequested,
    PipelineRequested,
    RunMode,
    SceneDone,
    SceneJob,
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
    PageVideo,
    Paper,
    Scene,
    StoryOptions,
    StoryScript,
    Style,
    Theme,
    VideoResult,
    VoiceType,
)
from shared.domain.run import (
    Checkpoint,
    Claim,
    MapEntry,
    RunPatch,
    RunStatus,
    SceneNarration,
    ScenePicture,
    StageState,
    StageStatus,
    scene_painted,
)

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
    async def illustrate(self, page: PageToPaint) -> Illustration:
        painted = f"{page.options.style}:{page.scene.number}/{page.scene_count}:{page.drawing.decode()}+{page.figure_mask.decode()}"
        painted += f" take {page.take}" if page.take else ""
        return Illustration(backdrop=painted.encode(), figure=f"figure of {painted}".encode())


class FakeNarrator:
    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration:
        return Narration(audio=f"{voice}:{text}".encode(), duration_sec=len(text) / 2)


class FakeComposer:
    def __init__(self) -> None:
        self.pages: list[StoryPage] = []
        self.rendered: list[PageToRender] = []
        self.segments: list[bytes] = []

    def render_page(self, job: PageToRender, target: Path) -> Segment:
        self.rendered.append(job)
        shown = [job.page, *([job.before] if job.before else [])]
        assert all(page.image.read_bytes() and page.figure.read_bytes() for page in shown)
        before = job.before.image.read_bytes().decode() if job.before else f"title {job.title} over {job.drawing.read_bytes().decode()}"
        target.write_bytes(f"{before} -> {job.page.image.read_bytes().decode()}".encode())
        return Segment(path=target, frames=round(job.page.duration_sec * 24))

    def assemble(
        self, *, title: str, drawing: Path, pages: list[StoryPage], segments: list[Segment], workdir: Path, language: Language, age: int
    ) -> ComposedVideo:
        self.pages, self.segments = pages, [segment.path.read_bytes() for segment in segments]
        assert all(page.image.read_bytes() and page.figure.read_bytes() and page.audio.read_bytes() for page in pages)
        video, thumbnail = workdir / "out.mp4", workdir / "thumb.jpg"
        video.write_bytes(f"{title}|{drawing.read_bytes().decode()}|{b'+'.join(self.segments).decode()}".encode())
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


async def test_a_pipeline_fans_out_a_picture_and_a_narration_per_scene() -> None:
    event = pipeline_event()
    outcome = await start_pipeline(event, checkpoint())
    assert [(follow.type, follow.payload.scene_number) for follow in outcome.events] == [
        (EventType.PICTURE_REQUESTED, 1),
        (EventType.PICTURE_REQUESTED, 2),
        (EventType.NARRATION_REQUESTED, 1),
        (EventType.NARRATION_REQUESTED, 2),
    ]
    assert all(
        follow.payload == SceneJob(pipeline_id=event.id, scene_number=follow.payload.scene_number, request=REQUEST)
        for follow in outcome.events
    )
    assert len({follow.id for follow in outcome.events}) == 4
    assert outcome.changes.pipeline_id == event.id and outcome.changes.story_script == SCRIPT
    assert (outcome.changes.pictures, outcome.changes.narrations) == ({}, {})
    assert {stage: patch.status for stage, patch in outcome.changes.stages.items()} == {
        Stage.IMAGES: StageStatus.RUNNING,
        Stage.VOICE: StageStatus.RUNNING,
        Stage.VIDEO: StageStatus.PENDING,
    }


def scene_job(pipeline_id: str, number: int, kind: EventType, request: PipelineRequested = REQUEST) -> Envelope[SceneJob]:
    return pipeline_event().follow(SceneJob(pipeline_id=pipeline_id, scene_number=number, request=request), type=kind)


async def stored_drawing(assets) -> None:
    await assets.put("u/drawings/r.png", b"drawing", "image/png", retention=Retention.RUN)
    await assets.put("u/drawings/r_mask.png", b"mask", "image/png", retention=Retention.INTERMEDIATE)


async def test_a_scene_is_painted_stored_and_added_to_the_checkpoint_on_its_own(assets) -> None:
    await stored_drawing(assets)
    job = scene_job("p1", 2, EventType.PICTURE_REQUESTED)
    outcome = await illustrate_scene(job, checkpoint(pipeline_id="p1"), assets=assets, illustrator=FakeIllustrator())
    assert assets.objects["u/images/r_scene_2.png"] == (b"anime:2/2:drawing+mask", "image/png")
    assert assets.objects["u/images/r_scene_2_figure.png"] == (b"figure of anime:2/2:drawing+mask", "image/png")
    assert assets.retention["u/images/r_scene_2.png"] == assets.retention["u/images/r_scene_2_figure.png"] == Retention.INTERMEDIATE
    assert "u/images/r_scene_1.png" not in assets.objects  # scene 1 is another message's
    picture = ScenePicture(image=GeneratedImage(scene_number=2, key="u/images/r_scene_2.png"))
    assert outcome.changes == RunPatch(entries=(MapEntry("pictures", "2", picture),))
    assert outcome.expect.pipeline_id == "p1"
    [done] = outcome.events
    assert (done.type, done.payload) == (EventType.PICTURE_COMPLETED, SceneDone(pipeline_id="p1", scene_number=2))


def redo(*, picture: bool, narration: bool, text: str = "A kite.") -> PipelineRequested:
    """Scene 1 made again; scene 2 keeps the picture and narration it has."""
    images = ImageResult(style=Style.ANIME, images=[GeneratedImage(scene_number=n, key=f"u/images/r_scene_{n}.png") for n in (1, 2)])
    audio = AudioResult(
        voice=VoiceType.WISE, clips=[GeneratedAudio(scene_number=n, key=f"u/audio/r_scene_{n}.mp3", duration_sec=9.0) for n in (1, 2)]
    )
    script = SCRIPT.model_copy(update={"scenes": [SCRIPT.scenes[0].model_copy(update={"text": text}), SCRIPT.scenes[1]]})
    again = SceneRedo(scene_number=1, picture=picture, narration=narration, images=images, audio=audio)
    return REQUEST.model_copy(update={"story_script": script, "redo": again})


async def test_a_redo_asks_only_for_its_page_and_keeps_every_other_one() -> None:
    event = pipeline_event().model_copy(update={"payload": redo(picture=True, narration=False)})
    outcome = await start_pipeline(event, checkpoint())
    assert [(follow.type, follow.payload.scene_number) for follow in outcome.events] == [(EventType.PICTURE_REQUESTED, 1)]
    pictures, narrations = outcome.changes.pictures, outcome.changes.narrations
    assert isinstance(pictures, dict) and isinstance(narrations, dict)
    assert (sorted(pictures), sorted(narrations)) == (["2"], ["1", "2"])

    both = await start_pipeline(pipeline_event().model_copy(update={"payload": redo(picture=True, narration=True)}), checkpoint())
    assert [(follow.type, follow.payload.scene_number) for follow in both.events] == [
        (EventType.PICTURE_REQUESTED, 1),
        (EventType.NARRATION_REQUESTED, 1),
    ]


async def test_a_redone_page_is_painted_as_a_new_take(assets) -> None:
    await stored_drawing(assets)
    job = scene_job("p2", 1, EventType.PICTURE_REQUESTED, redo(picture=True, narration=False))
    await illustrate_scene(job, checkpoint(pipeline_id="p2"), assets=assets, illustrator=FakeIllustrator())
    assert assets.objects["u/images/r_scene_1.png"] == (b"anime:1/2:drawing+mask take p2", "image/png")


async def test_a_scene_is_narrated_with_its_duration(assets) -> None:
    request = redo(picture=False, narration=True, text="A red kite.")
    outcome = await narrate_scene(
        scene_job("p2", 1, EventType.NARRATION_REQUESTED, request), checkpoint(pipeline_id="p2"), assets=assets, narrator=FakeNarrator()
    )
    assert set(assets.objects) == {"u/audio/r_scene_1.mp3"}
    assert assets.objects["u/audio/r_scene_1.mp3"] == (b"wise:A red kite.", "audio/mpeg")
    assert assets.retention["u/audio/r_scene_1.mp3"] == Retention.INTERMEDIATE
    [entry] = outcome.changes.entries
    assert entry.map == "narrations" and entry.key == "1"
    assert isinstance(entry.value, SceneNarration) and (entry.value.clip.key, entry.value.clip.duration_sec) == (
        "u/audio/r_scene_1.mp3",
        5.5,
    )
    assert [follow.type for follow in outcome.events] == [EventType.NARRATION_COMPLETED]


async def test_events_of_a_replaced_pipeline_change_nothing(assets) -> None:
    job = scene_job("old", 1, EventType.NARRATION_REQUESTED)
    outcome = await narrate_scene(job, checkpoint(pipeline_id="new"), assets=assets, narrator=FakeNarrator())
    assert (outcome.changes, outcome.events) == (RunPatch(), [])
    assert assets.objects == {}
    done = pipeline_event().follow(SceneDone(pipeline_id="old", scene_number=1), type=EventType.PICTURE_COMPLETED)
    joined = await join_scenes(done, _scenes_made(pictures=2, narrations=2).model_copy(update={"pipeline_id": "new"}))
    assert (joined.changes, joined.events, joined.claim) == (RunPatch(), [], None)


def _picture(n: int) -> ScenePicture:
    return ScenePicture(image=GeneratedImage(scene_number=n, key=f"u/images/r_scene_{n}.png"), usage=Usage(model="m", images=1))


def _scenes_made(
    pictures: int, narrations: int, *, images_done: bool = False, pages_claim: str | None = None, page_videos: int = 0
) -> Checkpoint:
    """The pipeline p1 with its first `pictures` scenes painted, its first `narrations` narrated, and its first
    `page_videos` pages rendered."""
    running = StageState(status=StageStatus.RUNNING, attempt="p1")
    stages = {stage: StageState() for stage in Stage} | {Stage.IMAGES: running, Stage.VOICE: running}
    if images_done:
        stages[Stage.IMAGES] = StageState(status=StageStatus.DONE, attempt="p1")
    return checkpoint(
        pipeline_id="p1",
        stages=stages,
        story_script=SCRIPT,
        options=OPTIONS,
        pictures={str(n): _picture(n) for n in range(1, pictures + 1)},
        narrations={
            str(n): SceneNarration(clip=GeneratedAudio(scene_number=n, key=f"u/audio/r_scene_{n}.mp3", duration_sec=2.0))
            for n in range(1, narrations + 1)
        },
        pages_claim=pages_claim,
        page_videos={str(n): PageVideo(scene_number=n, key=f"u/pages/r_p1_{n}.h264", frames=48) for n in range(1, page_videos + 1)},
    )


def _done(kind: EventType, number: int) -> Envelope[SceneDone]:
    return pipeline_event().follow(SceneDone(pipeline_id="p1", scene_number=number), type=kind)


async def test_a_half_is_done_once_every_scene_of_it_is_on_the_checkpoint() -> None:
    waiting = await join_scenes(_done(EventType.PICTURE_COMPLETED, 1), _scenes_made(pictures=1, narrations=0))
    assert (waiting.changes, waiting.events, waiting.claim) == (RunPatch(), [], None)
    half = await join_scenes(_done(EventType.PICTURE_COMPLETED, 2), _scenes_made(pictures=2, narrations=0))
    assert half.events == [] and half.claim is None
    assert half.changes.stages[Stage.IMAGES].status == StageStatus.DONE and Stage.VOICE not in half.changes.stages
    images = half.changes.image_result
    assert isinstance(images, ImageResult) and [image.scene_number for image in images.images] == [1, 2]
    assert half.changes.stages[Stage.IMAGES].usage == Usage(model="m", images=2)  # each scene's, added up


async def test_a_page_is_asked_for_once_its_scene_is_made_while_later_scenes_still_are() -> None:
    first = await join_scenes(_done(EventType.NARRATION_COMPLETED, 1), _scenes_made(pictures=1, narrations=1))
    assert [(event.type, event.payload) for event in first.events] == [
        (EventType.PAGE_REQUESTED, PageRequested(pipeline_id="p1", scene_number=1))
    ]
    assert first.claim == Claim.pages("p1", 1, saw=None)
    assert first.changes.stages[Stage.VIDEO].status == StageStatus.RUNNING  # the video is under way from its first page
    asked = _scenes_made(pictures=2, narrations=1, pages_claim="p1:1")
    again = await join_scenes(_done(EventType.PICTURE_COMPLETED, 2), asked)  # scene 2 still has no narration
    assert again.events == [] and again.claim is None
    second = await join_scenes(_done(EventType.NARRATION_COMPLETED, 2), _scenes_made(pictures=2, narrations=2, pages_claim="p1:1"))
    assert [event.payload for event in second.events] == [PageRequested(pipeline_id="p1", scene_number=2)]
    assert second.claim == Claim.pages("p1", 2, saw="p1:1") and Stage.VIDEO not in second.changes.stages
    # A claim of a replaced pipeline asks for nothing of this one.
    fresh = await join_scenes(_done(EventType.NARRATION_COMPLETED, 2), _scenes_made(pictures=2, narrations=2, pages_claim="p0:2"))
    assert [event.payload.scene_number for event in fresh.events if isinstance(event.payload, PageRequested)] == [1, 2]


async def test_pages_wait_for_a_scene_before_them_that_is_not_made() -> None:
    made = _scenes_made(pictures=0, narrations=2).apply(scene_painted(_picture(2)))  # scene 2 is made; scene 1 is not painted yet
    assert (await join_scenes(_done(EventType.PICTURE_COMPLETED, 2), made)).events == []


async def test_without_rendering_ahead_no_page_is_asked_for_before_every_scene_is_made() -> None:
    partly = await join_scenes(_done(EventType.NARRATION_COMPLETED, 1), _scenes_made(pictures=2, narrations=1), render_ahead=False)
    assert partly.events == []
    every = await join_scenes(_done(EventType.NARRATION_COMPLETED, 2), _scenes_made(pictures=2, narrations=2), render_ahead=False)
    assert [event.payload.scene_number for event in every.events if isinstance(event.payload, PageRequested)] == [1, 2]


async def test_the_video_is_asked_for_by_whichever_page_is_rendered_last() -> None:
    one_page = _scenes_made(pictures=2, narrations=2, images_done=True, pages_claim="p1:2", page_videos=1)
    waiting = await join_scenes(_done(EventType.PAGE_RENDERED, 1), one_page)
    assert waiting.events == [] and waiting.claim is None
    joined = await join_scenes(
        _done(EventType.PAGE_RENDERED, 2), _scenes_made(pictures=2, narrations=2, images_done=True, pages_claim="p1:2", page_videos=2)
    )
    [requested] = joined.events
    assert requested.type == EventType.VIDEO_REQUESTED
    assert isinstance(requested.payload, VideoRequested)
    assert [clip.key for clip in requested.payload.audio_result.clips] == ["u/audio/r_scene_1.mp3", "u/audio/r_scene_2.mp3"]
    assert [video.scene_number for video in requested.payload.page_videos] == [1, 2]
    assert joined.claim is not None and (joined.claim.field, joined.claim.value) == ("video_claim", "p1")
    assert Stage.IMAGES not in joined.changes.stages and joined.changes.stages[Stage.VOICE].status == StageStatus.DONE
    claimed = _scenes_made(pictures=2, narrations=2, images_done=True).model_copy(update={"video_claim": "p1"})
    late = await join_scenes(_done(EventType.PICTURE_COMPLETED, 1), claimed)
    assert (late.changes, late.events, late.claim) == (RunPatch(), [], None)


async def _store_scene_files(assets, *numbers: int) -> None:  # noqa: ANN001 - the fake asset store
    await assets.put("u/drawings/r.png", b"drawing", "image/png", retention=Retention.RUN)
    for n in numbers:
        await assets.put(f"u/images/r_scene_{n}.png", f"image {n}".encode(), "image/png", retention=Retention.INTERMEDIATE)
        await assets.put(f"u/images/r_scene_{n}_figure.png", b"figure", "image/png", retention=Retention.INTERMEDIATE)
        await assets.put(f"u/audio/r_scene_{n}.mp3", b"audio", "audio/mpeg", retention=Retention.INTERMEDIATE)


async def test_a_page_is_rendered_from_its_scene_and_the_one_before_and_added_to_the_checkpoint(assets) -> None:
    await _store_scene_files(assets, 1, 2)
    made, composer = _scenes_made(pictures=2, narrations=2, pages_claim="p1:2"), FakeComposer()
    for number in (1, 2):
        asked = pipeline_event().follow(PageRequested(pipeline_id="p1", scene_number=number), type=EventType.PAGE_REQUESTED)
        outcome = await render_page(asked, made, assets=assets, composer=composer, cores=CpuSlots())
        key = f"u/pages/r_p1_{number}.h264"
        assert outcome.changes.entries == (MapEntry("page_videos", str(number), PageVideo(scene_number=number, key=key, frames=48)),)
        assert [(event.type, event.payload) for event in outcome.events] == [
            (EventType.PAGE_RENDERED, SceneDone(pipeline_id="p1", scene_number=number))
        ]
        assert assets.retention[key] == Retention.INTERMEDIATE
    assert assets.objects["u/pages/r_p1_1.h264"][0] == b"title The Kite over drawing -> image 1"
    assert assets.objects["u/pages/r_p1_2.h264"][0] == b"image 1 -> image 2"
    first, second = composer.rendered
    assert (first.position, first.before is None, first.is_last, second.position, second.is_last) == (0, True, False, 1, True)
    assert first.read_along is True  # the child is 4: the words light up as they are said
    stale = pipeline_event().follow(PageRequested(pipeline_id="p0", scene_number=1), type=EventType.PAGE_REQUESTED)
    assert (await render_page(stale, made, assets=assets, composer=composer, cores=CpuSlots())).events == []


async def test_the_video_is_joined_from_the_stored_pages(assets) -> None:
    await _store_scene_files(assets, 1)
    done = _scenes_made(pictures=1, narrations=1).model_copy(
        update={"story_script": StoryScript(title="The Kite", scenes=[SCRIPT.scenes[0]])}
    )
    done = done.model_copy(update={"image_result": done.pictures_done(), "audio_result": done.narrations_done()})
    await assets.put("u/pages/r_p1_1.h264", b"segment 1", "video/h264", retention=Retention.INTERMEDIATE)
    assert done.story_script and done.image_result and done.audio_result
    requested = pipeline_event().follow(
        VideoRequested(
            pipeline_id="p1",
            story_script=done.story_script,
            drawing_key="u/drawings/r.png",
            image_result=done.image_result,
            audio_result=done.audio_result,
            page_videos=[PageVideo(scene_number=1, key="u/pages/r_p1_1.h264", frames=48)],
        ),
        type=EventType.VIDEO_REQUESTED,
    )
    composer = FakeComposer()
    outcome = await assemble_video(requested, done, assets=assets, composer=composer, cores=CpuSlots())
    assert [(page.number, page.duration_sec) for page in composer.pages] == [(1, 2.0)]
    assert assets.objects["u/videos/r_final.mp4"] == (b"The Kite|drawing|segment 1", "video/mp4")
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
