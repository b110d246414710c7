"""S3 storage with the seed's key layout, everything under the user-pool `sub`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from shared.topology import raw_topology

# The object tag that S3's lifecycle rules (Terraform, from topology.json) expire objects by: keys start with the
# user's sub, so a rule cannot pick a run's pictures out by prefix.
RETENTION_TAG = raw_topology()["asset_retention"]["tag"]


class Retention(StrEnum):
    """How long an object is kept."""

    INTERMEDIATE = "intermediate"  # made on the way to a video (pictures, narration, figure mask): kept while the run lives
    RUN = "run"  # the drawing and the run's own video and thumbnail: kept a while after the run, for a parent who comes back
    LIBRARY = "library"  # a saved storybook's video and thumbnail: kept until the parent deletes it

    @property
    def tagging(self) -> str:
        return urlencode({RETENTION_TAG: self.value})


class AssetKeys:
    """Where each artefact of a run lives; the one place that spells the layout."""

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


class ObjectNotFound(LookupError):
    pass


class AssetStore:
    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    async def put(self, key: str, body: bytes, content_type: str, *, retention: Retention) -> None:
        await self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type, Tagging=retention.tagging)

    async def get(self, key: str) -> bytes:
        try:
            response = await self._s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise ObjectNotFound(key) from error
            raise
        async with response["Body"] as stream:
            return await stream.read()

    async def upload_file(self, path: Path, key: str, content_type: str, *, retention: Retention) -> None:
        await self._s3.upload_file(str(path), self._bucket, key, ExtraArgs={"ContentType": content_type, "Tagging": retention.tagging})

    async def download_file(self, key: str, path: Path) -> None:
        await self._s3.download_file(self._bucket, key, str(path))

    async def exists(self, key: str) -> bool:
        try:
            await self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    async def copy(self, source_key: str, destination_key: str, *, retention: Retention) -> None:
        await self._s3.copy_object(
            Bucket=self._bucket,
            Key=destination_key,
            CopySource={"Bucket": self._bucket, "Key": source_key},
            TaggingDirective="REPLACE",
            Tagging=retention.tagging,
        )

    async def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            await self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True})

    async def presigned_get(self, key: str, expires_in: int) -> str:
        return await self._s3.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in)
