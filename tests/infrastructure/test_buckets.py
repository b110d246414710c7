"""Every bucket is made private by modules/private_bucket, and keeps what it had before.

The storage module calls private_bucket for the assets and the logs bucket, the
webapp module for the SPA's. These tests follow the calls into the module
(tests/infrastructure/terraform.py) and check what the module gives every
bucket, what each caller adds, and that the callers' own resources and outputs
use the module's bucket.
"""

from __future__ import annotations

import json
from fnmatch import fnmatch
from typing import Any

import pytest

from tests.infrastructure.terraform import INFRASTRUCTURE, Evaluator, ResourceInstance, module, root
from tests.infrastructure.test_terraform import names_only

# Each bucket: the module that calls private_bucket for it, and the name of that module block.
BUCKETS = {"assets": ("storage", "assets"), "logs": ("storage", "logs"), "spa": ("webapp", "spa")}
HARDENING = {
    "aws_s3_bucket",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_policy",
}
PUBLIC_ACCESS_BLOCKED = ("block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets")


def caller(name: str) -> Evaluator:
    # The webapp's api_domain is the compute module's ALB name, which needs root variables that have no default.
    return module("webapp", api_domain="api.example.com") if name == "webapp" else module(name)


def bucket(name: str) -> Evaluator:
    parent, call = BUCKETS[name]
    return caller(parent).child(call)


def the(evaluator: Evaluator, resource_type: str) -> ResourceInstance:
    (instance,) = evaluator.resource(resource_type, "this").instances.values()
    return instance


def statements(name: str) -> list[dict[str, Any]]:
    return json.loads(the(bucket(name), "aws_s3_bucket_policy")["policy"])["Statement"]


@pytest.mark.parametrize("name", sorted(BUCKETS))
def test_the_bucket_and_its_hardening_come_from_the_private_bucket_module(name: str) -> None:
    parent, _ = BUCKETS[name]
    assert bucket(name).module.directory == INFRASTRUCTURE / "modules" / "private_bucket"
    assert not {kind for kind, _ in caller(parent).module.resources} & HARDENING


@pytest.mark.parametrize("name", sorted(BUCKETS))
def test_every_bucket_blocks_public_access_and_acls_encrypts_and_keeps_versions(name: str) -> None:
    configuration = bucket(name)
    public_access = the(configuration, "aws_s3_bucket_public_access_block")
    ownership = the(configuration, "aws_s3_bucket_ownership_controls")
    encryption = the(configuration, "aws_s3_bucket_server_side_encryption_configuration")
    versioning = the(configuration, "aws_s3_bucket_versioning")

    assert {flag: public_access[flag] for flag in PUBLIC_ACCESS_BLOCKED} == dict.fromkeys(PUBLIC_ACCESS_BLOCKED, True)
    assert ownership.nested("rule") == [{"object_ownership": "BucketOwnerEnforced"}]
    assert encryption.nested("rule") == [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]
    assert versioning.nested("versioning_configuration") == [{"status": "Enabled"}]
    assert {resource["bucket"] for resource in (public_access, ownership, encryption, versioning)} == {configuration.output("id")}


