"""A video's captions, served to its owner by the gateway for the app's player, and to no one else."""

from __future__ import annotations

from services.gateway.tests.test_shares import CAPTIONS, ENTRY, OTHER, PARENT, Gateway, gateway  # noqa: F401 - the fixture


async def test_the_owner_reads_their_captions_and_nobody_else_does(gateway: Gateway) -> None:  # noqa: F811
    assert ENTRY.captions_key
    mine = gateway.client.get("/api/v1/storage/captions", params={"s3_key": ENTRY.captions_key}, headers=gateway.as_parent())
    assert mine.status_code == 200 and mine.text == CAPTIONS
    assert mine.headers["content-type"].startswith("text/vtt") and mine.headers["cache-control"] == "private, no-store"

    theirs = gateway.client.get("/api/v1/storage/captions", params={"s3_key": ENTRY.captions_key}, headers=gateway.as_parent(OTHER))
    assert theirs.status_code == 403 and CAPTIONS not in theirs.text
    not_captions = gateway.client.get("/api/v1/storage/captions", params={"s3_key": ENTRY.video_key}, headers=gateway.as_parent())
    assert not_captions.status_code == 403  # only a captions track is read out as text
    missing = gateway.client.get(
        "/api/v1/storage/captions", params={"s3_key": f"{PARENT}/videos/gone_captions.vtt"}, headers=gateway.as_parent()
    )
    assert missing.status_code == 404 and "isn't there" in missing.json()["error"]["message"]
    assert gateway.client.get("/api/v1/storage/captions", params={"s3_key": ENTRY.captions_key}).status_code == 401
