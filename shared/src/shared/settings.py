"""The one configuration object of every service, read from the environment.

Locally the defaults point at moto on 127.0.0.1:4566; on AWS the task
definitions set the same variables. Names of queues, tables and the bucket
come from the topology unless overridden.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.topology import Topology, topology


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOCOMELON_", extra="ignore")

    environment: str = Field(default="nocomelon", description="Prefix of every AWS resource name.")
    aws_region: str = Field(default="us-east-1", validation_alias=AliasChoices("NOCOMELON_AWS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"))
    # None means the real AWS endpoints; botocore also reads AWS_ENDPOINT_URL_<SERVICE> itself.
    aws_endpoint_url: str | None = Field(default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL"))
    # Cognito may answer elsewhere than the other services (compose: moto beside LocalStack); botocore's own variable names.
    cognito_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL")
    )
    aws_account_id: str = Field(default="123456789012", description="Moto's account; set from the task role on AWS.")

    events_topic_arn: str | None = None
    bucket_name: str | None = None
    checkpoint_ttl_days: int = 7

    cognito_user_pool_id: str = ""
    cognito_client_id: str = ""
    # Where a browser or the CLI reaches Cognito; None means the public AWS endpoint.
    cognito_public_endpoint: str | None = None
    # How the web app signs in: SRP on AWS (the app client allows nothing else). The local Cognito (moto) does not
    # check the password in SRP, so the local stack uses password auth, which its client allows.
    cognito_sign_in_flow: Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] = "USER_SRP_AUTH"

    # Worker tuning. A receive extends the message's visibility by this much,
    # and the heartbeat keeps extending it while the handler runs.
    visibility_timeout_seconds: int = 60
    receive_wait_seconds: int = 10
    worker_concurrency: int = 2

    vision_provider: str = "local"
    story_provider: str = "local"
    media_provider: str = "local"

    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    max_upload_bytes: int = 10 * 1024 * 1024
    presigned_url_expiry_seconds: int = 900
    # Runs of one parent being worked on at once; more get 429 so one account cannot flood the workers.
    max_running_runs: int = 3
    # Longest a client may hold GET /runs/{id}?wait= or the event stream open.
    max_wait_seconds: int = 60
    max_stream_seconds: int = 1800
    # The built single-page app the gateway serves at /; None serves the API only.
    webapp_dir: Path | None = None

    log_level: str = "INFO"

    @cached_property
    def topology(self) -> Topology:
        return topology(self.environment)

    @property
    def topic_arn(self) -> str:
        return self.events_topic_arn or f"arn:aws:sns:{self.aws_region}:{self.aws_account_id}:{self.topology.topic}"

    @property
    def bucket(self) -> str:
        return self.bucket_name or self.topology.bucket

    @property
    def cognito_issuer(self) -> str:
        # Moto issues tokens with the real-AWS issuer, so this holds locally too.
        return f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.cognito_user_pool_id}"

    @property
    def cognito_jwks_url(self) -> str:
        base = self.cognito_endpoint_url.rstrip("/") if self.cognito_endpoint_url else self.cognito_issuer.rsplit("/", 1)[0]
        return f"{base}/{self.cognito_user_pool_id}/.well-known/jwks.json"
