"""The video's captions as a WebVTT track: the players' switchable captions, with the same words at the same times.

One cue per caption of the timeline (the frames the burned-in caption is shown), and inside it a timestamp tag
before each word where the narration says when it is heard. Players draw words before their timestamp as still to
come, so the read-along highlight can follow the voice in the player too. Times are the timeline's frames, like the
picture's.
"""

from __future__ import annotations

from media.compose.timeline import Caption, Timeline
from shared.domain.models import SpokenSentence


def webvtt(timeline: Timeline) -> str:
    cues: list[str] = []
    for slot in timeline.pages:
        spoken = {sentence.text.strip(): sentence for sentence in slot.page.sentences}
        for caption in slot.captions:
            sentence = spoken.get(caption.text)
            text = _timed_text(caption, sentence, slot.start_frame, timeline.fps) if sentence else _escaped(caption.text)
            cues.append(f"{_stamp(caption.start_frame, timeline.fps)} --> {_stamp(caption.end_frame, timeline.fps)}\n{text}")
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def word_frames(sentence: SpokenSentence, caption: Caption, page_start_frame: int, fps: int) -> list[int]:
    """The frame each word starts on, as the video counts frames, kept inside its caption's cue."""
    return [min(max(page_start_frame + round(word.start_sec * fps), caption.start_frame), caption.end_frame - 1) for word in sentence.words]


def _timed_text(caption: Caption, sentence: SpokenSentence, page_start_frame: int, fps: int) -> str:
    """The caption's text with a timestamp before each spoken word after the first (the first starts with the cue)."""
    pieces: list[str] = []
    cursor = 0
    for index, (word, frame) in enumerate(zip(sentence.words, word_frames(sentence, caption, page_start_frame, fps), strict=True)):
        at = caption.text.find(word.text, cursor)
        if at < 0:  # a word the caption does not spell the same way: its timing is left out, the text kept
            continue
        pieces.append(_escaped(caption.text[cursor:at]))
        if index > 0 and frame > caption.start_frame:
            pieces.append(f"<{_stamp(frame, fps)}>")
        pieces.append(_escaped(word.text))
        cursor = at + len(word.text)
    pieces.append(_escaped(caption.text[cursor:]))
    return "".join(pieces)


def _stamp(frame: int, fps: int) -> str:
    milliseconds = round(frame * 1000 / fps)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, milliseconds = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
