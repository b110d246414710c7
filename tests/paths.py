"""Where tests find the sample drawings (beside the repo, never in it) and leave artefacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
ARTEFACTS = Path(os.environ.get("NOCOMELON_TEST_ARTEFACTS", ".local/test-artefacts"))


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"the sample drawings are not beside the repo ({SAMPLES})")
    return path
