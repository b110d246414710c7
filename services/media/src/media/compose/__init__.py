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


class VideoComposer(Protocol):
    def compose(
        self, *, title: str, drawing: Path, pages: list[StoryPage], workdir: Path, language: Language, read_along: bool, age: int
    ) -> ComposedVideo:
        """Blocking; writes its outputs inside `workdir`. Reading along, each caption lights the word being said; the
        book's words are sized for a child of `age`."""
        ...
