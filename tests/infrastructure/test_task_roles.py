"""Each task role grants what its service's code calls, and nothing more.

services.json lists each service's permissions; the compute module turns them
into the task role's only policy. The code side is derived by reading the
code (tests/infrastructure/aws_calls.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from shared.topology import raw_topology
from tests.infrastructure.aws_calls import actions_of, asset_folders_named, model_actions_of
from tests.infrastructure.terraform import INFRASTRUCTURE, module

SERVICES = json.loads((INFRASTRUCTURE / "services.json").read_text())["services"]
BUCKET_ARN = "arn:aws:s3:::nocomelon-assets"
USER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_pool"
# The start-up lookup (shared/cognito.py) runs only when the pool and client ids are not set; the task definition sets them.
ONLY_WITHOUT_COGNITO_IDS = {"cognito-idp:ListUserPools", "cognito-idp:ListUserPoolClients"}
WRITES = {"s3:PutObject"}
# Deletes remove versions by id: a plain DeleteObject on a versioned bucket only hides the object behind a marker.
DELETES = {"s3:DeleteObjectVersion", "s3:DeleteObject"}


APP_URL = "https://stories.example.com"  # https:// and the root's app_domain, which has no default
ACCOUNT = "aws_caller_identity:current:account_id"  # the evaluator's stand-in for the account the task runs in
ON_AWS = {"vision": "bedrock", "story": "bedrock", "illustration": "bedrock", "voice": "polly"}
MODELS = {"vision": "amazon.nova-pro-v1:0", "story": "us.amazon.nova-lite-v1:0", "illustration": "amazon.nova-canvas-v1:0"}


def compute(**settings: Any) -> Any:
    queues = raw_topology()["queues"]
    return module(
        "compute",
        topic_arn="arn:aws:sns:us-east-1:123456789012:nocomelon-events",
        queue_arns={name: f"arn:aws:sqs:us-east-1:123456789012:nocomelon-{name}" for name in queues},
        dead_letter_arns={name: f"arn:aws:sqs:us-east-1:123456789012:nocomelon-{name}-dlq" for name in queues},
        table_arns={name: f"arn:aws:dynamodb:us-east-1:123456789012:table/nocomelon-{name}" for name in raw_topology()["tables"]},
        assets_bucket="nocomelon-assets",
        assets_bucket_arn=BUCKET_ARN,
        user_pool_id="us-east-1_pool",
        user_pool_arn=USER_POOL_ARN,
        client_id="client",
        image_tag="0123abc",
        app_url=APP_URL,
        **settings,
    )


def declared_actions(service: str) -> set[str]:
    return {action for grant in SERVICES[service]["permissions"] for action in grant["actions"]}


def task_policy(service: str, **settings: Any) -> dict[str, Any]:
    return json.loads(compute(**settings).resource("aws_iam_role_policy", "task").instances[service]["policy"])


def model_grants(service: str, **settings: Any) -> list[tuple[list[str], list[str]]]:
    statements = task_policy(service, **settings)["Statement"]
    return [
        (statement["Action"], statement["Resource"])
        for statement in statements
        if statement["Action"][0].startswith(("bedrock:", "polly:"))
    ]


def test_every_service_has_a_task_role_and_only_those() -> None:
    assert set(compute().resource("aws_iam_role", "task").instances) == set(SERVICES) == {"gateway", *raw_topology()["queues"]}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_declared_permissions_are_what_the_code_calls(service: str) -> None:
    called = actions_of(service)
    expected = set(called) - (ONLY_WITHOUT_COGNITO_IDS if service == "gateway" else set())
    unused = declared_actions(service) - expected
    missing = {action: sorted(called[action]) for action in expected - declared_actions(service)}
    assert not unused, f"{service} is granted {sorted(unused)} but its code never calls them"
    assert not missing, f"{service}'s code calls actions services.json does not grant: {missing}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_task_role_policy_is_exactly_the_declared_permissions(service: str) -> None:
    statements = task_policy(service)["Statement"]
    assert [statement["Action"] for statement in statements] == [grant["actions"] for grant in SERVICES[service]["permissions"]]
    assert all(statement["Effect"] == "Allow" and "*" not in statement["Resource"] for statement in statements)
    assert all(":*" not in action for statement in statements for action in statement["Action"])


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_writes_only_the_asset_folders_its_code_names(service: str) -> None:
    written = {
        resource.removeprefix(f"{BUCKET_ARN}/").split("/")[1]
        for statement in task_policy(service)["Statement"]
        if set(statement["Action"]) & WRITES
        for resource in statement["Resource"]
    }
    assert written == asset_folders_named(service)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_only_the_gateway_deletes_files_and_only_every_version_of_them(service: str) -> None:
    deleting = [statement for statement in task_policy(service)["Statement"] if set(statement["Action"]) & DELETES]
    if service != "gateway":
        assert deleting == []
        return
    # A parent's account is deleted with every file under their prefix, whatever its folder: so anywhere in the bucket.
    assert [(statement["Action"], statement["Resource"]) for statement in deleting] == [(["s3:DeleteObjectVersion"], [f"{BUCKET_ARN}/*"])]


def test_the_gateway_deletes_accounts_of_the_app_s_user_pool_only() -> None:
    statements = task_policy("gateway")["Statement"]
    assert [statement["Resource"] for statement in statements if any(a.startswith("cognito-idp:") for a in statement["Action"])] == [
        [USER_POOL_ARN]
    ]


def test_workers_touch_only_their_own_queues() -> None:
    for service in raw_topology()["queues"]:
        queues = {
            resource.rsplit(":", 1)[-1]
            for statement in task_policy(service)["Statement"]
            for resource in statement["Resource"]
            if resource.startswith("arn:aws:sqs")
        }
        assert queues == {f"nocomelon-{service}", f"nocomelon-{service}-dlq"}


def test_nothing_else_is_attached_to_a_task_role() -> None:
    configuration = compute()
    task_roles = {instance["arn"] for instance in configuration.resource("aws_iam_role", "task").instances.values()}
    attaching = {
        f"{kind}.{name}"
        for (kind, name) in configuration.module.resources
        if kind in ("aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment")
        for instance in configuration.resource(kind, name).instances.values()
        if f"arn:aws_iam_role:{instance['role'].rsplit(':', 1)[-1]}" in task_roles
    }
    assert attaching == {"aws_iam_role_policy.task", "aws_iam_role_policy.telemetry_export"}  # the code's, the collector's


X_RAY_WRITES = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
EMF_WRITES = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_beside_each_service_the_adot_collector_takes_its_spans_to_x_ray_and_its_metrics_to_cloudwatch(service: str) -> None:
    configuration = compute()
    code, collector = json.loads(configuration.resource("aws_ecs_task_definition", "service").instances[service]["container_definitions"])
    assert collector["name"] == "telemetry-collector" and collector["essential"] is False  # it stopping loses spans, not storybooks
    assert collector["image"].startswith("public.ecr.aws/aws-observability/aws-otel-collector:v")
    assert collector["readonlyRootFilesystem"] and "command" not in collector
    (setting,) = collector["environment"]
    assert setting["name"] == "AOT_CONFIG_CONTENT"  # where ADOT reads its whole configuration
    config = yaml.safe_load(setting["value"])
    assert config["receivers"]["otlp"]["protocols"] == {"http": {"endpoint": "localhost:4318"}}  # the task's containers only
    assert config["service"]["pipelines"] == {
        "traces": {"receivers": ["otlp"], "processors": ["batch"], "exporters": ["awsxray"]},
        "metrics": {"receivers": ["otlp"], "processors": ["batch"], "exporters": ["awsemf"]},
    }
    assert collector["logConfiguration"]["options"]["awslogs-group"] == code["logConfiguration"]["options"]["awslogs-group"]
    assert code["dependsOn"] == [{"containerName": "telemetry-collector", "condition": "START"}]
    environment = {item["name"]: item["value"] for item in code["environment"]}
    assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://localhost:4318"  # the ADOT default config's OTLP/HTTP port
    policy = json.loads(configuration.resource("aws_iam_role_policy", "telemetry_export").instances[service]["policy"])
    metrics_group = configuration.resource("aws_cloudwatch_log_group", "application_metrics").instances[None]
    assert metrics_group["name"] == config["exporters"]["awsemf"]["log_group_name"] == "/ecs/nocomelon/metrics"  # the environment's own
    assert config["exporters"]["awsemf"]["namespace"] == "NoComelon/nocomelon"
    assert [(statement["Action"], statement["Resource"]) for statement in policy["Statement"]] == [
        (X_RAY_WRITES, "*"),
        (EMF_WRITES, f"{metrics_group['arn']}:*"),
    ]


def test_the_gateway_task_is_given_the_cognito_ids_so_it_never_looks_them_up() -> None:
    environment = compute().local("service_environment")["gateway"]
    assert environment["NOCOMELON_COGNITO_USER_POOL_ID"] == "us-east-1_pool"
    assert environment["NOCOMELON_COGNITO_CLIENT_ID"] == "client"


def test_offline_no_task_may_call_a_model() -> None:
    assert all(model_grants(service) == [] for service in SERVICES)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_on_the_cloud_each_service_may_call_what_its_code_calls_and_nothing_more(service: str) -> None:
    granted = {action for actions, _ in model_grants(service, stage_providers=ON_AWS, bedrock_models=MODELS) for action in actions}
    assert granted == set(model_actions_of(service))


def test_bedrock_is_granted_only_on_the_configured_models_and_profiles() -> None:
    settings = {"stage_providers": ON_AWS, "bedrock_models": MODELS}
    account = f"arn:aws:bedrock:us-east-1:{ACCOUNT}"
    assert model_grants("vision", **settings) == [
        (["bedrock:InvokeModel"], ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"])
    ]
    # A cross-region inference profile, and its model in the regions it routes to.
    assert model_grants("story", **settings) == [
        (
            ["bedrock:InvokeModel"],
            [f"{account}:inference-profile/us.amazon.nova-lite-v1:0", "arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0"],
        )
    ]
    assert model_grants("media", **settings) == [
        (["bedrock:InvokeModel"], ["arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-canvas-v1:0"]),
        (["polly:SynthesizeSpeech"], [f"arn:aws:polly:us-east-1:{ACCOUNT}:lexicon/*"]),
        (["polly:DescribeVoices"], ["*"]),  # a read of Polly's voice list, which has no resource to name
    ]


def test_a_stage_left_offline_grants_nothing_for_it() -> None:
    story_only = {"stage_providers": {**{stage: "local" for stage in ON_AWS}, "story": "bedrock"}}
    assert [service for service in sorted(SERVICES) if model_grants(service, **story_only)] == ["story"]


def test_every_task_is_told_its_own_stages_providers_and_models() -> None:
    environment = compute(stage_providers=ON_AWS, bedrock_models=MODELS).local("service_environment")
    assert (
        environment["vision"]["NOCOMELON_VISION_PROVIDER"] == "bedrock"
        and environment["vision"]["NOCOMELON_BEDROCK_VISION_MODEL"] == MODELS["vision"]
    )
    assert environment["story"]["NOCOMELON_BEDROCK_STORY_MODEL"] == MODELS["story"]
    assert (environment["media"]["NOCOMELON_ILLUSTRATION_PROVIDER"], environment["media"]["NOCOMELON_VOICE_PROVIDER"]) == (
        "bedrock",
        "polly",
    )
    # The gateway offers the languages of the writer and the voice it is told of.
    assert (environment["gateway"]["NOCOMELON_STORY_PROVIDER"], environment["gateway"]["NOCOMELON_VOICE_PROVIDER"]) == ("bedrock", "polly")


ON_OPENAI_STORY = {"stage_providers": {**{stage: "local" for stage in ON_AWS}, "story": "openai"}}


def container(service: str, **settings: Any) -> dict[str, Any]:
    definition = compute(**settings).resource("aws_ecs_task_definition", "service").instances[service]["container_definitions"]
    return json.loads(definition)[0]


def secret_reads(service: str, **settings: Any) -> list[Any]:
    policy = json.loads(compute(**settings).resource("aws_iam_role_policy", "execution").instances[service]["policy"])
    return [statement["Resource"] for statement in policy["Statement"] if statement["Action"] == "secretsmanager:GetSecretValue"]


def test_offline_there_is_no_api_key_secret_and_no_task_is_given_one() -> None:
    assert compute().resource("aws_secretsmanager_secret", "openai_api_key").instances == {}
    assert all(container(service)["secrets"] == [] and secret_reads(service) == [] for service in SERVICES)


def test_the_api_key_reaches_only_the_tasks_of_the_stages_on_openai_as_an_ecs_secret() -> None:
    (secret,) = compute(**ON_OPENAI_STORY).resource("aws_secretsmanager_secret", "openai_api_key").instances.values()
    arn = secret["arn"]
    assert container("story", **ON_OPENAI_STORY)["secrets"] == [{"name": "NOCOMELON_OPENAI_API_KEY", "valueFrom": arn}]
    assert secret_reads("story", **ON_OPENAI_STORY) == [arn]  # the execution role fetches it for ECS, the task role cannot
    for service in sorted(set(SERVICES) - {"story"}):
        assert container(service, **ON_OPENAI_STORY)["secrets"] == [] and secret_reads(service, **ON_OPENAI_STORY) == []
    environment = {item["name"]: item["value"] for item in container("story", **ON_OPENAI_STORY)["environment"]}
    assert (
        environment["NOCOMELON_OPENAI_BASE_URL"] == "https://api.openai.com/v1"
        and environment["NOCOMELON_OPENAI_STORY_MODEL"] == "gpt-4o-mini"
    )
    assert "NOCOMELON_OPENAI_API_KEY" not in environment and "NOCOMELON_OPENAI_BASE_URL" not in {
        item["name"] for item in container("vision", **ON_OPENAI_STORY)["environment"]
    }


MODEL_SERVER = {"model_server": {"security_group_id": "sg-0gpu", "port": 8000}}


def rules(kind: str, name: str, **settings: Any) -> list[Any]:
    return list(compute(**settings).resource(f"aws_vpc_security_group_{kind}_rule", name).instances.values())


def test_without_a_model_server_the_workers_reach_nothing_but_https() -> None:
    assert rules("egress", "workers_to_model_server") == [] and rules("ingress", "model_server_from_workers") == []
    (https,) = rules("egress", "workers_https")
    assert (https["from_port"], https["to_port"]) == (443, 443)


def test_the_workers_and_a_model_server_in_the_vpc_reach_each_other_on_its_port_only() -> None:
    (out,) = rules("egress", "workers_to_model_server", **MODEL_SERVER)
    (into,) = rules("ingress", "model_server_from_workers", **MODEL_SERVER)
    workers = compute(**MODEL_SERVER).resource("aws_security_group", "workers").instances[None]["id"]
    assert (out["security_group_id"], out["referenced_security_group_id"]) == (workers, "sg-0gpu")
    assert (into["security_group_id"], into["referenced_security_group_id"]) == ("sg-0gpu", workers)
    assert all((rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 8000, 8000) for rule in (out, into))
    with pytest.raises(KeyError):
        out.argument("cidr_ipv4")  # to that group, not to an address range
