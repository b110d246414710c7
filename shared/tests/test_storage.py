"""The asset store against the local S3: every object carries the retention tag the bucket's lifecycle rules expire it by."""

from __future__ import annotations

import uuid

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.s3 import S3AssetStore
from shared.domain.assets import Retention
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
