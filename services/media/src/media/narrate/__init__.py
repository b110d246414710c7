"""The port through which the media service speaks one scene (async: a cloud voice waits on the network)."""

from dataclasses import dataclass, field
from typing import Protocol

from media.cores import CpuSlots
from shared.domain.costs import Usage
from shared.domain.errors import StageFailure
from shared.domain.models import Language, SpokenSentence, VoiceType


@dataclass(frozen=True)
class Narration:
    audio: bytes  # MP3
    duration_sec: float
    # Each sentence's place in `audio`, for captions in sync with the voice.
    sentences: list[SpokenSentence] = field(default_factory=list)
    usage: Usage | None = None  # what a paid voice was asked (None offline)


LANGUAGE_NOT_SPOKEN = "language_not_spoken"
# A cloud voice that refuses to say a scene: the parent reads the product's words, never the provider's.
VOICE_FAILED = "voice_failed"
VOICE_FAILED_MESSAGE = "We couldn't record the narration this time. Please try making the video again."


class Narrator(Protocol):
    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration: ...


class BlockingNarrator(Protocol):
    def narrate(self, *, text: str, voice: VoiceType, age: int) -> Narration:
        """Blocking: CPU work, in English (the offline voices')."""
        ...


class InThread:
    """A narrator that works on the CPU, behind the port: a scene per core, off the event loop."""

    def __init__(self, blocking: BlockingNarrator, cores: CpuSlots | None = None) -> None:
        self._blocking = blocking
        self._cores = cores or CpuSlots()

    async def narrate(self, *, text: str, voice: VoiceType, age: int, language: Language) -> Narration:
        if language is not Language.ENGLISH:  # the gateway offers no other language with the offline voice; this holds it
            raise StageFailure(
                LANGUAGE_NOT_SPOKEN, f"Our own narrators speak English only, so we can't read this story in {language.label}."
            )
        return await self._cores.run(self._blocking.narrate, text=text, voice=voice, age=age)
