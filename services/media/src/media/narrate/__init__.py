"""The port through which the media service speaks one scene."""

from dataclasses import dataclass
from typing import Protocol

from shared.models import VoiceType


@dataclass(frozen=True)
class Narration:
    audio: bytes  # MP3
    duration_sec: float


class Narrator(Protocol):
    def narrate(self, *, text: str, voice: VoiceType, age: int) -> Narration:
        """Blocking."""
        ...
