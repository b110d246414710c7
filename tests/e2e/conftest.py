"""Parents signed in through Cognito, and a spy on the topic, for the tests
over HTTP; the system itself (`stack`) is tests/conftest.py's, shared."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest

from devstack.provision import StackOutputs
from devstack.stack import Stack
from nocomelon_cli.signin import DEMO_ACCOUNT, Credentials
from tests.e2e.system import Parent, SpyQueue, sign_in


@pytest.fixture(scope="session")
def parent(stack: Stack) -> Parent:
    return sign_in(stack, DEMO_ACCOUNT)


@pytest.fixture(scope="session")
def other_parent(stack: Stack) -> Parent:
    return sign_in(stack, Credentials(email="other.parent@nocomelon.local", password="Another4Family"))


@pytest.fixture(scope="package")
def spy(stack: Stack, stack_outputs: StackOutputs) -> Iterator[SpyQueue]:
    """Subscribed while the e2e tests run only: later tests compare the topic's subscriptions with Terraform's."""
    sqs = boto3.client("sqs", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    sns = boto3.client("sns", endpoint_url=stack.aws_endpoint, region_name=stack.region)
    url = sqs.create_queue(QueueName=f"spy-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=stack_outputs.topic_arn, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    yield SpyQueue(sqs, url)
    sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    sqs.delete_queue(QueueUrl=url)
