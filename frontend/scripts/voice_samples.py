"""Writes public/voices/<voice>.mp3: the short line a parent hears when choosing a narrator.

The samples come from the media service's own narrator, so what a parent hears is
what the storybook will sound like. `make webapp` (part of `make run` and `make test`)
runs it whenever the narrator changes; by hand, from the repo root:

    uv run python frontend/scripts/voice_samples.py
"""

from __future__ import annotations

from pathlib import Path

from media.narrate.local import PiperNarrator
from shared.domain.models import VoiceType

SAMPLE_LINE = "Once upon a time, a little drawing came to life. Shall we find out what happens next?"
SAMPLE_AGE = 5
TARGET = Path(__file__).resolve().parents[1] / "public" / "voices"


def main() -> None:
    narrator = PiperNarrator()
    TARGET.mkdir(parents=True, exist_ok=True)
    for voice in VoiceType:
        narration = narrator.narrate(text=SAMPLE_LINE, voice=voice, age=SAMPLE_AGE)
        (TARGET / f"{voice.value}.mp3").write_bytes(narration.audio)
        print(f"{voice.value}: {narration.duration_sec:.1f} s")


if __name__ == "__main__":
    main()
