"""Terraform is well-formed, and creates the messaging, tables and bucket versioning the local provisioner creates.

The provisioner's side is read back from the session's local AWS after
`Provisioner.provision()`; Terraform's side is evaluated from the `.tf` files
(tests/infrastructure/terraform.py). Both are reduced to the same plain
description, with ARNs reduced to the names they end in.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Literal

import boto3
import hcl2
import pytest

from devstack.stack import Stack
from gateway.settings import GatewaySettings
from tests.infrastructure.terraform import INFRASTRUCTURE, module, root


def terraform_files() -> list[Path]:
    return sorted(path for path in INFRASTRUCTURE.rglob("*.tf") if not {".terraform", ".venv"} & set(path.parts))


def test_terraform_is_formatted() -> None:
    terraform = shutil.which("terraform")
    assert terraform, "the terraform binary is needed for `terraform fmt`"
    result = subprocess.run([terraform, "fmt", "-check", "-recursive", "-diff", str(INFRASTRUCTURE)], capture_output=True, text=True)
    assert result.returncode == 0, f"run `terraform fmt -recursive infrastructure`:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("path", terraform_files(), ids=lambda path: str(path.relative_to(INFRASTRUCTURE)))
def test_every_file_parses(path: Path) -> None:
    with path.open() as file:
        assert hcl2.load(file)


def names_only(value: Any) -> Any:
    """ARNs reduced to their last segment (the resource's name), JSON strings parsed."""
    if isinstance(value, dict):
        return {key: names_only(item) for key, item in value.items()}
    if isinstance(value, list):
        return [names_only(item) for item in value]
    if isinstance(value, str) and value.startswith("arn:"):
        return value.rsplit(":", 1)[-1]
    return value


def provisioned(stack: Stack) -> dict[str, Any]:
    """What the local provisioner made, read back from the local AWS."""

    def client(service: Literal["sns", "sqs", "dynamodb", "s3"]) -> Any:
        return boto3.client(service, endpoint_url=stack.aws_endpoint, region_name=stack.region)

    sns, sqs, dynamodb, s3 = client("sns"), client("sqs"), client("dynamodb"), client("s3")
    topology = stack.provisioner().topology
    topic_arn = next(topic["TopicArn"] for topic in sns.list_topics()["Topics"] if topic["TopicArn"].endswith(f":{topology.topic}"))
    queues, subscriptions = {}, {}
    for spec in topology.queues.values():
        for name in (spec.name, spec.dead_letter_name):
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            redrive = json.loads(attributes["RedrivePolicy"]) if "RedrivePolicy" in attributes else None
            queues[name] = {
                "visibility_timeout": int(attributes["VisibilityTimeout"]) if redrive else None,
                "retention": int(attributes["MessageRetentionPeriod"]),
                "wait": int(attributes["ReceiveMessageWaitTimeSeconds"]) if redrive else None,
                "dead_letter": names_only(redrive["deadLetterTargetArn"]) if redrive else None,
                "max_receive_count": int(redrive["maxReceiveCount"]) if redrive else None,
                "policy": names_only(json.loads(attributes["Policy"])) if redrive else None,
            }
    for subscription in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]:
        attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"]
        subscriptions[names_only(subscription["Endpoint"])] = {
            "protocol": subscription["Protocol"],
            "filter_policy": json.loads(attributes["FilterPolicy"]),
            "raw": attributes["RawMessageDelivery"] == "true",
        }
    tables = {}
    for spec in topology.tables:
        table = dynamodb.describe_table(TableName=spec.name)["Table"]
        ttl = dynamodb.describe_time_to_live(TableName=spec.name)["TimeToLiveDescription"]
        tables[spec.name] = {
            "keys": {key["KeyType"]: key["AttributeName"] for key in table["KeySchema"]},
            "attributes": {attribute["AttributeName"]: attribute["AttributeType"] for attribute in table["AttributeDefinitions"]},
            "indexes": {
                index["IndexName"]: (
                    {key["KeyType"]: key["AttributeName"] for key in index["KeySchema"]},
                    index["Projection"]["ProjectionType"],
                )
                for index in table.get("GlobalSecondaryIndexes", [])
            },
            "billing": table["BillingModeSummary"]["BillingMode"],
            "ttl": ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") else None,
        }
    versioning = s3.get_bucket_versioning(Bucket=topology.bucket).get("Status")
    return {"topic": topology.topic, "queues": queues, "subscriptions": subscriptions, "tables": tables, "bucket_versioning": versioning}


