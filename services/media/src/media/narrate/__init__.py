"""The port through which the media service speaks one scene."""

from dataclasses import dataclass, field
from typing import Protocol

from shared.domain.models import SpokenSentence, VoiceType


@dataclass(frozen=True)
class Narration:
    audio: bytes  # MP3
    duration_sec: float
    # Each sentence's place in `audio`, for captions in sync with the voice.
    sentences: list[SpokenSentence] = field(default_factory=list)


class Narrator(Protocol):
    def narrate(self, *, text: str, voice: VoiceType, age: int) -> Narration:
        """Blocking."""
        ...
