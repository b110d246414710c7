import json

import pytest

from shared.domain.events import (
    DrawingSubmitted,
    Envelope,
    EventType,
    RunMode,
    StoryCompleted,
    UnsupportedEnvelope,
    parse_envelope,
)
from shared.domain.models import Scene, StoryScript


def submitted() -> Envelope[DrawingSubmitted]:
    return Envelope.new(
        DrawingSubmitted(drawing_key="u/drawings/r.png", media_type="image/png"),
        type=EventType.DRAWING_SUBMITTED,
        run_id="r",
        user_id="u",
        mode=RunMode.ONE_SHOT,
    )


def test_an_envelope_survives_the_wire() -> None:
    envelope = submitted()
    assert parse_envelope(envelope.model_dump_json()) == envelope
    assert isinstance(parse_envelope(envelope.model_dump_json()).payload, DrawingSubmitted)


def test_a_follow_up_belongs_to_the_same_run_and_names_its_cause() -> None:
    cause = submitted()
    script = StoryScript(title="T", scenes=[Scene(number=1, text="Once.")])
    follow = cause.follow(StoryCompleted(story_script=script), type=EventType.STORY_COMPLETED)
    assert (follow.run_id, follow.user_id, follow.mode, follow.causation_id) == ("r", "u", RunMode.ONE_SHOT, cause.id)
    assert follow.id != cause.id


def test_the_payload_must_match_the_catalogue() -> None:
    with pytest.raises(TypeError):
        Envelope.new(
            DrawingSubmitted(drawing_key="k", media_type="image/png"),
            type=EventType.STORY_COMPLETED,
            run_id="r",
            user_id="u",
            mode=RunMode.ONE_SHOT,
        )


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"type": "drawing.submitted"}),
        json.dumps({**json.loads(submitted().model_dump_json()), "version": 99}),
        json.dumps({**json.loads(submitted().model_dump_json()), "type": "nonsense"}),
        json.dumps({**json.loads(submitted().model_dump_json()), "data": {"drawing_key": 3}}),
    ],
)
def test_unreadable_messages_are_refused(body: str) -> None:
    with pytest.raises(UnsupportedEnvelope):
        parse_envelope(body)
