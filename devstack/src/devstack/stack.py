"""The local stack as real processes: moto server, provisioning, the four services.

`make run` and the integration tests both start it through this module, so
what the tests exercise is what a developer runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from devstack.generative_fake.openai_api import API_KEY as FAKE_API_KEY
from devstack.provision import Provisioner, StackOutputs
from nocomelon_cli.signin import DEMO_ACCOUNT, Credentials, password_sign_in
from shared.topology import topology

SERVICES = ("vision", "story", "media", "gateway")
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
# The parent's web app as `make run` builds it; the gateway serves it at / when it is there.
WEBAPP_DIR = Path(__file__).resolve().parents[3] / "frontend" / "dist"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode} before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answered at {url} within {timeout:.0f} s")


def answers(url: str) -> bool:
    try:
        wait_for_http(url, timeout=1)
    except (TimeoutError, RuntimeError):
        return False
    return True


def stop_process(process: subprocess.Popen, grace_seconds: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class LocalServer(ABC):
    """A server of the local stack in its own process, on its own port, logging to its own file."""

    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    ready_path = "/"  # answered once the server is up

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @abstractmethod
    def command(self) -> list[str]: ...

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log: IO[bytes] = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, env=self.environment())
        wait_for_http(f"{self.endpoint}{self.ready_path}", timeout=60, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace_seconds=5)


@dataclass
class LocalAws(LocalServer):
    """moto in server mode: one port for SNS, SQS, DynamoDB, S3 and Cognito (DynamoDB's requests each applied whole)."""

    ready_path = "/moto-api/"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "devstack.local_aws", "-H", "127.0.0.1", "-p", str(self.port)]

    def environment(self) -> dict[str, str]:
        return {**os.environ, **LOCAL_CREDENTIALS}


@dataclass
class GenerativeFake(LocalServer):
    """The fake of Bedrock Runtime, Polly and an OpenAI-compatible server (devstack/generative_fake), for the cloud providers."""

    ready_path = "/_fake/calls"
    realistic_latency: bool = False  # each answer about as slow as the real service's (the load benchmark)

    def command(self) -> list[str]:
        latency = ["--realistic-latency"] if self.realistic_latency else []
        return [sys.executable, "-m", "devstack.generative_fake", "--port", str(self.port), *latency]


@dataclass
class Stack:
    aws_endpoint: str
    gateway_port: int
    log_dir: Path
    environment: str = "nocomelon"
    region: str = "us-east-1"
    # Extra settings for every service, e.g. a short visibility timeout in tests.
    overrides: dict[str, str] = field(default_factory=dict)
    # Where the services find Bedrock Runtime and Polly (the generative fake's endpoint); unset, botocore finds AWS's.
    cloud_endpoint: str | None = None
    # Where each process writes its spans (shared.runtime.tracing); unset, beside the logs, in `traces/`.
    trace_dir: Path | None = None
    outputs: StackOutputs | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def traces(self) -> Path:
        return self.trace_dir or self.log_dir / "traces"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def provisioner(self) -> Provisioner:
        for name, value in LOCAL_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        return Provisioner(topology(self.environment), region=self.region, endpoint_url=self.aws_endpoint)

    def provision(self, demo_users: tuple[Credentials, ...] = (DEMO_ACCOUNT,)) -> StackOutputs:
        self.outputs = self.provisioner().provision(demo_users)
        return self.outputs

    def access_token(self, user: Credentials) -> str:
        """Signs the user in as the CLI does."""
        assert self.outputs is not None, "provision first"
        return password_sign_in(self.aws_endpoint, self.outputs.client_id, user)

    def service_environment(self) -> dict[str, str]:
        assert self.outputs is not None, "provision first"
        webapp = {"NOCOMELON_WEBAPP_DIR": str(WEBAPP_DIR)} if (WEBAPP_DIR / "index.html").is_file() else {}
        cloud: dict[str, str] = {}
        if self.cloud_endpoint:
            cloud = {f"AWS_ENDPOINT_URL_{name}": self.cloud_endpoint for name in ("BEDROCK_RUNTIME", "POLLY")}
            # The fake is also the OpenAI-compatible endpoint, unless one is given.
            cloud["NOCOMELON_OPENAI_BASE_URL"] = os.environ.get("NOCOMELON_OPENAI_BASE_URL", f"{self.cloud_endpoint}/v1")
            cloud["NOCOMELON_OPENAI_API_KEY"] = os.environ.get("NOCOMELON_OPENAI_API_KEY", FAKE_API_KEY)
        return {
            **os.environ,
            **LOCAL_CREDENTIALS,
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "AWS_REGION": self.region,
            "NOCOMELON_ENVIRONMENT": self.environment,
            "NOCOMELON_EVENTS_TOPIC_ARN": self.outputs.topic_arn,
            "NOCOMELON_COGNITO_USER_POOL_ID": self.outputs.user_pool_id,
            "NOCOMELON_COGNITO_CLIENT_ID": self.outputs.client_id,
            "NOCOMELON_COGNITO_PUBLIC_ENDPOINT": self.aws_endpoint,
            "NOCOMELON_COGNITO_SIGN_IN_FLOW": "USER_PASSWORD_AUTH",  # moto checks passwords only in this flow
            "NOCOMELON_GATEWAY_PORT": str(self.gateway_port),
            "PYTHONUNBUFFERED": "1",
            **webapp,
            **cloud,
            **self.overrides,
        }

    def start_service(self, service: str, name: str | None = None, settings: dict[str, str] | None = None) -> subprocess.Popen:
        """Starts one service process; `name` lets tests run a second worker of the same service, `settings` adds to its environment."""
        return self.start_module(name or service, service, settings=settings)

    def restart_service(self, service: str, settings: dict[str, str]) -> subprocess.Popen:
        """Stops a service's process and starts it again with other settings (another provider, say)."""
        if service in self.processes:
            stop_process(self.processes.pop(service))
        return self.start_service(service, settings=settings)

    def start_module(self, name: str, module: str, *arguments: str, settings: dict[str, str] | None = None) -> subprocess.Popen:
        """Runs `python -m module arguments` as one of the stack's processes (a service, or a test's faulty worker)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.log").open("ab")
        command = [sys.executable, "-m", module, *arguments]
        # The process's name (media-2, say) is its worker in a trace: which one took which scene.
        named = {"NOCOMELON_TRACE_DIR": str(self.traces.resolve()), "OTEL_RESOURCE_ATTRIBUTES": f"service.instance.id={name}"}
        environment = {**self.service_environment(), **named, **(settings or {})}
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
        self.processes[name] = process
        return process

    def start(self) -> None:
        for service in SERVICES:
            self.start_service(service)
        wait_for_http(f"{self.gateway_url}/health", timeout=60, process=self.processes["gateway"])

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            stop_process(process)
