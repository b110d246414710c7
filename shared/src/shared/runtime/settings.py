"""Settings read from the environment: a small common base, and each kind of process's own.

Every service builds its settings class from these (gateway.settings,
vision.settings, ...). Locally `make run` sets the variables for moto; on
AWS the task definitions do. Names of queues, tables and the bucket come
from the topology unless overridden.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.domain.costs import DEFAULT_PRICES, ModelPrice, PriceTable
from shared.domain.events import Stage
from shared.domain.run import STAGE_BUDGET_SECONDS
from shared.runtime.tracing import DEFAULT_TRACE_DIR
from shared.topology import Topology, topology


class ServiceSettings(BaseSettings):
    """What every process of NoComelon needs: where AWS is, which environment, how to log."""

    model_config = SettingsConfigDict(env_prefix="NOCOMELON_", extra="ignore")

    environment: str = Field(default="nocomelon", description="Prefix of every AWS resource name.")
    aws_region: str = Field(default="us-east-1", validation_alias=AliasChoices("NOCOMELON_AWS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"))
    # None means the real AWS endpoints; botocore also reads AWS_ENDPOINT_URL_<SERVICE> itself.
    aws_endpoint_url: str | None = Field(default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL"))
    aws_account_id: str = Field(default="123456789012", description="Moto's account; set from the task role on AWS.")
    log_level: str = "INFO"
    # Where spans are written when no OTLP endpoint is set (shared.runtime.tracing), a file per process.
    trace_dir: Path = DEFAULT_TRACE_DIR

    # Every process reads runs, writes files and publishes events.
    events_topic_arn: str | None = None
    bucket_name: str | None = None
    checkpoint_ttl_days: int = 7
    # Each stage's time budget (JSON, e.g. {"video": 1200}); a stage not named keeps its default. Workers stop a
    # handler at its budget; the gateway's sweeper fails a run still running well past it.
    stage_budget_seconds: dict[Stage, int] = Field(default_factory=dict[Stage, int])

    @property
    def stage_budgets(self) -> dict[Stage, int]:
        return STAGE_BUDGET_SECONDS | self.stage_budget_seconds

    @cached_property
    def topology(self) -> Topology:
        return topology(self.environment)

    @property
    def topic_arn(self) -> str:
        return self.events_topic_arn or f"arn:aws:sns:{self.aws_region}:{self.aws_account_id}:{self.topology.topic}"

    @property
    def bucket(self) -> str:
        return self.bucket_name or self.topology.bucket


class WorkerSettings(ServiceSettings):
    """A queue worker's tuning. A receive hides the message for the visibility timeout,
    and the heartbeat keeps extending it while the handler runs."""

    visibility_timeout_seconds: int = 60
    receive_wait_seconds: int = 10
    # How many messages a worker has in hand at once. Unset: network_concurrency where its provider waits on the
    # network (a cloud model answers in seconds while the worker idles), else cpu_messages_at_once() (local work is
    # CPU work: one per core, or more where the worker's own core slots keep the CPU work to its cores).
    worker_concurrency: int | None = None
    network_concurrency: int = 8
    # How long a cloud model (Bedrock, Polly) may take to answer before botocore asks again (its standard retries).
    model_read_timeout_seconds: float = 60
    # When a cloud stage's answer cannot be used (refused, malformed twice, a model the account lacks): the offline
    # provider's result instead (true), or the stage fails with a message the parent can act on (false).
    cloud_fallback: bool = True
    # NOCOMELON_MODEL_PRICES: USD per model id (JSON), for each stage's cost estimate; it replaces the defaults.
    model_prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    # The OpenAI-compatible endpoint of the `openai` providers: OpenAI's, or a model server's (vLLM, llama.cpp, Ollama).
    openai_base_url: str = "https://api.openai.com/v1"
    # Secret: given to the SDK's client only, never logged, never in an error.
    openai_api_key: SecretStr = SecretStr("")
    # False for a server without the json_schema response format: the schema goes as a forced function call instead.
    openai_json_schema: bool = True

    def price_table(self) -> PriceTable:
        return PriceTable(self.model_prices)

    def cloud_services(self) -> tuple[str, ...]:
        """The AWS services this worker's providers call beyond the queues, files and runs ("polly", "bedrock-runtime")."""
        return ()

    def waits_on_network(self) -> bool:
        """Whether this worker's messages are mostly a wait on a cloud provider, rather than work for its CPU."""
        return False

    def cpu_messages_at_once(self) -> int:
        """Messages in hand when the work is this machine's: one per core, unless the worker shares its cores out itself."""
        return os.cpu_count() or 1

    @property
    def messages_at_once(self) -> int:
        if self.worker_concurrency is not None:
            return max(1, self.worker_concurrency)
        return self.network_concurrency if self.waits_on_network() else self.cpu_messages_at_once()


class GatewayAddress(BaseSettings):
    """Where the gateway listens: its own settings, and the health check that asks it."""

    model_config = SettingsConfigDict(env_prefix="NOCOMELON_", extra="ignore")

    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
