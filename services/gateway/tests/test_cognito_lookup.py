"""The start-up lookup of the user pool and client, against the session's provisioned moto."""

import pytest

from devstack.provision import StackOutputs
from devstack.stack import Stack
from gateway.settings import GatewaySettings, with_cognito_ids


def test_a_gateway_without_ids_finds_the_provisioned_pool_and_client(stack_definition: Stack, stack_outputs: StackOutputs) -> None:
    found = with_cognito_ids(GatewaySettings(aws_endpoint_url=stack_definition.aws_endpoint, environment=stack_definition.environment))

    assert (found.cognito_user_pool_id, found.cognito_client_id) == (stack_outputs.user_pool_id, stack_outputs.client_id)


def test_ids_that_are_set_are_kept_without_asking_cognito() -> None:
    # No endpoint answers at this address, so a lookup would fail.
    settings = GatewaySettings(aws_endpoint_url="http://127.0.0.1:9", cognito_user_pool_id="us-east-1_pool", cognito_client_id="client")

    assert with_cognito_ids(settings) is settings


def test_an_unprovisioned_environment_stops_the_gateway_with_what_to_do(stack_definition: Stack) -> None:
    settings = GatewaySettings(aws_endpoint_url=stack_definition.aws_endpoint, environment="never-provisioned")

    with pytest.raises(SystemExit, match="no user pool named never-provisioned-users: provision first"):
        with_cognito_ids(settings)
