"""The asset store against the local S3: every object carries the retention tag the bucket's lifecycle rules expire it by,
and a delete leaves no version of what it deleted, or says how much it could not delete."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from gateway.errors import status_of
from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.s3 import S3AssetStore
from shared.domain.assets import Retention, belongs_to_run
from shared.domain.errors import DeleteIncomplete
from shared.domain.ports import ObjectNotFound, RangeNotSatisfiable
from shared.topology import raw_topology


async def _retention(aws: AwsClients, settings: GatewaySettings, key: str) -> str:
    tags = (await aws.s3.get_object_tagging(Bucket=settings.bucket, Key=key))["TagSet"]
    return {tag["Key"]: tag["Value"] for tag in tags}[settings.topology.retention_tag]


async def test_each_way_of_writing_tags_the_object_with_its_retention(aws: AwsClients, settings: GatewaySettings, tmp_path) -> None:
    store, prefix = S3AssetStore(aws.s3, settings.bucket, retention_tag=settings.topology.retention_tag), f"user-{uuid.uuid4()}"
    video = tmp_path / "video.mp4"
    video.write_bytes(b"not really a video")

    await store.put(f"{prefix}/images/r_scene_1.png", b"png", "image/png", retention=Retention.INTERMEDIATE)
    await store.upload_file(video, f"{prefix}/videos/r_final.mp4", "video/mp4", retention=Retention.RUN)
    await store.copy(f"{prefix}/videos/r_final.mp4", f"{prefix}/videos/entry_final.mp4", retention=Retention.LIBRARY)

    assert await _retention(aws, settings, f"{prefix}/images/r_scene_1.png") == "intermediate"
    assert await _retention(aws, settings, f"{prefix}/videos/r_final.mp4") == "run"
    assert await _retention(aws, settings, f"{prefix}/videos/entry_final.mp4") == "library"


def test_everything_but_the_library_expires_by_a_rule_of_the_topology() -> None:
    expiring = set(raw_topology()["asset_retention"]["expire_after_days"])

    assert expiring == {retention.value for retention in Retention} - {Retention.LIBRARY.value}


# Deletes: the bucket is versioned, so a deleted key must leave no version and no delete marker behind.


def _store(s3: Any, bucket: str, settings: GatewaySettings) -> S3AssetStore:
    return S3AssetStore(s3, bucket, retention_tag=settings.topology.retention_tag)


async def _versions(aws: AwsClients, bucket: str, prefix: str) -> list[tuple[str, str]]:
    """Every version and delete marker under the prefix, as (key, version id)."""
    found: list[tuple[str, str]] = []
    async for page in aws.s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        found += [(listed["Key"], listed["VersionId"]) for listed in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
    return found


async def test_deleting_a_key_removes_every_version_and_delete_marker_of_it_and_nothing_else(
    aws: AwsClients, settings: GatewaySettings
) -> None:
    store, prefix = _store(aws.s3, settings.bucket, settings), f"user-{uuid.uuid4()}"
    video, longer = f"{prefix}/videos/r_final.mp4", f"{prefix}/videos/r_final.mp4.bak"
    for take in range(3):
        await store.put(video, f"take {take}".encode(), "video/mp4", retention=Retention.RUN)
    await aws.s3.delete_object(Bucket=settings.bucket, Key=video)  # a plain delete: a marker over the versions
    await store.put(video, b"take 4", "video/mp4", retention=Retention.RUN)
    await store.put(longer, b"kept", "video/mp4", retention=Retention.RUN)
    assert len(await _versions(aws, settings.bucket, video)) == 6  # five of video (a marker among them), one of the longer key

    await store.delete([video, f"{prefix}/videos/never-there.mp4"])

    assert [key for key, _ in await _versions(aws, settings.bucket, prefix)] == [longer]
    assert not await store.exists(video)


async def test_deleting_under_a_prefix_removes_every_version_in_batches_s3_accepts(aws: AwsClients, settings: GatewaySettings) -> None:
    prefix = f"user-{uuid.uuid4()}/"
    spy = DeleteObjectsSpy(aws.s3)
    store = _store(spy, settings.bucket, settings)
    keys = [f"{prefix}images/r_scene_{number}.png" for number in (1, 2)]
    await asyncio.gather(*(store.put(key, b"png", "image/png", retention=Retention.INTERMEDIATE) for key in keys))
    # A plain delete (no version named) only lays a delete marker over an object; moto lays one for each entry of the
    # request, repeats too, which makes more than a thousand versions without a thousand uploads.
    for key in keys:
        await aws.s3.delete_objects(Bucket=settings.bucket, Delete={"Objects": [{"Key": key}] * 600, "Quiet": True})
    assert len(await _versions(aws, settings.bucket, prefix)) == 1202

    await store.delete_under(prefix)

    assert await _versions(aws, settings.bucket, prefix) == []
    assert sorted(len(batch) for batch in spy.requests) == [202, 1000]


async def test_deleting_under_a_prefix_keeps_what_where_refuses(aws: AwsClients, settings: GatewaySettings) -> None:
    store, prefix = _store(aws.s3, settings.bucket, settings), f"user-{uuid.uuid4()}"
    for key in (f"{prefix}/drawings/run-1.png", f"{prefix}/drawings/run-1_mask.png", f"{prefix}/drawings/run-10.png"):
        await store.put(key, b"png", "image/png", retention=Retention.RUN)

    await store.delete_under(f"{prefix}/drawings/run-1", where=lambda key: belongs_to_run(key, prefix, "run-1"))

    assert [key for key, _ in await _versions(aws, settings.bucket, prefix)] == [f"{prefix}/drawings/run-10.png"]


async def test_versions_s3_could_not_delete_are_tried_again(aws: AwsClients, settings: GatewaySettings) -> None:
    prefix = f"user-{uuid.uuid4()}"
    stubborn, easy = f"{prefix}/videos/a_final.mp4", f"{prefix}/videos/b_final.mp4"
    spy = DeleteObjectsSpy(aws.s3, failures={stubborn: 2})
    store = _store(spy, settings.bucket, settings)
    for key in (stubborn, easy):
        await store.put(key, b"mp4", "video/mp4", retention=Retention.LIBRARY)

    await store.delete([stubborn, easy])

    assert await _versions(aws, settings.bucket, prefix) == []
    assert [sorted(version["Key"] for version in batch) for batch in spy.requests] == [[stubborn, easy], [stubborn], [stubborn]]


async def test_versions_that_cannot_be_deleted_are_reported_with_how_many_are_left(aws: AwsClients, settings: GatewaySettings) -> None:
    """A legal hold (object lock) makes S3 answer each of the object's versions with an AccessDenied entry of `Errors`."""
    bucket, prefix = f"locked-{uuid.uuid4().hex[:12]}", "user-a"
    held, free = f"{prefix}/videos/held_final.mp4", f"{prefix}/videos/free_final.mp4"
    await aws.s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    store = _store(aws.s3, bucket, settings)
    try:
        for key in (held, held, free):
            await store.put(key, b"mp4", "video/mp4", retention=Retention.LIBRARY)
        for _, version_id in await _versions(aws, bucket, held):
            await aws.s3.put_object_legal_hold(Bucket=bucket, Key=held, VersionId=version_id, LegalHold={"Status": "ON"})

        with pytest.raises(DeleteIncomplete) as incomplete:
            await store.delete_under(prefix)

        assert incomplete.value.remaining == 2
        assert "2 object versions could not be deleted" in str(incomplete.value)
        assert (status_of(incomplete.value), incomplete.value.retry_after_seconds) == (503, 30)
        assert [key for key, _ in await _versions(aws, bucket, prefix)] == [held, held]
    finally:
        for key, version_id in await _versions(aws, bucket, prefix):
            await aws.s3.put_object_legal_hold(Bucket=bucket, Key=key, VersionId=version_id, LegalHold={"Status": "OFF"})
        await store.delete_under(prefix)
        await aws.s3.delete_bucket(Bucket=bucket)


