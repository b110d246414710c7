"""The evaluator (tests/infrastructure/terraform.py) follows a local module block as Terraform would, and refuses what it cannot."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.infrastructure.terraform import Evaluator, Module, Unsupported, attributes

CHILD = """
variable "rules" {
  type = list(object({
    id   = string
    days = optional(number)
    tag  = optional(string, "keep")
  }))
}

variable "logged" {
  type    = bool
  default = false
}

resource "aws_s3_bucket_logging" "this" {
  count         = var.logged ? 1 : 0
  target_prefix = "run-${count.index}/"
}

output "rules" {
  value = var.rules
}

output "prefix" {
  value = var.logged ? aws_s3_bucket_logging.this[0].target_prefix : null
}
"""


def calling(tmp_path: Path, module_block: str) -> Evaluator:
    """A module that calls ../child with this module block, and passes its outputs on."""
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(CHILD)
    (tmp_path / "parent").mkdir()
    outputs = 'output "rules" {\n  value = module.child.rules\n}\n\noutput "prefix" {\n  value = module.child.prefix\n}\n'
    (tmp_path / "parent" / "main.tf").write_text(f'module "child" {{\n{textwrap.dedent(module_block)}\n}}\n\n{outputs}')
    return Evaluator(Module.load(tmp_path / "parent"), {})


def test_the_arguments_become_the_childs_variables_as_their_types_make_them(tmp_path: Path) -> None:
    parent = calling(
        tmp_path,
        """
        source = "../child"
        rules  = [{ id = "a", days = 3, extra = true }, { id = "b", tag = null }]
        logged = true
        """,
    )
    assert parent.output("rules") == [{"id": "a", "days": 3, "tag": "keep"}, {"id": "b", "days": None, "tag": "keep"}]
    assert parent.output("prefix") == "run-0/"


@pytest.mark.parametrize(
    ("module_block", "error"),
    [
        ('source = "../child"\ncount = 2\nrules = []', Unsupported),
        ('source = "../child"\nfor_each = toset(["a"])\nrules = []', Unsupported),
        ('source = "hashicorp/child/aws"\nrules = []', Unsupported),
        ('source = "../child"\nrules = [{ id = 1 }]', Unsupported),  # Terraform makes the number a string; the evaluator does not
        ('source = "../child"', KeyError),  # rules has no default
        ('source = "../child"\nrules = []\nretention = 1', KeyError),  # the child has no such variable
        ('source = "../child"\nrules = [{ days = 1 }]', KeyError),  # a rule needs an id
    ],
    ids=["count", "for_each", "registry", "conversion", "missing", "undeclared", "required attribute"],
)
def test_what_terraform_would_refuse_or_the_evaluator_cannot_follow_raises(tmp_path: Path, module_block: str, error: type) -> None:
    with pytest.raises(error):
        calling(tmp_path, module_block).output("rules")


def test_providers_are_read_as_the_configurations_they_name(tmp_path: Path) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        'resource "aws_wafv2_web_acl" "east" {\n  provider = aws.east\n  name = "acl"\n}\n\nresource "aws_sns_topic" "here" {\n  name = "t"\n}\n'
    )
    (tmp_path / "parent").mkdir()
    (tmp_path / "parent" / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias = "east"\n  region = "us-east-1"\n}\n\n'
        'module "child" {\n  source = "../child"\n  providers = {\n    aws      = aws\n    aws.east = aws.east\n  }\n}\n'
    )
    parent = Evaluator(Module.load(tmp_path / "parent"), {})
    child = parent.child("child")
    assert parent.providers_of("child") == {"aws": "aws", "aws.east": "aws.east"}
    assert {name: parent.evaluate(attributes(block.body)["region"], {}) for name, block in parent.module.providers.items()} == {
        "aws": "eu-west-1",
        "aws.east": "us-east-1",
    }
    assert child.resource("aws_wafv2_web_acl", "east").instances[None].provider() == "aws.east"
    assert child.resource("aws_sns_topic", "here").instances[None].provider() == "aws"


def test_providers_that_are_not_written_out_raise(tmp_path: Path) -> None:
    parent = calling(tmp_path, 'source = "../child"\nrules = []\nproviders = local.providers')
    with pytest.raises(Unsupported):
        parent.providers_of("child")
