"""The video's captions as a WebVTT track: the players' switchable captions, with the same words at the same times.

One cue per caption of the timeline (the frames the burned-in caption is shown), and inside it a timestamp tag
before each word where the narration says when it is heard. Players draw words before their timestamp as still to
come, so the read-along highlight can follow the voice in the player too. Times are the timeline's frames, like the
picture's.
"""

from __future__ import annotations

from media.compose.timeline import Caption, Timeline


def webvtt(timeline: Timeline) -> str:
    cues = [
        f"{_stamp(caption.start_frame, timeline.fps)} --> {_stamp(caption.end_frame, timeline.fps)}\n{_timed_text(caption, timeline.fps)}"
        for slot in timeline.pages
        for caption in slot.captions
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def _timed_text(caption: Caption, fps: int) -> str:
    """The caption's text with a timestamp before each word the voice reaches after the cue has begun."""
    stamps = {word.token: word.start_frame for word in caption.words if word.start_frame > caption.start_frame}
    return " ".join(
        (f"<{_stamp(stamps[index], fps)}>" if index in stamps else "") + _escaped(token)
        for index, token in enumerate(caption.text.split(" "))
    )


def _stamp(frame: int, fps: int) -> str:
    milliseconds = round(frame * 1000 / fps)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, milliseconds = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
