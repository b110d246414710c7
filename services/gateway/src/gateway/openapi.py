"""Writes the gateway's OpenAPI schema to a file, for the web app's generated types.

`python -m gateway.openapi <out.json>`. Building the app does not run its lifespan, so no AWS or Cognito is
reached; the pool and client ids only satisfy create_app's check and appear nowhere in the schema.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gateway.app import create_app
from gateway.settings import GatewaySettings


def schema() -> dict[str, Any]:
    return create_app(GatewaySettings(cognito_user_pool_id="schema-only", cognito_client_id="schema-only")).openapi()


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(schema(), indent=2) + "\n")
