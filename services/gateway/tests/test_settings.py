from gateway.settings import GatewaySettings


def test_the_signing_keys_come_from_where_cognito_answers(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localstack:4566")
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://moto:5000/")
    settings = GatewaySettings(cognito_user_pool_id="us-east-1_pool")

    assert settings.cognito_jwks_url == "http://moto:5000/us-east-1_pool/.well-known/jwks.json"


def test_one_local_aws_serves_the_signing_keys_too(monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")

    assert (
        GatewaySettings(cognito_user_pool_id="us-east-1_pool").cognito_jwks_url
        == "http://127.0.0.1:4566/us-east-1_pool/.well-known/jwks.json"
    )


def test_on_aws_the_signing_keys_come_from_the_issuer(monkeypatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    settings = GatewaySettings(cognito_user_pool_id="eu-west-1_pool", aws_region="eu-west-1")

    assert settings.cognito_jwks_url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool/.well-known/jwks.json"
