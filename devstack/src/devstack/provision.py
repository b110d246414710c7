"""Creates everything NoComelon needs in an AWS account, idempotently.

Locally it runs against moto; `compose.yml` runs it against LocalStack; the
names all come from the topology that Terraform reads too. Running it twice
changes nothing the first run made (it converges attributes instead).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

from nocomelon_cli.signin import Credentials
from shared.adapters.cognito import find_client_id, find_user_pool_id
from shared.topology import QueueSpec, TableSpec, Topology

log = logging.getLogger(__name__)

CLIENT_AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@dataclass(frozen=True)
class StackOutputs:
    region: str
    topic_arn: str
    bucket: str
    user_pool_id: str
    client_id: str
    identity_pool_id: str
    queue_urls: dict[str, str]
    dead_letter_urls: dict[str, str]


class Provisioner:
    def __init__(self, topology: Topology, *, region: str, endpoint_url: str | None) -> None:
        self.topology = topology
        self.region = region

        session = boto3.session.Session(region_name=region)
        self.sns, self.sqs = session.client("sns", endpoint_url=endpoint_url), session.client("sqs", endpoint_url=endpoint_url)
        self.dynamodb, self.s3 = session.client("dynamodb", endpoint_url=endpoint_url), session.client("s3", endpoint_url=endpoint_url)
        self.cognito = session.client("cognito-idp", endpoint_url=endpoint_url)
        self.identity = session.client("cognito-identity", endpoint_url=endpoint_url)

    def provision(self, demo_users: tuple[Credentials, ...] = ()) -> StackOutputs:
        topic_arn = self.sns.create_topic(Name=self.topology.topic)["TopicArn"]
        queue_urls, dead_letter_urls = {}, {}
        for service, spec in self.topology.queues.items():
            queue_urls[service], dead_letter_urls[service] = self._queue(spec, topic_arn)
        for table in self.topology.tables:
            self._table(table)
        self._bucket()
        user_pool_id, client_id = self._user_pool()
        identity_pool_id = self._identity_pool(user_pool_id, client_id)
        for user in demo_users:
            self.ensure_user(user_pool_id, user)
        return StackOutputs(
            region=self.region,
            topic_arn=topic_arn,
            bucket=self.topology.bucket,
            user_pool_id=user_pool_id,
            client_id=client_id,
            identity_pool_id=identity_pool_id,
            queue_urls=queue_urls,
            dead_letter_urls=dead_letter_urls,
        )

    def _queue_arn(self, url: str) -> str:
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def _queue(self, spec: QueueSpec, topic_arn: str) -> tuple[str, str]:
        dead_letter_url = self.sqs.create_queue(QueueName=spec.dead_letter_name)["QueueUrl"]
        self.sqs.set_queue_attributes(
            QueueUrl=dead_letter_url,
            Attributes={"MessageRetentionPeriod": str(self.topology.dead_letter_retention_seconds)},
        )
        queue_url = self.sqs.create_queue(QueueName=spec.name)["QueueUrl"]
        queue_arn = self._queue_arn(queue_url)
        only_the_topic = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
        self.sqs.set_queue_attributes(
            QueueUrl=queue_url,
            Attributes={
                "VisibilityTimeout": str(spec.visibility_timeout_seconds),
                "MessageRetentionPeriod": str(self.topology.message_retention_seconds),
                "ReceiveMessageWaitTimeSeconds": "20",
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": self._queue_arn(dead_letter_url), "maxReceiveCount": spec.max_receive_count}
                ),
                "Policy": json.dumps(only_the_topic),
            },
        )
        self._subscription(topic_arn, queue_arn, spec)
        return queue_url, dead_letter_url

    def _subscription(self, topic_arn: str, queue_arn: str, spec: QueueSpec) -> None:
        attributes = {"FilterPolicy": json.dumps(spec.filter_policy), "RawMessageDelivery": "true"}
        paginator = self.sns.get_paginator("list_subscriptions_by_topic")
        for page in paginator.paginate(TopicArn=topic_arn):
            for subscription in page["Subscriptions"]:
                if subscription["Endpoint"] == queue_arn:
                    for name, value in attributes.items():
                        self.sns.set_subscription_attributes(
                            SubscriptionArn=subscription["SubscriptionArn"], AttributeName=name, AttributeValue=value
                        )
                    return
        self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)

    def _table(self, spec: TableSpec) -> None:
        try:
            self.dynamodb.describe_table(TableName=spec.name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            self.dynamodb.create_table(**table_definition(spec))
            self.dynamodb.get_waiter("table_exists").wait(TableName=spec.name)
        if spec.ttl_attribute:
            ttl = self.dynamodb.describe_time_to_live(TableName=spec.name)["TimeToLiveDescription"]
            if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                self.dynamodb.update_time_to_live(
                    TableName=spec.name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
                )

    def _bucket(self) -> None:
        try:
            self.s3.head_bucket(Bucket=self.topology.bucket)
        except ClientError:
            if self.region == "us-east-1":
                self.s3.create_bucket(Bucket=self.topology.bucket)
            else:
                self.s3.create_bucket(Bucket=self.topology.bucket, CreateBucketConfiguration={"LocationConstraint": self.region})
        # Versioned, as Terraform's private_bucket makes it: deletes here meet the versions and delete markers they meet on AWS.
        self.s3.put_bucket_versioning(Bucket=self.topology.bucket, VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_public_access_block(
            Bucket=self.topology.bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )

    def _user_pool(self) -> tuple[str, str]:
        pool_id = find_user_pool_id(self.cognito, self.topology.user_pool)
        if pool_id is None:
            pool_id = self.cognito.create_user_pool(
                PoolName=self.topology.user_pool,
                UsernameAttributes=["email"],
                AutoVerifiedAttributes=["email"],
                # The seed's password policy, which Terraform reads from the topology too; accounts are created by an operator only.
                Policies={"PasswordPolicy": self.topology.password_policy},
                AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
                AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            )["UserPool"]["Id"]
        client_id = find_client_id(self.cognito, pool_id, self.topology.user_pool_client)
        if client_id is None:
            client_id = self.cognito.create_user_pool_client(
                UserPoolId=pool_id,
                ClientName=self.topology.user_pool_client,
                GenerateSecret=False,
                ExplicitAuthFlows=CLIENT_AUTH_FLOWS,
            )["UserPoolClient"]["ClientId"]
        return pool_id, client_id

    def _identity_pool(self, user_pool_id: str, client_id: str) -> str:
        for pool in self._all(self.identity, "list_identity_pools", "IdentityPools", MaxResults=60):
            if pool["IdentityPoolName"] == self.topology.identity_pool:
                return pool["IdentityPoolId"]
        return self.identity.create_identity_pool(
            IdentityPoolName=self.topology.identity_pool,
            AllowUnauthenticatedIdentities=False,
            CognitoIdentityProviders=[
                {
                    "ClientId": client_id,
                    "ProviderName": f"cognito-idp.{self.region}.amazonaws.com/{user_pool_id}",
                    "ServerSideTokenCheck": False,
                }
            ],
        )["IdentityPoolId"]

    def ensure_user(self, user_pool_id: str, user: Credentials) -> str:
        """Creates the account (as an operator would) with a permanent password; returns its sub."""
        try:
            existing = self.cognito.admin_get_user(UserPoolId=user_pool_id, Username=user.email)
        except self.cognito.exceptions.UserNotFoundException:
            self.cognito.admin_create_user(
                UserPoolId=user_pool_id,
                Username=user.email,
                UserAttributes=[{"Name": "email", "Value": user.email}, {"Name": "email_verified", "Value": "true"}],
                MessageAction="SUPPRESS",
            )
            self.cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=user.email, Password=user.password, Permanent=True)
            existing = self.cognito.admin_get_user(UserPoolId=user_pool_id, Username=user.email)
        return next(attribute["Value"] for attribute in existing["UserAttributes"] if attribute["Name"] == "sub")

    @staticmethod
    def _all(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
        items, token = [], None
        while True:
            response = getattr(client, operation)(**kwargs, **({"NextToken": token} if token else {}))
            items += response.get(key, [])
            token = response.get("NextToken")
            if not token:
                return items


def table_definition(spec: TableSpec) -> dict[str, Any]:
    key_names = {spec.hash_key, spec.range_key} | {name for keys in spec.indexes.values() for name in keys}
    definition: dict[str, Any] = {
        "TableName": spec.name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in sorted(key_names)],
        "KeySchema": [{"AttributeName": spec.hash_key, "KeyType": "HASH"}, {"AttributeName": spec.range_key, "KeyType": "RANGE"}],
    }
    if spec.indexes:
        definition["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index,
                "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"}, {"AttributeName": range_key, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, (hash_key, range_key) in spec.indexes.items()
        ]
    return definition
