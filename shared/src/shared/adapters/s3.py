"""S3: the AssetStore that keeps every run's files (their keys: shared.domain.assets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from shared.domain.assets import Retention
from shared.domain.ports import ObjectNotFound


def _tagging(retention: Retention, tag: str) -> str:
    return urlencode({tag: retention.value})


class S3AssetStore:
    def __init__(self, s3: Any, bucket: str, *, retention_tag: str) -> None:
        self._s3 = s3
        self._bucket = bucket
        # S3's lifecycle rules (Terraform, from topology.json) expire objects by this tag: keys start with the
        # user's sub, so a rule cannot pick a run's pictures out by prefix.
        self._retention_tag = retention_tag

    async def put(self, key: str, body: bytes, content_type: str, *, retention: Retention) -> None:
        await self._s3.put_object(
            Bucket=self._bucket, Key=key, Body=body, ContentType=content_type, Tagging=_tagging(retention, self._retention_tag)
        )

    async def get(self, key: str) -> bytes:
        try:
            response = await self._s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectNotFound(key) from error
            raise
        async with response["Body"] as stream:
            return await stream.read()

    async def upload_file(self, path: Path, key: str, content_type: str, *, retention: Retention) -> None:
        extra = {"ContentType": content_type, "Tagging": _tagging(retention, self._retention_tag)}
        await self._s3.upload_file(str(path), self._bucket, key, ExtraArgs=extra)

    async def download_file(self, key: str, path: Path) -> None:
        await self._s3.download_file(self._bucket, key, str(path))

    async def exists(self, key: str) -> bool:
        try:
            await self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    async def copy(self, source_key: str, destination_key: str, *, retention: Retention) -> None:
        await self._s3.copy_object(
            Bucket=self._bucket,
            Key=destination_key,
            CopySource={"Bucket": self._bucket, "Key": source_key},
            TaggingDirective="REPLACE",
            Tagging=_tagging(retention, self._retention_tag),
        )

    async def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            await self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True})

    async def presigned_get(self, key: str, expires_in: int) -> str:
        return await self._s3.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in)
