"""What deleting an account deletes, against the local AWS: every row of the user in every table, and the sign-in account."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from gateway.settings import GatewaySettings
from shared.adapters.aws import AwsClients
from shared.adapters.cognito import CognitoUserAccounts
from shared.adapters.dynamodb import DynamoUserRows
from shared.domain.errors import DeleteIncomplete
from shared.topology import TableSpec


async def _rows_of(aws: AwsClients, table: TableSpec, user_id: str) -> list[dict[str, Any]]:
    response = await aws.dynamodb.query(
        TableName=table.name,
        KeyConditionExpression="#user = :user",
        ExpressionAttributeNames={"#user": table.hash_key},
        ExpressionAttributeValues={":user": {"S": user_id}},
        ConsistentRead=True,
    )
    return response["Items"]


async def _put_rows(aws: AwsClients, table: TableSpec, user_id: str, count: int) -> None:
    for number in range(count):
        item = {
            table.hash_key: {"S": user_id},
            table.range_key: {"S": f"row-{number:03}"},
            "created_at": {"S": f"2026-01-01T00:{number:02}"},
        }
        await aws.dynamodb.put_item(TableName=table.name, Item=item)


async def test_every_row_of_the_user_goes_from_every_table_and_no_one_else_s(aws: AwsClients, settings: GatewaySettings) -> None:
    user_id, neighbour = f"user-{uuid.uuid4()}", f"user-{uuid.uuid4()}"
    tables = settings.topology.tables
    for table in tables:
        await _put_rows(aws, table, user_id, 30 if table == settings.topology.checkpoints else 2)  # more than one batch of 25
        await _put_rows(aws, table, neighbour, 1)

    await DynamoUserRows(aws.dynamodb, tables).delete_all(user_id)

    for table in tables:
        assert await _rows_of(aws, table, user_id) == []
        assert len(await _rows_of(aws, table, neighbour)) == 1


async def test_rows_dynamodb_leaves_unprocessed_are_tried_again_and_reported_when_they_stay(
    aws: AwsClients, settings: GatewaySettings
) -> None:
    user_id, table = f"user-{uuid.uuid4()}", settings.topology.budgets
    await _put_rows(aws, table, user_id, 3)

    await DynamoUserRows(UnprocessingDynamo(aws.dynamodb, times=2), [table]).delete_all(user_id)
    assert await _rows_of(aws, table, user_id) == []

    await _put_rows(aws, table, user_id, 3)
    with pytest.raises(DeleteIncomplete) as incomplete:
        await DynamoUserRows(UnprocessingDynamo(aws.dynamodb, times=99), [table]).delete_all(user_id)
    assert incomplete.value.remaining == 1
    assert f"1 rows of {table.name} could not be deleted" in str(incomplete.value)
    assert len(await _rows_of(aws, table, user_id)) == 1


class UnprocessingDynamo:
    """The DynamoDB client, except that BatchWriteItem hands its first request back unprocessed, `times` times over."""

    def __init__(self, dynamodb: Any, times: int) -> None:
        self._dynamodb = dynamodb
        self._times = times

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dynamodb, name)

    async def batch_write_item(self, *, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:  # noqa: N803 (boto3's name)
        if self._times <= 0:
            return await self._dynamodb.batch_write_item(RequestItems=RequestItems)
        self._times -= 1
        ((table, requests),) = RequestItems.items()
        if requests[1:]:
            await self._dynamodb.batch_write_item(RequestItems={table: requests[1:]})
        return {"UnprocessedItems": {table: requests[:1]}}


@pytest.fixture
async def cognito(settings: GatewaySettings) -> AsyncIterator[Any]:
    async with AwsClients(region=settings.aws_region, endpoint_url=settings.cognito_endpoint_url, services=("cognito-idp",)) as clients:
        yield clients.cognito_idp


async def test_the_sign_in_account_is_deleted_and_deleting_it_again_changes_nothing(cognito: Any, settings: GatewaySettings) -> None:
    pool_id = settings.cognito_user_pool_id
    email = f"leaving-{uuid.uuid4().hex[:8]}@nocomelon.local"
    created = await cognito.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS")
    username = created["User"]["Username"]
    accounts = CognitoUserAccounts(cognito, pool_id)

    await accounts.delete(username)
    await accounts.delete(username)

    with pytest.raises(ClientError) as missing:
        await cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    assert missing.value.response.get("Error", {}).get("Code") == "UserNotFoundException"
