"""Async AWS clients (aioboto3), opened once per process and shared by the adapters.

`endpoint_url` is left to botocore when unset, so AWS_ENDPOINT_URL and the
per-service AWS_ENDPOINT_URL_<SERVICE> variables work as AWS documents them.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

import aioboto3
from aiobotocore.config import AioConfig

_CLIENT_CONFIG = AioConfig(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)


class AwsClients:
    """The clients one process needs, closed together when the process stops."""

    def __init__(self, *, region: str, endpoint_url: str | None, services: tuple[str, ...] = ("s3", "sqs", "sns", "dynamodb")) -> None:
        self._region = region
        self._endpoint_url = endpoint_url
        self._services = services
        self._stack = AsyncExitStack()
        self._clients: dict[str, Any] = {}

    async def __aenter__(self) -> AwsClients:
        # Clients are opened by name, so the per-service client types of the stubs do not apply; each adapter is given
        # its client as Any and tests (moto, botocore's models) hold the calls to the real API.
        session: Any = aioboto3.Session(region_name=self._region)
        for service in self._services:
            self._clients[service] = await self._stack.enter_async_context(
                session.client(service, endpoint_url=self._endpoint_url, config=_CLIENT_CONFIG)
            )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stack.aclose()

    def __getattr__(self, service: str) -> Any:
        try:
            return self._clients[service]
        except KeyError:
            raise AttributeError(f"no {service} client was opened") from None
