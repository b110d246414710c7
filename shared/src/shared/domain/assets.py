"""Where each file of a run lives, and how long it is kept.

Every key starts with the owner's user-pool `sub`, so a key names its owner;
the gateway signs links only under the caller's own prefix.
"""

from __future__ import annotations

from enum import StrEnum


class Retention(StrEnum):
    """How long an object is kept (S3's lifecycle rules expire objects by this, as a tag)."""

    INTERMEDIATE = "intermediate"  # made on the way to a video (pictures, narration, figure mask): kept while the run lives
    RUN = "run"  # the drawing and the run's own video and thumbnail: kept a while after the run, for a parent who comes back
    LIBRARY = "library"  # a saved storybook's video and thumbnail: kept until the parent deletes it


class AssetKeys:
    """The seed's key layout; the one place that spells it."""

    @staticmethod
    def user_prefix(user_id: str) -> str:
        return f"{user_id}/"

    @staticmethod
    def drawing(user_id: str, run_id: str, extension: str) -> str:
        return f"{user_id}/drawings/{run_id}.{extension}"

    @staticmethod
    def figure_mask(user_id: str, run_id: str) -> str:
        return f"{user_id}/drawings/{run_id}_mask.png"

    @staticmethod
    def scene_image(user_id: str, run_id: str, scene_number: int) -> str:
        return f"{user_id}/images/{run_id}_scene_{scene_number}.png"

    @staticmethod
    def scene_audio(user_id: str, run_id: str, scene_number: int) -> str:
        return f"{user_id}/audio/{run_id}_scene_{scene_number}.mp3"

    @staticmethod
    def video(user_id: str, run_id: str) -> str:
        return f"{user_id}/videos/{run_id}_final.mp4"

    @staticmethod
    def thumbnail(user_id: str, run_id: str) -> str:
        return f"{user_id}/videos/{run_id}_thumb.jpg"
