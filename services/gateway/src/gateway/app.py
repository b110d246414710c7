"""The gateway application: the only public entry to NoComelon."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import Depends, FastAPI
from fastapi.responses import RedirectResponse

from gateway.auth.routes import router as auth_router
from gateway.auth.verifier import TokenVerifier
from gateway.dependencies import refuse_user_id_in_query
from gateway.errors import install_error_handlers
from gateway.library.routes import router as library_router
from gateway.library.service import LibraryService
from gateway.options.routes import router as options_router
from gateway.runs.routes import router as runs_router
from gateway.runs.service import RunService
from gateway.settings import GatewaySettings
from gateway.storage.routes import router as storage_router
from gateway.webapp import install_webapp
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore, DynamoLibraryStore
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
        async with aws_clients as aws, httpx.AsyncClient(timeout=10) as http:

            async def fetch_jwks() -> dict[str, Any]:
                response = await http.get(settings.cognito_jwks_url)
                response.raise_for_status()
                return response.json()

            checkpoints = DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name, settings.checkpoint_ttl_days)
            assets = S3AssetStore(aws.s3, settings.bucket, retention_tag=settings.topology.retention_tag)
            publisher = SnsEventPublisher(aws.sns, settings.topic_arn)
            app.state.settings = settings
            app.state.assets = assets
            app.state.runs = RunService(
                checkpoints=checkpoints, assets=assets, publisher=publisher, max_running_runs=settings.max_running_runs
            )
            app.state.library = LibraryService(
                checkpoints=checkpoints, library=DynamoLibraryStore(aws.dynamodb, settings.topology.library.name), assets=assets
            )
            app.state.verifier = TokenVerifier(fetch_jwks=fetch_jwks, issuer=settings.cognito_issuer, client_id=settings.cognito_client_id)
            yield

    app = FastAPI(title="NoComelon gateway", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(auth_router)
    for router in (runs_router, library_router, options_router, storage_router):
        app.include_router(router, dependencies=[Depends(refuse_user_id_in_query)])

    if settings.webapp_dir is None:
        app.add_api_route("/", _api_docs, include_in_schema=False)
    else:
        install_webapp(app, settings.webapp_dir)
    return app


async def _api_docs() -> RedirectResponse:
    """Without the web app, the home page is the API's own documentation."""
    return RedirectResponse("/docs")
