"""Async AWS clients (aioboto3), opened once per process and shared by the adapters.

`endpoint_url` is left to botocore when unset, so AWS_ENDPOINT_URL and the
per-service AWS_ENDPOINT_URL_<SERVICE> variables work as AWS documents them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import BotoCoreError, ClientError

from shared.domain.errors import DeleteIncomplete

log = logging.getLogger(__name__)

_CLIENT_CONFIG = AioConfig(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60)
CORE_SERVICES = ("s3", "sqs", "sns", "dynamodb")
# The generative services are found only through botocore's own variables (AWS_ENDPOINT_URL_POLLY,
# AWS_ENDPOINT_URL_BEDROCK_RUNTIME, then AWS_ENDPOINT_URL): locally they are a fake of their own, not moto.
_FOUND_BY_BOTOCORE = frozenset({"polly", "bedrock-runtime"})


class AwsClients:
    """The clients one process needs, closed together when the process stops."""

    def __init__(
        self, *, region: str, endpoint_url: str | None, services: tuple[str, ...] = CORE_SERVICES, model_read_timeout: float = 60
    ) -> None:
        self._region = region
        # A model's answer can take a while (a page of pictures, a whole story); past this it is asked again.
        self._model_config = _CLIENT_CONFIG.merge(AioConfig(read_timeout=model_read_timeout))
        self._endpoint_url = endpoint_url
        self._services = services
        self._stack = AsyncExitStack()
        self._clients: dict[str, Any] = {}

    async def __aenter__(self) -> AwsClients:
        # Clients are opened by name, so the per-service client types of the stubs do not apply; each adapter is given
        # its client as Any and tests (moto, botocore's models) hold the calls to the real API.
        session: Any = aioboto3.Session(region_name=self._region)
        for service in self._services:
            generative = service in _FOUND_BY_BOTOCORE
            self._clients[service] = await self._stack.enter_async_context(
                session.client(
                    service,
                    endpoint_url=None if generative else self._endpoint_url,
                    config=self._model_config if generative else _CLIENT_CONFIG,
                )
            )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stack.aclose()

    def __getattr__(self, service: str) -> Any:
        """`aws.s3`, and `aws.cognito_idp` for the service named cognito-idp."""
        try:
            return self._clients[service.replace("_", "-")]
        except KeyError:
            raise AttributeError(f"no {service} client was opened") from None


Item = TypeVar("Item")

DELETE_ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 0.2


async def delete_in_batches(
    items: Sequence[Item],
    delete_batch: Callable[[list[Item]], Awaitable[list[Item]]],
    *,
    batch_size: int,
    what: str,
    attempts: int = DELETE_ATTEMPTS,
    first_backoff_seconds: float = FIRST_BACKOFF_SECONDS,
) -> None:
    """Deletes the items batch by batch; `delete_batch` returns the ones AWS reported it could not delete.

    Batch deletes succeed in part (S3's `Errors`, DynamoDB's `UnprocessedItems`), and a whole batch can fail once
    botocore's own retries are spent: what is left is tried again, with a backoff that doubles, and whatever is still
    left after the last attempt raises DeleteIncomplete, so a failure is reported and never taken for success.
    """
    left = list(items)
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(first_backoff_seconds * 2 ** (attempt - 1))
        failed: list[Item] = []
        for start in range(0, len(left), batch_size):
            batch = left[start : start + batch_size]
            try:
                failed += await delete_batch(batch)
            except (BotoCoreError, ClientError) as error:
                log.warning("a batch delete failed; trying again", extra={"what": what, "items": len(batch), "error": repr(error)})
                failed += batch
        left = failed
        if not left:
            return
    log.error("delete incomplete", extra={"what": what, "remaining": len(left)})
    raise DeleteIncomplete(f"{len(left)} {what} could not be deleted", remaining=len(left))
