"""The storybook's timeline: which frames show which page and caption, checked against the narration's timings."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from media.compose import StoryPage
from media.compose.timeline import plan_timeline
from shared.domain.models import SpokenSentence

FPS, TITLE_SEC, END_SEC, PADDING_SEC, MAX_PADDING_SEC = 24, 2.5, 2.0, 0.1, 0.45
FRAME = 1 / FPS


def page(number: int, duration: float, sentences: list[tuple[str, float, float]] | None = None, text: str = "") -> StoryPage:
    spoken = [SpokenSentence(text=words, start_sec=start, end_sec=end) for words, start, end in sentences or []]
    return StoryPage(
        number=number,
        text=text or " ".join(s.text for s in spoken),
        image=Path("p.png"),
        figure=Path("p_figure.png"),
        audio=Path("p.mp3"),
        duration_sec=duration,
        sentences=spoken,
    )


def plan(pages: list[StoryPage]):  # noqa: ANN201 - a Timeline
    return plan_timeline(
        pages, fps=FPS, title_sec=TITLE_SEC, end_sec=END_SEC, page_padding_sec=PADDING_SEC, max_total_padding_sec=MAX_PADDING_SEC
    )


PAGES = [
    page(1, 5.237, [("Pip found a kite.", 0.02, 2.31), ("It was red.", 2.79, 4.93)]),
    page(2, 4.611, [("The wind blew.", 0.0, 1.87), ("Up it went!", 2.33, 4.3)]),
    page(3, 6.05, [("Pip smiled.", 0.01, 1.2), ("What a day it had been.", 1.71, 5.7)]),
]


def test_each_page_starts_within_a_frame_of_its_narration() -> None:
    timeline = plan(PAGES)

    audio_start = TITLE_SEC
    for slot, story_page in zip(timeline.pages, PAGES, strict=True):
        assert abs(timeline.seconds(slot.start_frame) - audio_start) <= FRAME / 2
        audio_start += story_page.duration_sec + PADDING_SEC
    assert timeline.pages[0].start_frame == timeline.title_frames


def test_pages_follow_each_other_without_gaps_and_last_their_narration() -> None:
    timeline = plan(PAGES)

    for before, after in itertools.pairwise(timeline.pages):
        assert before.end_frame == after.start_frame
    for slot in timeline.pages:
        assert timeline.seconds(slot.end_frame - slot.start_frame) >= slot.page.duration_sec - FRAME


def test_the_video_lasts_title_pages_and_end() -> None:
    timeline = plan(PAGES)

    expected = TITLE_SEC + sum(p.duration_sec + PADDING_SEC for p in PAGES) + END_SEC
    assert timeline.duration_sec == pytest.approx(expected, abs=FRAME)


def test_padding_is_capped_over_a_long_story() -> None:
    pages = [page(number, 3.0, [("Hi.", 0.0, 2.0)]) for number in range(1, 11)]

    timeline = plan(pages)

    assert timeline.duration_sec == pytest.approx(TITLE_SEC + 30.0 + MAX_PADDING_SEC + END_SEC, abs=FRAME)


def test_each_caption_shows_within_a_frame_of_its_sentence() -> None:
    timeline = plan(PAGES)

    for slot in timeline.pages:
        page_start = timeline.seconds(slot.start_frame)
        assert [caption.text for caption in slot.captions] == [sentence.text for sentence in slot.page.sentences]
        for caption, sentence in zip(slot.captions, slot.page.sentences, strict=True):
            assert abs(timeline.seconds(caption.start_frame) - (page_start + sentence.start_sec)) <= FRAME / 2
            assert abs(timeline.seconds(caption.end_frame) - (page_start + sentence.end_sec)) <= FRAME / 2
            assert slot.start_frame <= caption.start_frame < caption.end_frame <= slot.end_frame


def test_pages_are_played_in_number_order() -> None:
    timeline = plan(list(reversed(PAGES)))

    assert [slot.page.number for slot in timeline.pages] == [1, 2, 3]


def test_without_timings_the_text_is_shown_sentence_by_sentence_in_equal_shares() -> None:
    untimed = page(1, 6.0, text="Pip found a kite. It was red! Up it went?")

    (slot,) = plan([untimed]).pages

    assert [caption.text for caption in slot.captions] == ["Pip found a kite.", "It was red!", "Up it went?"]
    assert [(caption.start_frame - slot.start_frame, caption.end_frame - slot.start_frame) for caption in slot.captions] == [
        (0, 48),
        (48, 96),
        (96, 144),
    ]


def test_a_story_needs_a_page() -> None:
    with pytest.raises(ValueError, match="at least one page"):
        plan([])


def test_a_page_lasts_the_same_whatever_the_pages_before_and_after_it() -> None:
    # A page is rendered as soon as its scene is made: its frames cannot depend on narrations not yet made.
    alone = plan([PAGES[1]]).pages[0]
    within = plan(PAGES).pages[1]
    assert within.end_frame - within.start_frame == alone.end_frame - alone.start_frame
    shift = within.start_frame - alone.start_frame
    assert [(c.start_frame - shift, c.end_frame - shift) for c in within.captions] == [(c.start_frame, c.end_frame) for c in alone.captions]
