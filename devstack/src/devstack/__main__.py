"""`python -m devstack run`: the whole of NoComelon on this machine (what `make run` calls).

`python -m devstack provision` provisions an already running local AWS (or,
with AWS_ENDPOINT_URL unset, the account the credentials point at).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from devstack.provision import Provisioner
from devstack.stack import WEBAPP_DIR, GenerativeFake, LocalAws, Stack, answers
from nocomelon_cli.signin import DEMO_ACCOUNT
from shared.runtime.settings import GatewayAddress, ServiceSettings
from shared.topology import topology

LOCAL_DIR = Path(".local")


def run(aws_port: int, gateway_port: int, fake_port: int | None) -> int:
    local_aws = LocalAws(port=aws_port, log_path=LOCAL_DIR / "logs" / "moto.log")
    if answers(f"{local_aws.endpoint}/moto-api/"):
        print(f"Using the local AWS already running at {local_aws.endpoint}")
    else:
        print(f"Starting the local AWS (moto) at {local_aws.endpoint} ...")
        local_aws.start()
    fake = GenerativeFake(port=fake_port, log_path=LOCAL_DIR / "logs" / "generative-fake.log") if fake_port else None
    if fake is not None:
        print(f"Starting the fake Bedrock Runtime and Polly at {fake.endpoint} ...")
        fake.start()
    stack = Stack(
        aws_endpoint=local_aws.endpoint,
        gateway_port=gateway_port,
        log_dir=LOCAL_DIR / "logs",
        trace_dir=LOCAL_DIR / "traces",  # where `nocomelon trace RUN_ID` looks first
        cloud_endpoint=fake.endpoint if fake else None,
    )
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        print("Provisioning queues, tables, bucket and user pool ...")
        stack.provision()
        print("Starting vision, story, media and gateway ...")
        stack.start()
        web_app = (
            f"Open {stack.gateway_url}/ in a browser to make a storybook."
            if (WEBAPP_DIR / "index.html").is_file()
            else "The web app is not built: `make run` builds it (frontend/dist)."
        )
        print(
            f"""
NoComelon is running at {stack.gateway_url}  (API docs: {stack.gateway_url}/docs)
  {web_app}
  Sign in as  {DEMO_ACCOUNT.email}  with password  {DEMO_ACCOUNT.password}
  Make a storybook from a drawing, in another shell:
    uv run nocomelon make ../shared/samples/image-002.jpg -o storybook.mp4
  Logs: {LOCAL_DIR / "logs"}/   A run's waterfall:  uv run nocomelon trace RUN_ID
  Press Ctrl-C to stop everything.
""",
            flush=True,
        )
        while not stopping:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; see {LOCAL_DIR / 'logs' / name}.log", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        print("Stopping ...", flush=True)
        stack.stop()
        if fake is not None:
            fake.stop()
        local_aws.stop()


def provision() -> int:
    settings = ServiceSettings()
    outputs = Provisioner(topology(settings.environment), region=settings.aws_region, endpoint_url=settings.aws_endpoint_url).provision(
        (DEMO_ACCOUNT,) if os.environ.get("NOCOMELON_DEMO_USER", "1") == "1" else ()
    )
    for name, value in vars(outputs).items():
        print(f"{name}={value}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser("run", help="local AWS, provisioning and the four services")
    run_command.add_argument("--aws-port", type=int, default=int(os.environ.get("NOCOMELON_AWS_PORT", "4566")))
    run_command.add_argument("--gateway-port", type=int, default=GatewayAddress().gateway_port)
    # NOCOMELON_GENERATIVE_FAKE=1: the cloud providers (bedrock, polly) talk to the local fake instead of AWS.
    fake_wanted = os.environ.get("NOCOMELON_GENERATIVE_FAKE", "0") == "1"
    run_command.add_argument(
        "--generative-fake-port", type=int, default=int(os.environ.get("NOCOMELON_GENERATIVE_FAKE_PORT", "4599")) if fake_wanted else None
    )
    commands.add_parser("provision", help="provision the AWS that AWS_ENDPOINT_URL points at")
    arguments = parser.parse_args()
    if arguments.command == "run":
        return run(arguments.aws_port, arguments.gateway_port, arguments.generative_fake_port)
    return provision()


if __name__ == "__main__":
    sys.exit(main())
