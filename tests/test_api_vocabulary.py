"""One vocabulary from the domain to the web app: the Python enums, the gateway's OpenAPI schema and the app's types agree.

The TypeScript side is checked by the compiler: types are generated from the schema as `npm run build` does, and a
probe naming every Python member must compile against frontend/src/api/types.ts. Needs `npm ci` in frontend/
(which `make test` runs first, through the web app's build).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest

from shared.domain.events import Stage
from shared.domain.models import Style, Theme, VoiceType
from shared.domain.run import RunStatus, StageStatus

REPO = Path(__file__).resolve().parents[1]
FRONTEND = REPO / "frontend"
NODE_BIN = FRONTEND / "node_modules" / ".bin"
# Each enum, its name in the schema and the type frontend/src/api/types.ts exports for it.
VOCABULARY: list[tuple[type[StrEnum], str, str]] = [
    (Theme, "Theme", "Theme"),
    (Style, "Style", "Style"),
    (VoiceType, "VoiceType", "Voice"),
    (Stage, "Stage", "StageName"),
    (StageStatus, "StageStatus", "StageStatus"),
    (RunStatus, "RunStatus", "RunStatus"),
]
NOT_IN_PYTHON = "not_in_python"


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Written by the command `make webapp` runs, with no AWS or Cognito settings around."""
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "NOCOMELON_"))}
    subprocess.run([sys.executable, "-m", "gateway.openapi", str(path)], check=True, env=environment, cwd=REPO)
    return json.loads(path.read_text())


def test_the_schema_has_the_python_enums(schema: dict) -> None:
    for enum, name, _ in VOCABULARY:
        assert schema["components"]["schemas"][name]["enum"] == [member.value for member in enum], name


def test_the_web_app_types_have_exactly_the_python_members(schema: dict, tmp_path: Path) -> None:
    # Record<Theme, true> needs every member as a key and refuses any other: both directions at once.
    result = typecheck_probe(schema, tmp_path)
    assert result.returncode == 0, result.stdout


def test_the_web_app_types_follow_the_schema(schema: dict, tmp_path: Path) -> None:
    """A member only the schema has is missing from the probe: types.ts derives its types rather than listing them."""
    grown = copy.deepcopy(schema)
    for _, name, _ in VOCABULARY:
        grown["components"]["schemas"][name]["enum"].append(NOT_IN_PYTHON)
    result = typecheck_probe(grown, tmp_path)
    assert result.stdout.count(f"Property '{NOT_IN_PYTHON}' is missing") == len(VOCABULARY), result.stdout


def typecheck_probe(schema: dict, directory: Path) -> subprocess.CompletedProcess[str]:
    """tsc on a probe naming each enum's Python members, against the app's types.ts beside types generated from `schema`."""
    assert (NODE_BIN / "tsc").exists(), "the web app's npm packages are missing: run `make webapp` (or npm ci in frontend/)"
    (directory / "openapi.json").write_text(json.dumps(schema))
    subprocess.run([NODE_BIN / "openapi-typescript", "openapi.json", "-o", "openapi.gen.ts"], cwd=directory, check=True)
    shutil.copy(FRONTEND / "src" / "api" / "types.ts", directory)
    exported = ", ".join(type_name for *_, type_name in VOCABULARY)
    probe = [f'import type {{ {exported} }} from "./types";']
    for enum, _, type_name in VOCABULARY:
        keys = ", ".join(f"{json.dumps(member.value)}: true" for member in enum)
        probe.append(f"export const every{type_name}: Record<{type_name}, true> = {{ {keys} }};")
    (directory / "probe.ts").write_text("\n".join(probe) + "\n")
    # The app's own compiler options, without its sources and the ambient types of its test and build tools.
    config = {"extends": str(FRONTEND / "tsconfig.json"), "compilerOptions": {"types": []}, "include": [], "files": ["probe.ts"]}
    (directory / "tsconfig.json").write_text(json.dumps(config))
    return subprocess.run([NODE_BIN / "tsc", "-p", str(directory)], capture_output=True, text=True)
