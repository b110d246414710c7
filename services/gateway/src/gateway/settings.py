"""The gateway's settings: where it listens, Cognito, and the limits it holds parents to."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import boto3
from pydantic import AliasChoices, Field

from shared.adapters.cognito import AppClientNotFound, find_app_client
from shared.domain.models import Language
from shared.domain.options import offered_languages
from shared.domain.run import RunBudget
from shared.runtime.settings import GatewayAddress, ServiceSettings


class GatewaySettings(ServiceSettings, GatewayAddress):
    # Cognito may answer elsewhere than the other services (compose: moto beside LocalStack); botocore's own variable names.
    cognito_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL")
    )
    cognito_user_pool_id: str = ""
    cognito_client_id: str = ""
    # Where a browser or the CLI reaches Cognito; None means the public AWS endpoint.
    cognito_public_endpoint: str | None = None
    # How the web app signs in: SRP on AWS (the app client allows nothing else). The local Cognito (moto) does not
    # check the password in SRP, so the local stack uses password auth, which its client allows.
    cognito_sign_in_flow: Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] = "USER_SRP_AUTH"

    # The providers the workers run (the same NOCOMELON_STORY_PROVIDER and NOCOMELON_VOICE_PROVIDER they read), so the
    # options offer, and the runs accept, only the languages both the writer and the voice have.
    story_provider: Literal["local", "bedrock", "openai"] = "local"
    voice_provider: Literal["local", "polly", "openai"] = "local"

    @property
    def languages(self) -> list[Language]:
        return offered_languages(self.story_provider, self.voice_provider)

    max_upload_bytes: int = 10 * 1024 * 1024
    # Any other request body (a script, an analysis) is small; a larger one is refused while it streams in.
    max_json_body_bytes: int = 256 * 1024
    # Uploads decoded at once: each takes a core for a moment and up to a few hundred MB.
    max_concurrent_decodes: int = 2
    presigned_url_expiry_seconds: int = 900
    # Runs of one parent being worked on or waiting at a gate at once, and started (or restarted) per day (UTC);
    # more get 429 so one account cannot flood the workers.
    max_running_runs: int = 3
    max_runs_per_day: int = 30

    @property
    def run_budget(self) -> RunBudget:
        return RunBudget(max_active=self.max_running_runs, max_per_day=self.max_runs_per_day)

    # Longest a client may hold GET /runs/{id}?wait= or the event stream open.
    max_wait_seconds: int = 60
    max_stream_seconds: int = 1800
    # How often a progress stream or a long poll reads its run again. Each read is a table read per run followed
    # (SharedReads), so this is what 100 open streams cost DynamoDB; a second is as often as a progress bar needs.
    progress_poll_seconds: float = 1.0
    # The sweeper: how often it looks, how long an outbox may wait for its own gateway to publish it, and how long
    # past its stage's budget a run may stay running before it is failed as stalled.
    sweep_every_seconds: float = 30
    outbox_grace_seconds: float = 30
    stall_grace_seconds: float = 120
    # Family links: how many open links a parent may have at once, how often one client (an address) may open share
    # pages and their media per minute, where family open them (None: the address the parent's request came to), and
    # how many proxies in front of the gateway add themselves to X-Forwarded-For (AWS: CloudFront, then the ALB).
    max_open_links: int = 20
    share_requests_per_minute: int = 120
    public_url: str | None = None
    forwarded_hops: int = 0
    # The built single-page app the gateway serves at /; None serves the API only.
    webapp_dir: Path | None = None
    # Strict-Transport-Security on every answer, where parents reach the gateway over HTTPS only (AWS);
    # 0 sends none, as on plain-http localhost, where a browser would then refuse every local port's http.
    hsts_max_age_seconds: int = 0

    @property
    def cognito_issuer(self) -> str:
        # Moto issues tokens with the real-AWS issuer, so this holds locally too.
        return f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.cognito_user_pool_id}"

    @property
    def cognito_jwks_url(self) -> str:
        base = self.cognito_endpoint_url.rstrip("/") if self.cognito_endpoint_url else self.cognito_issuer.rsplit("/", 1)[0]
        return f"{base}/{self.cognito_user_pool_id}/.well-known/jwks.json"


def with_cognito_ids(settings: GatewaySettings) -> GatewaySettings:
    """The settings, with the pool and client ids looked up by their topology names when they are not set."""
    if settings.cognito_user_pool_id and settings.cognito_client_id:
        return settings
    cognito = boto3.client("cognito-idp", region_name=settings.aws_region, endpoint_url=settings.cognito_endpoint_url)
    try:
        pool_id, client_id = find_app_client(
            cognito, user_pool_name=settings.topology.user_pool, client_name=settings.topology.user_pool_client
        )
    except AppClientNotFound as error:
        raise SystemExit(
            f"{error}: provision first (`python -m devstack provision`), or set NOCOMELON_COGNITO_USER_POOL_ID and NOCOMELON_COGNITO_CLIENT_ID"
        ) from None
    return settings.model_copy(update={"cognito_user_pool_id": pool_id, "cognito_client_id": client_id})