@pytest.mark.parametrize("name", sorted(BUCKETS))
def test_every_bucket_denies_every_request_without_tls(name: str) -> None:
    configuration = bucket(name)
    arn = configuration.output("arn")
    assert the(configuration, "aws_s3_bucket_policy")["bucket"] == configuration.output("id")
    assert statements(name)[0] == {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_besides_that_only_s3_and_the_alb_write_logs_and_only_cloudfront_reads_the_spa() -> None:
    storage, webapp = caller("storage"), caller("webapp")
    logs_arn, spa_arn = bucket("logs").output("arn"), bucket("spa").output("arn")
    allowed = {name: names_only(statements(name)[1:]) for name in BUCKETS}
    assert allowed == names_only(
        {
            "assets": [],
            "logs": [
                {
                    "Sid": "S3ServerAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"{logs_arn}/s3/*",
                    "Condition": {"ArnLike": {"aws:SourceArn": storage.output("assets_bucket_arn")}},
                },
                {
                    "Sid": "AlbAccessLogs",
                    "Effect": "Allow",
                    "Principal": {"AWS": storage.data("aws_elb_service_account", "this")["arn"]},
                    "Action": "s3:PutObject",
                    "Resource": f"{logs_arn}/alb/*",
                },
            ],
            "spa": [
                {
                    "Sid": "CloudFrontOnly",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": f"{spa_arn}/*",
                    "Condition": {"StringEquals": {"AWS:SourceArn": webapp.resource("aws_cloudfront_distribution", "app")["arn"]}},
                }
            ],
        }
    )


def test_only_the_assets_bucket_logs_its_requests_where_the_logs_bucket_lets_s3_write() -> None:
    logging = {
        name: [
            (instance["target_bucket"], instance["target_prefix"])
            for instance in bucket(name).resource("aws_s3_bucket_logging", "this").instances.values()
        ]
        for name in BUCKETS
    }
    assets_bucket = module("storage").inputs["bucket_name"]
    assert logging == {"assets": [(bucket("logs").output("id"), f"s3/{assets_bucket}/")], "logs": [], "spa": []}
    server_access_logs = next(statement for statement in statements("logs") if statement["Sid"] == "S3ServerAccessLogs")
    assert fnmatch(f"{bucket('logs').output('arn')}/s3/{assets_bucket}/a-log-file", server_access_logs["Resource"])


def test_the_buckets_keep_their_names() -> None:
    names = {name: tuple(the(bucket(name), "aws_s3_bucket")[argument] for argument in ("bucket", "bucket_prefix")) for name in BUCKETS}
    assets_bucket = module("storage").inputs["bucket_name"]
    assert names == {
        "assets": (assets_bucket, None),
        "logs": (f"{assets_bucket}-logs", None),
        "spa": (None, f"{root().variables['environment']}-spa-"),
    }


def test_the_callers_outputs_and_other_resources_use_the_module_buckets() -> None:
    storage, webapp = caller("storage"), caller("webapp")
    assets, logs, spa = bucket("assets"), bucket("logs"), bucket("spa")
    assert (storage.output("assets_bucket"), storage.output("assets_bucket_arn"), storage.output("logs_bucket")) == (
        assets.output("id"),
        assets.output("arn"),
        logs.output("id"),
    )
    assert webapp.output("bucket") == spa.output("id")
    attached = [
        caller(parent).resource(resource_type, name)["bucket"]
        for parent, resource_type, name in (
            ("storage", "aws_s3_bucket_cors_configuration", "assets"),
            ("storage", "aws_s3_bucket_lifecycle_configuration", "assets"),
            ("storage", "aws_s3_bucket_lifecycle_configuration", "logs"),
            ("webapp", "aws_s3_bucket_lifecycle_configuration", "spa"),
        )
    ]
    assert attached == [assets.output("id"), assets.output("id"), logs.output("id"), spa.output("id")]
    origins = {
        origin["origin_id"]: origin["domain_name"]
        for origin in webapp.resource("aws_cloudfront_distribution", "app").instances[None].nested("origin")
    }
    assert origins["spa"] == spa.output("bucket_regional_domain_name")


@pytest.mark.parametrize("parent", sorted({parent for parent, _ in BUCKETS.values()}))
def test_the_moved_blocks_hand_the_existing_resources_to_the_module(parent: str) -> None:
    configuration = caller(parent)
    assert configuration.module.moves
    for source, target in configuration.module.moves:
        resource_type, name = source.split(".")
        if not target.startswith("module."):  # a move within the module (one of several policies now): made here
            target_type, target_name_and_key = target.split(".")
            target_name, _, key = target_name_and_key.partition("[")
            assert (resource_type, name) not in configuration.module.resources, f"{source} is still in {parent}"
            assert key.rstrip("]").strip('"') in configuration.resource(target_type, target_name).instances, f"{target} is not made"
            continue
        _, call, target_type, target_name_and_key = target.split(".")
        target_name, _, key = target_name_and_key.partition("[")
        assert (resource_type, name) not in configuration.module.resources, f"{source} is still in {parent}"
        assert (target_type, call) == (resource_type, name), f"{source} moves to a different kind or bucket: {target}"
        instances = configuration.child(call).resource(target_type, target_name).instances
        assert (int(key.rstrip("]")) if key else None) in instances, f"{target} is not made"
