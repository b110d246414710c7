"""checkov finds nothing wrong in the Terraform and the Dockerfiles, and every skip says why.

checkov lives in its own uv project (infrastructure/checks): it pins urllib3,
packaging and pytest below what the workspace uses. `uv run --frozen`
installs it from that project's lock on first use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.infrastructure.terraform import INFRASTRUCTURE

REPO = INFRASTRUCTURE.parent
DOCKERFILES = sorted(REPO.glob("services/*/Dockerfile")) + sorted(INFRASTRUCTURE.glob("*.Dockerfile"))
# `uv run` names itself in $UV; the workspace's own environment has no uv module.
UV = os.environ.get("UV") or shutil.which("uv")
CHECKOV = [str(UV), "run", "--frozen", "--project", str(INFRASTRUCTURE / "checks"), "checkov"]
COMMON = ["--skip-download", "--output", "json"]
SCANS = {
    "terraform": ["--framework", "terraform", "--directory", str(INFRASTRUCTURE), "--skip-path", "checks"],
    "dockerfile": ["--framework", "dockerfile", *(argument for path in DOCKERFILES for argument in ("--file", str(path)))],
}
# checkov renders variables in rounds over its graph's edges, and gives up once 90%
# of a round's edges were in the round before last for 4 rounds running; a module
# block and its variables hand values back and forth every other round. With the
# buckets a module deeper (modules/private_bucket) it gave up before the root's
# variables reached the compute module, and the checks reading them went
# unreported (test_checkov_follows_the_variables_into_the_modules).
ENVIRONMENT = os.environ | {"RENDER_EDGES_DUPLICATE_ITER_COUNT": "10"}
# What checkov skips on each bucket the module makes: exactly what its module block gives a reason for.
BUCKET_SKIPS = {
    "module.storage.module.assets": {"CKV_AWS_144", "CKV_AWS_145", "CKV2_AWS_62"},
    "module.storage.module.logs": {"CKV_AWS_18", "CKV_AWS_144", "CKV_AWS_145", "CKV2_AWS_62"},
    "module.webapp.module.spa": {"CKV_AWS_18", "CKV_AWS_144", "CKV_AWS_145", "CKV2_AWS_62"},
}
# Public access block, versioning, encryption, lifecycle, access logging.
BUCKET_CHECKS = {"CKV2_AWS_6", "CKV_AWS_21", "CKV_AWS_19", "CKV2_AWS_61", "CKV_AWS_18"}


@pytest.fixture(scope="module")
def reports() -> dict[str, list[dict[str, Any]]]:
    # Both scans at once: each takes a while, most of it starting up.
    running = {
        name: subprocess.Popen(
            [*CHECKOV, *arguments, *COMMON], cwd=REPO, env=ENVIRONMENT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, arguments in SCANS.items()
    }
    results = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=600)
        assert stdout.strip(), f"checkov ({name}) printed no report:\n{stderr[-3000:]}"
        report = json.loads(stdout)
        results[name] = report if isinstance(report, list) else [report]
    return results


@pytest.mark.parametrize("scan", sorted(SCANS))
def test_checkov_finds_no_failed_check(reports: dict[str, list[dict[str, Any]]], scan: str) -> None:
    failed = [
        f"{check['check_id']} {check['check_name']}: {check['resource']} ({check['file_path']}:{check['file_line_range'][0]})"
        for report in reports[scan]
        for check in report["results"].get("failed_checks", [])
    ]
    assert not failed, "checkov failed checks (fix them, or skip inline with a reason):\n" + "\n".join(failed)


def test_every_dockerfile_and_the_terraform_was_scanned(reports: dict[str, list[dict[str, Any]]]) -> None:
    scanned = {Path(check["file_abs_path"]) for report in reports["dockerfile"] for check in report["results"].get("passed_checks", [])}
    assert scanned == set(DOCKERFILES)
    assert sum(report["summary"]["resource_count"] for report in reports["terraform"]) > 50


def test_every_skip_gives_its_reason(reports: dict[str, list[dict[str, Any]]]) -> None:
    unexplained = [
        f"{check['check_id']} on {check['resource']}"
        for scan in reports.values()
        for report in scan
        for check in report["results"].get("skipped_checks", [])
        if len((check["check_result"].get("suppress_comment") or "").strip()) < 20
    ]
    assert not unexplained, f"skips without a reason: {unexplained}"


def checked(reports: dict[str, list[dict[str, Any]]], outcome: str) -> set[tuple[str, str]]:
    """(check, resource) of the Terraform scan's checks with this outcome: passed, failed or skipped."""
    return {
        (check["check_id"], check["resource"])
        for report in reports["terraform"]
        for check in report["results"].get(f"{outcome}_checks", [])
    }


def test_checkov_follows_the_variables_into_the_modules(reports: dict[str, list[dict[str, Any]]]) -> None:
    # Both read a root variable's default through the compute module; unrendered, checkov reports neither.
    assert {
        ("CKV_AWS_150", "module.compute.aws_lb.gateway"),
        ("CKV_AWS_338", "module.compute.aws_cloudwatch_log_group.service"),
    } <= checked(reports, "passed")


@pytest.mark.parametrize("call", sorted(BUCKET_SKIPS))
def test_each_bucket_skips_only_what_its_module_block_explains_and_passes_the_rest(
    reports: dict[str, list[dict[str, Any]]], call: str
) -> None:
    bucket = f"{call}.aws_s3_bucket.this"
    skipped = {check for check, resource in checked(reports, "skipped") if resource == bucket}
    passed = {check for check, resource in checked(reports, "passed") if resource == bucket}
    assert skipped == BUCKET_SKIPS[call]
    assert passed >= BUCKET_CHECKS - skipped
