"""Story's handlers with a fake writer."""

from shared.domain.events import Envelope, EventType, PipelineRequested, RunMode, StoryRequested, VisionCompleted
from shared.domain.models import DrawingAnalysis, OptionChoices, Scene, StoryOptions, StoryScript, Style, Theme, VoiceType
from shared.domain.run import Checkpoint, RunStatus
from story.handlers import write_requested_story, write_story_for_drawing
from story.write import WrittenStory

ANALYSIS = DrawingAnalysis(subject="three figures", colors=["sky blue"], figure_count=3)


class FakeWriter:
    def __init__(self) -> None:
        self.calls: list[tuple[StoryOptions, int]] = []

    async def write(self, *, analysis: DrawingAnalysis, options: StoryOptions, seed: int) -> WrittenStory:
        self.calls.append((options, seed))
        return WrittenStory(StoryScript(title=f"{analysis.subject} ({options.theme})", scenes=[Scene(number=1, text="Once upon a time.")]))


def checkpoint(mode: RunMode, choices: OptionChoices | None = None) -> Checkpoint:
    return Checkpoint(
        user_id="u", run_id="r", mode=mode, drawing_key="u/drawings/r.png", media_type="image/png", choices=choices or OptionChoices()
    )


async def test_one_shot_runs_choose_options_and_ask_for_the_media() -> None:
    writer = FakeWriter()
    event = Envelope.new(
        VisionCompleted(drawing_analysis=ANALYSIS, figure_mask_key="u/drawings/r_mask.png"),
        type=EventType.VISION_COMPLETED,
        run_id="r",
        user_id="u",
        mode=RunMode.ONE_SHOT,
    )
    outcome = await write_story_for_drawing(
        event, checkpoint(RunMode.ONE_SHOT, OptionChoices(style=Style.WATERCOLOR, age=7)), writer=writer
    )
    [(options, _)] = writer.calls
    # The caller's choices win; the rest is recommended (several figures: friendship).
    assert (options.style, options.age, options.theme) == (Style.WATERCOLOR, 7, Theme.FRIENDSHIP)
    [follow] = outcome.events
    assert follow.type == EventType.PIPELINE_REQUESTED
    request = follow.payload
    assert isinstance(request, PipelineRequested)
    assert request.figure_mask_key == "u/drawings/r_mask.png"
    assert request.drawing_key == "u/drawings/r.png"
    assert request.story_script == outcome.changes.story_script


async def test_each_request_gets_its_own_reproducible_seed() -> None:
    writer = FakeWriter()
    options = StoryOptions(theme=Theme.BEDTIME, age=3, voice=VoiceType.GENTLE, style=Style.STORYBOOK)

    def requested() -> Envelope[StoryRequested]:
        return Envelope.new(
            StoryRequested(drawing_analysis=ANALYSIS, options=options),
            type=EventType.STORY_REQUESTED,
            run_id="r",
            user_id="u",
            mode=RunMode.INTERACTIVE,
        )

    first, second = requested(), requested()
    await write_requested_story(first, checkpoint(RunMode.INTERACTIVE), writer=writer)
    await write_requested_story(first, checkpoint(RunMode.INTERACTIVE), writer=writer)
    outcome = await write_requested_story(second, checkpoint(RunMode.INTERACTIVE), writer=writer)
    seeds = [seed for _, seed in writer.calls]
    assert seeds[0] == seeds[1] != seeds[2]
    assert outcome.changes.status == RunStatus.WAITING
    assert [event.type for event in outcome.events] == [EventType.STORY_COMPLETED]
