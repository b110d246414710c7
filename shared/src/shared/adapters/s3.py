"""S3: the AssetStore that keeps every run's files (their keys: shared.domain.assets).

The bucket is versioned (Terraform's private_bucket module, and the local
provisioner), so deleting a key is deleting each of its versions and delete
markers by id: a plain DeleteObject would only hide the object behind a new
delete marker and leave its bytes for weeks.

Each transfer of a whole file is a span (its key, its bytes) in the run's trace.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlencode

from botocore.exceptions import BotoCoreError, ClientError
from opentelemetry.trace import Span, SpanKind

from shared.adapters.aws import delete_in_batches
from shared.domain.assets import Retention
from shared.domain.errors import DeleteIncomplete
from shared.domain.ports import ObjectNotFound, RangeNotSatisfiable, StoredBytes
from shared.runtime.tracing import tracer

# The most keys one DeleteObjects request may name.
_DELETE_BATCH = 1000


class _Version(TypedDict):
    """One version or delete marker, as DeleteObjects names it."""

    Key: str
    VersionId: str


def _tagging(retention: Retention, tag: str) -> str:
    return urlencode({tag: retention.value})


def _transfer(action: str, key: str) -> AbstractContextManager[Span]:
    return tracer.start_as_current_span(f"s3 {action}", kind=SpanKind.CLIENT, attributes={"s3.key": key})


class S3AssetStore:
    def __init__(self, s3: Any, bucket: str, *, retention_tag: str) -> None:
        self._s3 = s3
        self._bucket = bucket
        # S3's lifecycle rules (Terraform, from topology.json) expire objects by this tag: keys start with the
        # user's sub, so a rule cannot pick a run's pictures out by prefix.
        self._retention_tag = retention_tag

    async def put(self, key: str, body: bytes, content_type: str, *, retention: Retention) -> None:
        await self._put("put", key, body, content_type, retention)

    async def get(self, key: str) -> bytes:
        return await self._get("get", key)

    async def read(self, key: str, *, first: int = 0, last: int | None = None) -> StoredBytes:
        asked = f"bytes={first}-{'' if last is None else last}"
        try:
            response = await self._s3.get_object(Bucket=self._bucket, Key=key, Range=asked)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404"):
                raise ObjectNotFound(key) from error
            if code == "InvalidRange":
                head = await self._s3.head_object(Bucket=self._bucket, Key=key)
                raise RangeNotSatisfiable(int(head["ContentLength"])) from error
            raise
        # "bytes 0-99/1234": S3 clips `last` to the end of the file.
        span, size = response["ContentRange"].removeprefix("bytes ").split("/")
        start, end = span.split("-")
        return StoredBytes(
            size=int(size),
            first=int(start),
            last=int(end),
            content_type=response.get("ContentType") or "application/octet-stream",
            chunks=_chunks(response["Body"]),
        )

    # One request each way: boto's managed transfers ask for the object's size first and split anything past 8 MB into
    # parts, several requests for the files a run moves (the largest, a storybook's video, is some megabytes).
    async def upload_file(self, path: Path, key: str, content_type: str, *, retention: Retention) -> None:
        await self._put("upload", key, await asyncio.to_thread(path.read_bytes), content_type, retention)

    async def download_file(self, key: str, path: Path) -> None:
        body = await self._get("download", key)
        await asyncio.to_thread(path.write_bytes, body)

    async def _put(self, action: str, key: str, body: bytes, content_type: str, retention: Retention) -> None:
        with _transfer(action, key) as span:
            span.set_attribute("bytes", len(body))
            await self._s3.put_object(
                Bucket=self._bucket, Key=key, Body=body, ContentType=content_type, Tagging=_tagging(retention, self._retention_tag)
            )

    async def _get(self, action: str, key: str) -> bytes:
        with _transfer(action, key) as span:
            try:
                response = await self._s3.get_object(Bucket=self._bucket, Key=key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    raise ObjectNotFound(key) from error
                raise
            async with response["Body"] as stream:
                body = await stream.read()
            span.set_attribute("bytes", len(body))
            return body

    async def exists(self, key: str) -> bool:
        try:
            await self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    async def copy(self, source_key: str, destination_key: str, *, retention: Retention) -> None:
        with _transfer("copy", destination_key):
            await self._s3.copy_object(
                Bucket=self._bucket,
                Key=destination_key,
                CopySource={"Bucket": self._bucket, "Key": source_key},
                TaggingDirective="REPLACE",
                Tagging=_tagging(retention, self._retention_tag),
            )

    async def delete(self, keys: Sequence[str]) -> None:
        found = await asyncio.gather(*(self._versions(key, exact=True) for key in sorted(set(keys))))
        await self._delete_versions([version for versions in found for version in versions])

    async def delete_under(self, prefix: str, *, where: Callable[[str], bool] | None = None) -> None:
        versions = await self._versions(prefix)
        await self._delete_versions([version for version in versions if where is None or where(version["Key"])])

    async def _versions(self, prefix: str, *, exact: bool = False) -> list[_Version]:
        """Every version and delete marker under the prefix; with `exact`, of that one key only (a prefix also lists longer keys)."""
        found: list[_Version] = []
        try:
            async for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=self._bucket, Prefix=prefix):
                for listed in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                    if not exact or listed["Key"] == prefix:
                        found.append({"Key": listed["Key"], "VersionId": listed["VersionId"]})
        except (BotoCoreError, ClientError) as error:
            raise DeleteIncomplete(f"the versions under {prefix!r} could not be listed") from error
        return found

    async def _delete_versions(self, versions: list[_Version]) -> None:
        async def delete_batch(batch: list[_Version]) -> list[_Version]:
            response = await self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True})
            return _not_deleted(batch, response.get("Errors", []))

        await delete_in_batches(versions, delete_batch, batch_size=_DELETE_BATCH, what="object versions")

    async def presigned_get(self, key: str, expires_in: int) -> str:
        return await self._s3.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in)


# What a reader is handed at a time: small enough to stream, big enough not to be thousands of writes.
_CHUNK_BYTES = 256 * 1024


async def _chunks(body: Any) -> AsyncIterator[bytes]:
    """The body's bytes; closed when they are all read, or when the reader stops early (a player that seeks away)."""
    try:
        async for chunk in body.iter_chunks(_CHUNK_BYTES):
            yield chunk
    finally:
        body.close()


def _not_deleted(batch: list[_Version], errors: list[dict[str, Any]]) -> list[_Version]:
    """The versions of the batch that DeleteObjects reported as errors.

    S3 names the version of each error; when a server names only the key (moto does), every version of that key in
    the batch is tried again.
    """
    failed_versions = {(error["Key"], error["VersionId"]) for error in errors if error.get("VersionId")}
    failed_keys = {error["Key"] for error in errors if not error.get("VersionId")}
    return [version for version in batch if version["Key"] in failed_keys or (version["Key"], version["VersionId"]) in failed_versions]
