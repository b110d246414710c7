"""The run's transitions: typed patches that cannot name a field the checkpoint does not have."""

import dataclasses
import typing
from typing import Any

import pytest

from shared.domain.assets import belongs_to_run, run_file
from shared.domain.errors import ForeignAsset
from shared.domain.events import RunMode, Stage
from shared.domain.models import DrawingAnalysis, GeneratedImage
from shared.domain.run import (
    Checkpoint,
    MapEntry,
    RunError,
    RunPatch,
    RunStatus,
    ScenePicture,
    StagePatch,
    StageState,
    StageStatus,
    drawing_read,
    gate_reached,
    run_failed,
    scene_painted,
    stage_finished,
    stage_started,
)

ANALYSIS = DrawingAnalysis(subject="a red rocket")


def checkpoint() -> Checkpoint:
    return Checkpoint(user_id="u", run_id="r", mode=RunMode.INTERACTIVE, drawing_key="u/drawings/r.png", media_type="image/png")


def test_a_misspelt_field_is_refused_when_the_patch_is_built() -> None:
    # Spelt wrongly in code, the type checker says so; built from data, the patch refuses it.
    misspelt_run: dict[str, Any] = {"drawing_analysys": ANALYSIS}
    misspelt_stage: dict[str, Any] = {"finshed_at": "now"}
    with pytest.raises(TypeError, match="drawing_analysys"):
        RunPatch(**misspelt_run)
    with pytest.raises(TypeError, match="finshed_at"):
        StagePatch(**misspelt_stage)


def test_every_patch_field_is_a_checkpoint_field() -> None:
    for patch_type, model in ((RunPatch, Checkpoint), (StagePatch, StageState)):
        assert {field.name for field in dataclasses.fields(patch_type)} - {"entries"} <= set(model.model_fields)
    assert set(typing.get_args(typing.get_type_hints(MapEntry)["map"])) <= set(Checkpoint.model_fields)


def test_a_scene_added_to_a_map_leaves_the_others_as_they_are() -> None:
    def picture(number: int) -> ScenePicture:
        return ScenePicture(image=GeneratedImage(scene_number=number, key=f"u/images/r_scene_{number}.png"))

    run = Checkpoint(user_id="u", run_id="r", mode=RunMode.ONE_SHOT, drawing_key="u/d.png", media_type="image/png")
    run = run.apply(RunPatch(pictures={"1": picture(1)}))
    both = run.apply(scene_painted(picture(3)) | scene_painted(picture(2)))
    assert sorted(both.pictures) == ["1", "2", "3"] and both.narrations == {}
    assert run.pictures == {"1": picture(1)}  # applying makes a new checkpoint


def test_a_patch_sets_only_what_it_names_and_none_is_a_value() -> None:
    patch = RunPatch(error=None, status=RunStatus.RUNNING)
    assert patch.values() == {"error": None, "status": RunStatus.RUNNING}
    assert RunPatch().values() == {}


def test_transitions_combine_field_by_field_within_a_stage() -> None:
    read = drawing_read(ANALYSIS, "u/drawings/r_mask.png") | gate_reached()
    waiting = checkpoint().apply(stage_started(Stage.VISION)).apply(read)
    assert waiting.status == RunStatus.WAITING
    assert waiting.current_stage == Stage.STORY
    assert waiting.drawing_analysis == ANALYSIS
    vision = waiting.stages[Stage.VISION]
    assert vision.status == StageStatus.DONE and vision.started_at is not None and vision.finished_at is not None
    assert waiting.stages[Stage.STORY] == StageState()


def test_two_transitions_setting_one_field_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="status"):
        _ = gate_reached() | run_failed(RunError(stage=Stage.VISION, code="c", message="m"))
    with pytest.raises(ValueError, match="finished_at"):
        _ = stage_finished(Stage.VIDEO) | run_failed(RunError(stage=Stage.VIDEO, code="c", message="m"))


@pytest.mark.parametrize(
    ("key", "owned"),
    [
        ("u/drawings/r.jpg", True),
        ("u/drawings/r_mask.png", True),
        ("u/images/r_scene_3.png", True),
        ("u/videos/r_final.mp4", True),
        ("u/drawings/other-run.jpg", False),
        ("someone/drawings/r.jpg", False),
        ("u/../someone/drawings/r.jpg", False),
        ("u/drawings/../../someone/drawings/r.jpg", False),
        ("u/secrets/r.txt", False),
        ("u/drawings/rr.jpg", False),
        ("u\\drawings\\r.jpg", False),
    ],
)
def test_a_worker_follows_only_keys_of_its_own_run(key: str, owned: bool) -> None:
    assert belongs_to_run(key, "u", "r") is owned
    if not owned:
        with pytest.raises(ForeignAsset):
            run_file(key, "u", "r")