def planned() -> dict[str, Any]:
    """What Terraform would create, evaluated from infrastructure/."""
    messaging, data = module("messaging"), module("data")
    topic = messaging.resource("aws_sns_topic", "events").instances[None]
    queues = {}
    for instance in messaging.resource("aws_sqs_queue", "dead_letter").instances.values():
        queues[instance["name"]] = dict.fromkeys(("visibility_timeout", "wait", "dead_letter", "max_receive_count", "policy")) | {
            "retention": instance["message_retention_seconds"]
        }
    policies = messaging.resource("aws_sqs_queue_policy", "only_the_topic").instances
    for key, instance in messaging.resource("aws_sqs_queue", "worker").instances.items():
        redrive = json.loads(instance["redrive_policy"])
        queues[instance["name"]] = {
            "visibility_timeout": instance["visibility_timeout_seconds"],
            "retention": instance["message_retention_seconds"],
            "wait": instance["receive_wait_time_seconds"],
            "dead_letter": names_only(redrive["deadLetterTargetArn"]),
            "max_receive_count": int(redrive["maxReceiveCount"]),
            "policy": names_only(json.loads(policies[key]["policy"])),
        }
    subscriptions = {
        names_only(instance["endpoint"]): {
            "protocol": instance["protocol"],
            "filter_policy": json.loads(instance["filter_policy"]),
            "raw": instance["raw_message_delivery"],
        }
        for instance in messaging.resource("aws_sns_topic_subscription", "worker").instances.values()
        if names_only(instance["topic_arn"]) == topic["name"]
    }
    tables = {}
    for instance in data.resource("aws_dynamodb_table", "this").instances.values():
        ttl = [block for block in instance.nested("ttl") if block["enabled"]]
        tables[instance["name"]] = {
            "keys": {"HASH": instance["hash_key"], "RANGE": instance["range_key"]},
            "attributes": {block["name"]: block["type"] for block in instance.nested("attribute")},
            "indexes": {
                block["name"]: ({"HASH": block["hash_key"], "RANGE": block["range_key"]}, block["projection_type"])
                for block in instance.nested("global_secondary_index")
            },
            "billing": instance["billing_mode"],
            "ttl": ttl[0]["attribute_name"] if ttl else None,
        }
    (versioning,) = module("storage").child("assets").resource("aws_s3_bucket_versioning", "this").instances.values()
    return {
        "topic": topic["name"],
        "queues": queues,
        "subscriptions": subscriptions,
        "tables": tables,
        "bucket_versioning": versioning.nested("versioning_configuration")[0]["status"],
    }


def test_terraform_creates_the_messaging_tables_and_bucket_versioning_the_provisioner_creates(stack_definition: Stack) -> None:
    local, cloud = provisioned(stack_definition), planned()

    assert cloud["topic"] == local["topic"]
    assert cloud["queues"] == local["queues"]
    assert cloud["subscriptions"] == local["subscriptions"]
    assert cloud["tables"] == local["tables"]
    # Deletes meet versions and delete markers locally as they do on AWS.
    assert cloud["bucket_versioning"] == local["bucket_versioning"] == "Enabled"


def test_the_default_environment_is_the_services_default() -> None:
    assert root().variables["environment"] == GatewaySettings().environment == Stack.environment


def test_terraform_names_the_bucket_and_pools_from_the_topology() -> None:
    topology = GatewaySettings().topology
    auth = module("auth").inputs
    assert module("storage").inputs["bucket_name"] == topology.bucket
    assert (auth["user_pool_name"], auth["client_name"], auth["identity_pool_name"]) == (
        topology.user_pool,
        topology.user_pool_client,
        topology.identity_pool,
    )
    assert auth["password_policy"] == topology.password_policy


def test_the_app_client_signs_in_with_srp_and_refresh_and_keeps_no_secret() -> None:
    client = module("auth", assets_bucket_arn="arn:aws:s3:::assets").resource("aws_cognito_user_pool_client", "app").instances[None]
    assert client["generate_secret"] is False
    assert set(client["explicit_auth_flows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def test_a_signed_in_parent_reads_only_files_under_their_user_pool_sub() -> None:
    auth = module("auth", assets_bucket_arn="arn:aws:s3:::nocomelon-assets")
    tags = auth.resource("aws_cognito_identity_pool_provider_principal_tag", "sub").instances[None]
    policy = json.loads(auth.resource("aws_iam_role_policy", "own_files").instances[None]["policy"])
    assert tags["principal_tags"] == {"sub": "sub"} and tags["use_defaults"] is False
    assert policy["Statement"] == [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::nocomelon-assets/${aws:PrincipalTag/sub}/*"}
    ]
