"""The port through which the media service assembles the storybook video."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from shared.domain.models import Language, Paper, SpokenSentence


@dataclass(frozen=True)
class StoryPage:
    number: int
    text: str
    image: Path  # PNG, 1280x720: the backdrop
    figure: Path  # PNG: the child's figure on its own layer, with its stance (see media.illustrate.read_figure)
    audio: Path  # MP3 narration of `text`
    duration_sec: float  # of the narration
    sentences: list[SpokenSentence] = field(default_factory=list)  # timed from the start of `audio`


@dataclass(frozen=True)
class ComposedVideo:
    video: Path  # MP4: H.264 yuv420p 1280x720 + AAC, moov atom first
    thumbnail: Path  # JPEG
    captions: Path  # WebVTT: the captions with each word's time (media.compose.webvtt)
    books: dict[Paper, Path]  # PDF: the printable picture book on each paper (media.compose.book)
    duration_sec: float


@dataclass(frozen=True)
class PageToRender:
    """One page of a storybook to render on its own, as soon as it and the page before it are made: its frames depend
    only on its own narration and pictures, and on the page it dissolves in from."""

    page: StoryPage  # its narration's timing is used here, not its sound (`audio` need not exist)
    position: int  # its place in the book, from 0
    page_count: int
    before: StoryPage | None  # the page it dissolves in from (its pictures); None for the first page, after the title card
    title: str
    drawing: Path  # the title card's picture, before the first page
    language: Language  # of "The End", after the last page
    read_along: bool  # each caption lights the word being said

    @property
    def is_last(self) -> bool:
        return self.position == self.page_count - 1


@dataclass(frozen=True)
class Segment:
    """A page's part of the video: raw H.264 (Annex B), so the parts of a book join by putting their bytes end to end."""

    path: Path
    frames: int


class VideoComposer(Protocol):
    def render_page(self, job: PageToRender, target: Path) -> Segment:
        """Blocking; writes the page's segment at `target`: its frames, after the title card if it is the first page and
        before the end card if it is the last."""
        ...

    def assemble(
        self, *, title: str, drawing: Path, pages: list[StoryPage], segments: list[Segment], workdir: Path, language: Language, age: int
    ) -> ComposedVideo:
        """Blocking; the pages' segments (in page order) joined into the video with its sound, the captions, the
        thumbnail and the books, inside `workdir`. The book's words are sized for a child of `age`."""
        ...
