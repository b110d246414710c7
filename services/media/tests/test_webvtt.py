"""The WebVTT track: one cue per burned-in caption at the same frames, each word stamped where the voice says it."""

from __future__ import annotations

import re
from pathlib import Path

from media.compose import StoryPage
from media.compose.timeline import plan_timeline
from media.compose.webvtt import webvtt
from media.narrate.words import estimated_words
from shared.domain.models import SpokenSentence

FPS = 24


def spoken(text: str, start: float, end: float) -> SpokenSentence:
    return SpokenSentence(text=text, start_sec=start, end_sec=end, words=estimated_words(text, start, end))


def page(number: int, *sentences: SpokenSentence) -> StoryPage:
    nowhere = Path("/nonexistent")
    return StoryPage(
        number=number,
        text=" ".join(sentence.text for sentence in sentences),
        image=nowhere,
        figure=nowhere,
        audio=nowhere,
        duration_sec=sentences[-1].end_sec + 0.3,
        sentences=list(sentences),
    )


def seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def test_each_caption_is_a_cue_at_its_frames_with_each_word_stamped_where_it_is_heard() -> None:
    pages = [
        page(1, spoken("Zoom woke up.", 0.0, 1.2), spoken("He smiled at the sun & the <moon>.", 1.6, 3.9)),
        page(2, spoken("Then he flew home.", 0.1, 1.5)),
    ]
    timeline = plan_timeline(pages, fps=FPS, title_sec=2.5, end_sec=2.0, page_padding_sec=0.1, max_total_padding_sec=0.45)
    track = webvtt(timeline)
    assert track.startswith("WEBVTT\n\n")
    cues = [block.split("\n", 1) for block in track.strip().split("\n\n")[1:]]
    captions = [(slot, caption) for slot in timeline.pages for caption in slot.captions]
    assert len(cues) == len(captions) == 3
    for (times, text), (slot, caption) in zip(cues, captions, strict=True):
        start, end = times.split(" --> ")
        assert round(seconds(start) * FPS) == caption.start_frame and round(seconds(end) * FPS) == caption.end_frame
        (sentence,) = [sentence for sentence in slot.page.sentences if sentence.text == caption.text]
        stamps = [round(seconds(stamp) * FPS) for stamp in re.findall(r"<(\d\d:\d\d:\d\d\.\d\d\d)>", text)]
        heard = [slot.start_frame + round(word.start_sec * FPS) for word in sentence.words]
        assert len(caption.words) == len(sentence.words) and [word.start_frame for word in caption.words] == heard
        assert stamps == heard[1:]  # the first word starts with the cue
        assert stamps == sorted(stamps) and all(caption.start_frame < frame < caption.end_frame for frame in stamps)
        assert re.sub(r"<[^>]*>", "", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") == caption.text
    assert "sun &amp; " in track and "moon&gt;." in track  # the caption's own < and & cannot open a tag
