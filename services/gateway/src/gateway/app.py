"""The gateway application: the only public entry to NoComelon."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import Depends, FastAPI
from fastapi.responses import RedirectResponse

from gateway.account.routes import router as account_router
from gateway.account.service import AccountService
from gateway.auth.routes import router as auth_router
from gateway.auth.verifier import TokenVerifier, jwks_over_http
from gateway.dependencies import refuse_user_id_in_query
from gateway.errors import install_error_handlers
from gateway.guards import install_guards
from gateway.headers import install_path_checks, install_security_headers
from gateway.library.routes import router as library_router
from gateway.library.service import LibraryService
from gateway.options.routes import router as options_router
from gateway.runs.routes import router as runs_router
from gateway.runs.service import RunService
from gateway.runs.sweeper import RunSweeper
from gateway.runs.uploads import DrawingReader
from gateway.settings import GatewaySettings
from gateway.shares.page import install_share_pages
from gateway.shares.routes import router as shares_router
from gateway.shares.service import ShareService
from gateway.storage.routes import router as storage_router
from gateway.webapp import install_webapp
from shared.adapters.aws import AwsClients
from shared.adapters.cognito import CognitoUserAccounts
from shared.adapters.dynamodb import DynamoCheckpointStore, DynamoLibraryStore, DynamoRunPlaces, DynamoShareStore, DynamoUserRows
from shared.adapters.s3 import S3AssetStore
from shared.adapters.sns_sqs import SnsEventPublisher


def create_app(settings: GatewaySettings) -> FastAPI:
    if not (settings.cognito_user_pool_id and settings.cognito_client_id):
        raise SystemExit(
            "NOCOMELON_COGNITO_USER_POOL_ID and NOCOMELON_COGNITO_CLIENT_ID must be set: the gateway verifies every token against them"
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        aws_clients = AwsClients(region=settings.aws_region, endpoint_url=settings.aws_endpoint_url, services=("s3", "sns", "dynamodb"))
        # Cognito may answer elsewhere than the rest (compose: moto beside LocalStack).
        cognito_clients = AwsClients(region=settings.aws_region, endpoint_url=settings.cognito_endpoint_url, services=("cognito-idp",))
        async with aws_clients as aws, cognito_clients as cognito, httpx.AsyncClient(timeout=10) as http:
            checkpoints = DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name, settings.checkpoint_ttl_days)
            places = DynamoRunPlaces(aws.dynamodb, settings.topology.budgets.name, checkpoints=checkpoints)
            assets = S3AssetStore(aws.s3, settings.bucket, retention_tag=settings.topology.retention_tag)
            publisher = SnsEventPublisher(aws.sns, settings.topic_arn)
            app.state.settings = settings
            app.state.assets = assets
            app.state.drawings = DrawingReader(max_bytes=settings.max_upload_bytes, concurrency=settings.max_concurrent_decodes)
            app.state.runs = RunService(
                checkpoints=checkpoints,
                places=places,
                assets=assets,
                publisher=publisher,
                budget=settings.run_budget,
                languages=settings.languages,
                progress_poll_seconds=settings.progress_poll_seconds,
            )
            library = DynamoLibraryStore(aws.dynamodb, settings.topology.library.name)
            shares = DynamoShareStore(aws.dynamodb, settings.topology.shares.name)
            app.state.library = LibraryService(checkpoints=checkpoints, library=library, shares=shares, assets=assets)
            app.state.shares = ShareService(shares=shares, library=library, max_open_links=settings.max_open_links)
            app.state.account = AccountService(
                assets=assets,
                user_rows=DynamoUserRows(aws.dynamodb, settings.topology.tables),
                user_accounts=CognitoUserAccounts(cognito.cognito_idp, settings.cognito_user_pool_id),
            )
            sweeper = RunSweeper(
                checkpoints=checkpoints,
                publisher=publisher,
                stage_budgets=settings.stage_budgets,
                outbox_grace_seconds=settings.outbox_grace_seconds,
                stall_grace_seconds=settings.stall_grace_seconds,
            )
            stop_sweeping = asyncio.Event()
            sweeping = asyncio.create_task(sweeper.run(settings.sweep_every_seconds, stop_sweeping))
            app.state.verifier = TokenVerifier(
                fetch_jwks=jwks_over_http(http, settings.cognito_jwks_url),
                issuer=settings.cognito_issuer,
                client_id=settings.cognito_client_id,
            )
            try:
                yield
            finally:
                stop_sweeping.set()
                await sweeping

    # The docs page is the one install_security_headers serves, with its own policy; redoc and Swagger's OAuth
    # redirect would be two more pages of CDN scripts, for sign-in the API does not have (tokens are pasted).
    app = FastAPI(
        title="NoComelon gateway",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        telemetry={"exclude": untraced},
    )
    app.state.settings = settings
    install_guards(app, settings)
    install_path_checks(app)
    install_error_handlers(app)

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(auth_router)
    for router in (runs_router, library_router, shares_router, options_router, storage_router, account_router):
        app.include_router(router, dependencies=[Depends(refuse_user_id_in_query)])
    install_share_pages(app)

    if settings.webapp_dir is None:
        app.add_api_route("/", _api_docs, include_in_schema=False)
    else:
        install_webapp(app, settings.webapp_dir)
    install_security_headers(app, settings)
    return app


def untraced(scope: MutableMapping[str, Any]) -> bool:
    """Whether FastAPI leaves a request out of the traces: reads are left out. Polls, progress streams, health checks
    and the web app's files would each make a trace of their own, thousands an hour and none of them a run's; a
    request that changes something (a run started, a decision, a delete) is traced, and a run's trace starts in one."""
    return scope.get("type") == "http" and scope.get("method") in {"GET", "HEAD", "OPTIONS"}


async def _api_docs() -> RedirectResponse:
    """Without the web app, the home page is the API's own documentation."""
    return RedirectResponse("/docs")
