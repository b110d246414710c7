"""The provisioner against moto: everything the topology names, created once, converged on re-runs."""

from __future__ import annotations

import json

import boto3
import pytest

from devstack.provision import Provisioner
from devstack.stack import Stack
from nocomelon_cli.signin import Credentials
from shared.topology import topology


@pytest.fixture(scope="module")
def rehearsal(stack_definition: Stack) -> tuple[Provisioner, object, object]:
    """A second environment on the session's moto, provisioned twice."""
    provisioner = Provisioner(topology("rehearsal"), region=stack_definition.region, endpoint_url=stack_definition.aws_endpoint)
    user = Credentials(email="operator@nocomelon.local", password="Rehearse4Real")
    return provisioner, provisioner.provision((user,)), provisioner.provision((user,))


def test_running_twice_gives_the_same_resources(rehearsal) -> None:
    _, first, second = rehearsal
    assert first == second


def test_each_worker_queue_is_subscribed_once_with_its_filter_and_raw_delivery(rehearsal) -> None:
    provisioner, outputs, _ = rehearsal
    subscriptions = provisioner.sns.list_subscriptions_by_topic(TopicArn=outputs.topic_arn)["Subscriptions"]
    assert len(subscriptions) == len(topology("rehearsal").queues)
    for service, spec in topology("rehearsal").queues.items():
        queue_arn = provisioner.sqs.get_queue_attributes(QueueUrl=outputs.queue_urls[service], AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        [subscription] = [item for item in subscriptions if item["Endpoint"] == queue_arn]
        attributes = provisioner.sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
        assert json.loads(attributes["FilterPolicy"]) == spec.filter_policy
        assert attributes["RawMessageDelivery"] == "true"


def test_each_queue_dead_letters_after_its_receive_count(rehearsal) -> None:
    provisioner, outputs, _ = rehearsal
    for service, spec in topology("rehearsal").queues.items():
        attributes = provisioner.sqs.get_queue_attributes(QueueUrl=outputs.queue_urls[service], AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(f":{spec.dead_letter_name}")
        assert int(redrive["maxReceiveCount"]) == spec.max_receive_count
        assert int(attributes["VisibilityTimeout"]) == spec.visibility_timeout_seconds


def test_the_tables_have_their_keys_ttl_and_index(rehearsal) -> None:
    provisioner, _, _ = rehearsal
    names = topology("rehearsal")
    checkpoints = provisioner.dynamodb.describe_table(TableName=names.checkpoints.name)["Table"]
    assert [key["AttributeName"] for key in checkpoints["KeySchema"]] == ["user_id", "run_id"]
    ttl = provisioner.dynamodb.describe_time_to_live(TableName=names.checkpoints.name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "ttl")
    library = provisioner.dynamodb.describe_table(TableName=names.library.name)["Table"]
    [index] = library["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "by_created_at"
    assert [key["AttributeName"] for key in index["KeySchema"]] == ["user_id", "created_at"]


def test_the_bucket_is_private_and_versioned(rehearsal) -> None:
    provisioner, outputs, _ = rehearsal
    block = provisioner.s3.get_public_access_block(Bucket=outputs.bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    # As on AWS, so what deletes a file locally also deletes its versions there.
    assert provisioner.s3.get_bucket_versioning(Bucket=outputs.bucket)["Status"] == "Enabled"


def test_only_an_operator_creates_accounts_and_the_user_can_sign_in(rehearsal, stack_definition: Stack) -> None:
    provisioner, outputs, _ = rehearsal
    pool = provisioner.cognito.describe_user_pool(UserPoolId=outputs.user_pool_id)["UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    client = provisioner.cognito.describe_user_pool_client(UserPoolId=outputs.user_pool_id, ClientId=outputs.client_id)["UserPoolClient"]
    assert "ClientSecret" not in client
    assert "ALLOW_USER_SRP_AUTH" in client["ExplicitAuthFlows"]
    signed_in = boto3.client("cognito-idp", endpoint_url=stack_definition.aws_endpoint, region_name=stack_definition.region).initiate_auth(
        ClientId=outputs.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "operator@nocomelon.local", "PASSWORD": "Rehearse4Real"},
    )
    assert signed_in["AuthenticationResult"]["TokenType"] == "Bearer"
    identity_pools = provisioner.identity.list_identity_pools(MaxResults=60)["IdentityPools"]
    assert [pool["IdentityPoolId"] for pool in identity_pools if pool["IdentityPoolName"] == "rehearsal-identity"] == [
        outputs.identity_pool_id
    ]
