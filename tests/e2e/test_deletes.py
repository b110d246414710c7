"""Deletes that delete, through the real processes: a storybook's entry and run leave no version of any file, and an
account leaves no file, no row and no sign-in. The bucket and the tables are listed afterwards to prove it."""

from __future__ import annotations

import uuid

import boto3
import httpx
import pytest

from devstack.stack import Stack
from gateway.settings import GatewaySettings
from nocomelon_cli.signin import DEMO_ACCOUNT, Credentials
from nocomelon_cli.signin import ClientError as SignInFailed
from shared.domain.assets import AssetKeys, belongs_to_run
from tests.e2e.system import Parent, gateway, outputs_of, saved_storybook, sign_in


@pytest.fixture
def leaving() -> Credentials:
    """A parent of this test's own, whose account the test deletes."""
    return Credentials(email=f"leaving.{uuid.uuid4().hex[:8]}@nocomelon.local", password="Leaving4Good")


def versions_under(stack: Stack, prefix: str) -> list[str]:
    """The key of every version and delete marker under the prefix."""
    s3 = boto3.client("s3", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    keys: list[str] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=outputs_of(stack).bucket, Prefix=prefix):
        keys += [listed["Key"] for listed in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
    return keys


def rows_of(stack: Stack, settings: GatewaySettings, user_id: str) -> dict[str, int]:
    """How many rows the user has in each table of the topology."""
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    return {
        table.name: dynamodb.query(
            TableName=table.name,
            KeyConditionExpression="#user = :user",
            ExpressionAttributeNames={"#user": table.hash_key},
            ExpressionAttributeValues={":user": {"S": user_id}},
            ConsistentRead=True,
            Select="COUNT",
        )["Count"]
        for table in settings.topology.tables
    }


def test_a_deleted_storybook_leaves_no_version_of_its_entry_or_its_run(stack: Stack, leaving: Credentials) -> None:
    parent = sign_in(stack, leaving)
    with gateway(stack, parent) as client:
        run_id, entry = saved_storybook(client)
        mine = AssetKeys.user_prefix(parent.user_id)
        run_files = [key for key in versions_under(stack, mine) if belongs_to_run(key, parent.user_id, run_id)]
        assert {AssetKeys.video(parent.user_id, run_id), entry["video_key"], entry["thumbnail_key"]} <= set(versions_under(stack, mine))
        assert {key.split("/")[1] for key in run_files} == {"drawings", "images", "audio", "pages", "videos"}

        assert client.delete(f"/api/v1/library/{entry['id']}").status_code == 204

        left = versions_under(stack, mine)
        assert [key for key in left if entry["id"] in key or belongs_to_run(key, parent.user_id, run_id)] == []
        assert client.get(f"/api/v1/runs/{run_id}").status_code == 404  # the checkpoint went with it
        assert client.delete(f"/api/v1/library/{entry['id']}").status_code == 404


def test_a_deleted_account_leaves_no_file_no_row_and_no_sign_in(stack: Stack, settings: GatewaySettings, leaving: Credentials) -> None:
    parent = sign_in(stack, leaving)
    with gateway(stack, parent) as client:
        _, entry = saved_storybook(client)
        link = client.post(f"/api/v1/library/{entry['id']}/shares", json={"label": "Grandma"}).json()["url"]
        assert httpx.get(link, timeout=10).status_code == 200
        assert versions_under(stack, AssetKeys.user_prefix(parent.user_id))
        assert all(rows_of(stack, settings, parent.user_id).values())  # a run, a library entry, a budget and a link

        assert client.delete("/api/v1/account").status_code == 204
        assert httpx.get(link, timeout=10).status_code == 404  # the link went with the account: no such link now

        assert versions_under(stack, AssetKeys.user_prefix(parent.user_id)) == []
        assert rows_of(stack, settings, parent.user_id) == dict.fromkeys((table.name for table in settings.topology.tables), 0)
        with pytest.raises(SignInFailed):
            stack.access_token(leaving)
        # Asked again (an answer lost on the way back), it is still done.
        assert client.delete("/api/v1/account").status_code == 204


def test_deleting_an_account_leaves_other_parents_alone(stack: Stack, parent: Parent, leaving: Credentials) -> None:
    with gateway(stack, parent) as client:
        before = client.get("/api/v1/library", params={"limit": 100}).json()["items"]
    with gateway(stack, sign_in(stack, leaving)) as client:
        assert client.delete("/api/v1/account").status_code == 204
    with gateway(stack, parent) as client:
        assert client.get("/api/v1/library", params={"limit": 100}).json()["items"] == before
    assert parent.email == DEMO_ACCOUNT.email and stack.access_token(DEMO_ACCOUNT)  # still signs in
