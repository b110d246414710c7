"""What the web app and the CLI learn before signing in: which pool, where, and how."""

from typing import Literal

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import GatewaySettings


@pytest.mark.parametrize("flow", ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"])
def test_the_sign_in_config_names_the_pool_and_how_to_sign_in(flow: Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH"]) -> None:
    settings = GatewaySettings(
        cognito_user_pool_id="eu-west-1_pool",
        cognito_client_id="client",
        aws_region="eu-west-1",
        cognito_public_endpoint=None,
        cognito_sign_in_flow=flow,
    )
    # No lifespan: nothing here reaches AWS.
    config = TestClient(create_app(settings)).get("/auth/config").json()

    assert config == {
        "region": "eu-west-1",
        "user_pool_id": "eu-west-1_pool",
        "client_id": "client",
        "cognito_endpoint": None,
        "sign_in_flow": flow,
    }


def test_on_aws_the_web_app_signs_in_with_srp(monkeypatch) -> None:
    monkeypatch.delenv("NOCOMELON_COGNITO_SIGN_IN_FLOW", raising=False)

    assert GatewaySettings().cognito_sign_in_flow == "USER_SRP_AUTH"
