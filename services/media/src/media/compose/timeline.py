"""When everything happens in the video, in whole frames: pure arithmetic, no pixels or samples.

Page starts and caption times are rounded to frames once, here, and both the
picture and the sound are placed from these frame numbers, so a cut and the
narration it belongs to can never drift apart by more than the rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from media.compose import StoryPage
from shared.domain.models import SpokenSentence

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class CaptionWord:
    """One word of a caption as the voice reaches it: the read-along highlight and the WebVTT stamp follow it."""

    token: int  # which of the caption's words (its text split at spaces), punctuation and all
    start_frame: int  # the frame the voice starts saying it, inside its caption's frames


@dataclass(frozen=True)
class Caption:
    text: str  # one space between words
    start_frame: int  # first frame that shows it
    end_frame: int  # first frame that no longer does
    words: tuple[CaptionWord, ...] = ()  # in order, when the narrator said when each word is heard


@dataclass(frozen=True)
class PageSlot:
    page: StoryPage
    start_frame: int  # also where its narration starts: start_frame / fps seconds into the video
    end_frame: int  # exclusive; the next page (or the end card) starts here
    captions: tuple[Caption, ...]


@dataclass(frozen=True)
class Timeline:
    fps: int
    title_frames: int
    pages: tuple[PageSlot, ...]
    end_frames: int

    @property
    def total_frames(self) -> int:
        return self.pages[-1].end_frame + self.end_frames

    @property
    def duration_sec(self) -> float:
        return self.total_frames / self.fps

    def seconds(self, frame: int) -> float:
        return frame / self.fps


def plan_timeline(
    pages: list[StoryPage], *, fps: int, title_sec: float, end_sec: float, page_padding_sec: float, max_total_padding_sec: float
) -> Timeline:
    """Title card, then each page for its narration plus a short breath, then the end card."""
    if not pages:
        raise ValueError("a storybook needs at least one page")
    padding = page_padding(len(pages), page_padding_sec, max_total_padding_sec)
    title_frames = round(title_sec * fps)
    slots: list[PageSlot] = []
    start = title_frames
    for page in sorted(pages, key=lambda page: page.number):
        slots.append(plan_page(page, start_frame=start, fps=fps, padding_sec=padding))
        start = slots[-1].end_frame
    return Timeline(fps=fps, title_frames=title_frames, pages=tuple(slots), end_frames=round(end_sec * fps))


def page_padding(page_count: int, page_padding_sec: float, max_total_padding_sec: float) -> float:
    """The breath after each page. Narrations already end on a short silence; the padding is capped over the story so
    the video stays as long as its narration."""
    return min(page_padding_sec, max_total_padding_sec / max(page_count, 1))


def plan_page(page: StoryPage, *, start_frame: int, fps: int, padding_sec: float) -> PageSlot:
    """One page's frames from `start_frame`. Its length is rounded on its own, so it depends on its narration only and a
    page can be rendered before the narrations after it exist; the sound is placed from the same frame numbers, so
    the rounding never parts a page from its voice."""
    end_frame = start_frame + round((page.duration_sec + padding_sec) * fps)
    return PageSlot(page=page, start_frame=start_frame, end_frame=end_frame, captions=_captions(page, start_frame, end_frame, fps))


def _captions(page: StoryPage, start: int, end: int, fps: int) -> tuple[Caption, ...]:
    timed = [(sentence.text, sentence.start_sec, sentence.end_sec, sentence) for sentence in page.sentences] or _even_split(page)
    captions = []
    for text, begin_sec, end_sec, sentence in timed:
        first, last = start + round(begin_sec * fps), min(start + round(end_sec * fps), end)
        if text.strip() and last > first:
            caption = Caption(text=" ".join(text.split()), start_frame=first, end_frame=last)
            captions.append(_with_words(caption, sentence, start, fps) if sentence else caption)
    return tuple(captions)


def _with_words(caption: Caption, sentence: SpokenSentence, page_start: int, fps: int) -> Caption:
    """The caption with the frame each of its words is first heard on, kept inside its frames and in order.

    A spoken word is found in the caption's text after the one before (a word it does not spell the same way is
    left out); two spoken words in one written word ("tip-top") light it once, from the first."""
    words: list[CaptionWord] = []
    cursor, frame = 0, caption.start_frame
    for word in sentence.words:
        at = caption.text.find(word.text, cursor) if word.text else -1
        if at < 0:
            continue
        token = len(caption.text[: at + 1].split()) - 1
        frame = min(max(page_start + round(word.start_sec * fps), frame), caption.end_frame - 1)
        if not words or token > words[-1].token:
            words.append(CaptionWord(token=token, start_frame=frame))
        cursor = at + len(word.text)
    return Caption(caption.text, caption.start_frame, caption.end_frame, tuple(words))


def _even_split(page: StoryPage) -> list[tuple[str, float, float, None]]:
    """Without timings, each sentence of the text gets an equal share of the narration (and no word is timed)."""
    sentences = [sentence for sentence in SENTENCE_END.split(page.text.strip()) if sentence]
    share = page.duration_sec / max(len(sentences), 1)
    return [(sentence, index * share, (index + 1) * share, None) for index, sentence in enumerate(sentences)]
