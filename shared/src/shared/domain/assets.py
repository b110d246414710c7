"""Where each file of a run lives, and how long it is kept.

Every key starts with the owner's user-pool `sub`, so a key names its owner;
the gateway signs links only under the caller's own prefix.
"""

from __future__ import annotations

import posixpath
from enum import StrEnum

from shared.domain.errors import ForeignAsset


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
    def page_video(user_id: str, run_id: str, pipeline_id: str, scene_number: int) -> str:
        """A page's segment of the video, per pipeline: a page rendered late for a replaced pipeline never lands on the
        current one's."""
        return f"{user_id}/pages/{run_id}_{pipeline_id}_{scene_number}.h264"

    @staticmethod
    def video(user_id: str, run_id: str) -> str:
        return f"{user_id}/videos/{run_id}_final.mp4"

    @staticmethod
    def thumbnail(user_id: str, run_id: str) -> str:
        return f"{user_id}/videos/{run_id}_thumb.jpg"

    @staticmethod
    def captions(user_id: str, run_id: str) -> str:
        return f"{user_id}/videos/{run_id}_captions.vtt"

    @staticmethod
    def book(user_id: str, run_id: str, paper: str) -> str:
        return f"{user_id}/videos/{run_id}_book_{paper}.pdf"


_FOLDERS = frozenset({"drawings", "images", "audio", "pages", "videos"})


# Whose a key is: the gateway signs links, and workers follow keys from events, only where these say.


def belongs_to_user(key: str, user_id: str) -> bool:
    # Normalising first stops "<me>/../<someone else>/..." from passing a prefix check.
    return posixpath.normpath(key) == key and "\\" not in key and key.startswith(AssetKeys.user_prefix(user_id))


def run_file(key: str, user_id: str, run_id: str) -> str:
    """The key an event names, checked to be one of its run's files: workers never follow a key elsewhere."""
    if not belongs_to_run(key, user_id, run_id):
        raise ForeignAsset(key)
    return key


def run_file_prefixes(user_id: str, run_id: str) -> list[str]:
    """Where the run's own files can be (one prefix per folder of the layout); belongs_to_run tells which keys under them are."""
    return [f"{AssetKeys.user_prefix(user_id)}{folder}/{run_id}" for folder in sorted(_FOLDERS)]


def belongs_to_run(key: str, user_id: str, run_id: str) -> bool:
    """One of the run's own files: under its owner, in a folder of the layout, named after the run."""
    if not belongs_to_user(key, user_id):
        return False
    parts = key.split("/")
    return len(parts) == 3 and parts[1] in _FOLDERS and (parts[2].startswith(f"{run_id}.") or parts[2].startswith(f"{run_id}_"))
