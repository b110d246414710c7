"""Names of every queue, table and bucket, read from topology.json.

The same file is read by the local provisioner and by Terraform, so the two
worlds cannot name things differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

TOPOLOGY_FILE = "topology.json"


@dataclass(frozen=True)
class QueueSpec:
    service: str
    name: str
    dead_letter_name: str
    event_types: tuple[str, ...]
    visibility_timeout_seconds: int
    max_receive_count: int

    @property
    def filter_policy(self) -> dict[str, list[str]]:
        return {"type": sorted(self.event_types)}


@dataclass(frozen=True)
class TableSpec:
    name: str
    hash_key: str
    range_key: str
    ttl_attribute: str | None
    indexes: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Topology:
    prefix: str
    topic: str
    queues: dict[str, QueueSpec]
    checkpoints: TableSpec
    library: TableSpec
    # Per parent: the lock that serialises starting runs, and the count of runs started each day.
    budgets: TableSpec
    # A storybook's links for family: keyed by the parent, found by the hash of the link's token.
    shares: TableSpec
    bucket: str
    user_pool: str
    user_pool_client: str
    identity_pool: str
    message_retention_seconds: int
    dead_letter_retention_seconds: int
    # Cognito's password policy as its API spells it (the provisioner and Terraform both apply it).
    password_policy: dict[str, Any]
    # The object tag S3's lifecycle rules expire assets by, and after how many days each retention class goes.
    retention_tag: str
    retention_expiry_days: dict[str, int]

    @property
    def tables(self) -> tuple[TableSpec, ...]:
        return (self.checkpoints, self.library, self.budgets, self.shares)


@cache
def raw_topology() -> dict[str, Any]:
    return json.loads(resources.files("shared").joinpath(TOPOLOGY_FILE).read_text())


def _table(prefix: str, name: str, spec: dict[str, Any]) -> TableSpec:
    return TableSpec(
        name=f"{prefix}-{name}",
        hash_key=spec["hash_key"],
        range_key=spec["range_key"],
        ttl_attribute=spec.get("ttl_attribute"),
        indexes={index: (keys["hash_key"], keys["range_key"]) for index, keys in spec.get("indexes", {}).items()},
    )


@cache
def topology(prefix: str = "nocomelon") -> Topology:
    raw = raw_topology()
    suffix = raw["dead_letter_suffix"]
    queues = {
        service: QueueSpec(
            service=service,
            name=f"{prefix}-{service}",
            dead_letter_name=f"{prefix}-{service}{suffix}",
            event_types=tuple(spec["event_types"]),
            visibility_timeout_seconds=spec["visibility_timeout_seconds"],
            max_receive_count=spec["max_receive_count"],
        )
        for service, spec in raw["queues"].items()
    }
    return Topology(
        prefix=prefix,
        topic=f"{prefix}-{raw['topic']}",
        queues=queues,
        checkpoints=_table(prefix, "checkpoints", raw["tables"]["checkpoints"]),
        library=_table(prefix, "library", raw["tables"]["library"]),
        budgets=_table(prefix, "budgets", raw["tables"]["budgets"]),
        shares=_table(prefix, "shares", raw["tables"]["shares"]),
        bucket=f"{prefix}-{raw['bucket']}",
        user_pool=f"{prefix}-{raw['user_pool']}",
        user_pool_client=f"{prefix}-{raw['user_pool_client']}",
        identity_pool=f"{prefix}-{raw['identity_pool']}",
        message_retention_seconds=raw["message_retention_seconds"],
        dead_letter_retention_seconds=raw["dead_letter_retention_seconds"],
        password_policy=raw["password_policy"],
        retention_tag=raw["asset_retention"]["tag"],
        retention_expiry_days=raw["asset_retention"]["expire_after_days"],
    )