class DeleteObjectsSpy:
    """The S3 client, recording what each DeleteObjects names; `failures` makes S3 report a key as an error that many times."""

    def __init__(self, s3: Any, failures: dict[str, int] | None = None) -> None:
        self._s3 = s3
        self._failures = dict(failures or {})
        self.requests: list[list[dict[str, str]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s3, name)

    async def delete_objects(self, *, Bucket: str, Delete: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 (boto3's argument names)
        objects: list[dict[str, str]] = Delete["Objects"]
        self.requests.append(objects)
        failing = [version for version in objects if self._failures.get(version["Key"], 0) > 0]
        for key in {version["Key"] for version in failing}:
            self._failures[key] -= 1
        passing = [version for version in objects if version not in failing]
        answer = await self._s3.delete_objects(Bucket=Bucket, Delete={**Delete, "Objects": passing}) if passing else {}
        errors = [
            {**version, "Code": "InternalError", "Message": "We encountered an internal error. Please try again."} for version in failing
        ]
        return {**answer, "Errors": [*answer.get("Errors", []), *errors]}


async def test_a_file_is_read_whole_or_from_a_byte_to_a_byte_in_chunks(aws: AwsClients, settings: GatewaySettings) -> None:
    store, key = _store(aws.s3, settings.bucket, settings), f"user-{uuid.uuid4()}/videos/entry_final.mp4"
    body = bytes(range(256)) * 4096  # 1 MiB: several chunks
    await store.put(key, body, "video/mp4", retention=Retention.LIBRARY)

    async def bytes_of(first: int = 0, last: int | None = None) -> tuple[bytes, int, int, int, str]:
        stored = await store.read(key, first=first, last=last)
        return b"".join([chunk async for chunk in stored.chunks]), stored.first, stored.last, stored.size, stored.content_type

    assert await bytes_of() == (body, 0, len(body) - 1, len(body), "video/mp4")
    assert await bytes_of(10, 19) == (body[10:20], 10, 19, len(body), "video/mp4")
    assert (await bytes_of(len(body) - 5, len(body) + 100))[:3] == (body[-5:], len(body) - 5, len(body) - 1)  # clipped to the end
    with pytest.raises(RangeNotSatisfiable) as past:
        await store.read(key, first=len(body))
    assert past.value.size == len(body)
    with pytest.raises(ObjectNotFound):
        await store.read(f"{key}.gone")
