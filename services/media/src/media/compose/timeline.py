"""When everything happens in the video, in whole frames: pure arithmetic, no pixels or samples.

Page starts and caption times are rounded to frames once, here, and both the
picture and the sound are placed from these frame numbers, so a cut and the
narration it belongs to can never drift apart by more than the rounding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from media.compose import StoryPage

SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Caption:
    text: str
    start_frame: int  # first frame that shows it
    end_frame: int  # first frame that no longer does


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
    ordered = sorted(pages, key=lambda page: page.number)
    # Narrations already end on a short silence; the padding is capped over the story so the video stays as long as its narration.
    padding = min(page_padding_sec, max_total_padding_sec / len(ordered))
    title_frames = round(title_sec * fps)
    slots: list[PageSlot] = []
    elapsed = title_sec  # exact seconds; rounding each boundary (not each length) keeps errors from adding up
    for page in ordered:
        start, elapsed = round(elapsed * fps), elapsed + page.duration_sec + padding
        end = round(elapsed * fps)
        slots.append(PageSlot(page=page, start_frame=start, end_frame=end, captions=_captions(page, start, end, fps)))
    return Timeline(fps=fps, title_frames=title_frames, pages=tuple(slots), end_frames=round(end_sec * fps))


def _captions(page: StoryPage, start: int, end: int, fps: int) -> tuple[Caption, ...]:
    timed = [(sentence.text, sentence.start_sec, sentence.end_sec) for sentence in page.sentences] or _even_split(page)
    captions = []
    for text, begin_sec, end_sec in timed:
        first, last = start + round(begin_sec * fps), min(start + round(end_sec * fps), end)
        if text.strip() and last > first:
            captions.append(Caption(text=text.strip(), start_frame=first, end_frame=last))
    return tuple(captions)


def _even_split(page: StoryPage) -> list[tuple[str, float, float]]:
    """Without timings, each sentence of the text gets an equal share of the narration."""
    sentences = [sentence for sentence in SENTENCE_END.split(page.text.strip()) if sentence]
    share = page.duration_sec / max(len(sentences), 1)
    return [(sentence, index * share, (index + 1) * share) for index, sentence in enumerate(sentences)]
