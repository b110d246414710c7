"""One parent cannot flood the workers: a few runs at a time, then 429 with Retry-After."""

from __future__ import annotations

import asyncio
import uuid

from devstack.stack import Stack
from gateway.settings import GatewaySettings
from nocomelon_cli.signin import Credentials
from shared.adapters.aws import AwsClients
from shared.adapters.dynamodb import DynamoCheckpointStore
from shared.domain.events import RunMode
from shared.domain.run import Checkpoint, RunStatus
from tests.e2e.system import gateway, sign_in
from tests.test_drawings import tiny_drawing


def busy_runs(settings: GatewaySettings, user_id: str, count: int) -> list[str]:
    """Runs that are being worked on, as the workers would leave them mid-stage."""

    async def create() -> list[str]:
        async with AwsClients(region=settings.aws_region, endpoint_url=settings.aws_endpoint_url, services=("dynamodb",)) as aws:
            store = DynamoCheckpointStore(aws.dynamodb, settings.topology.checkpoints.name)
            run_ids = [str(uuid.uuid4()) for _ in range(count)]
            for run_id in run_ids:
                await store.create(
                    Checkpoint(
                        user_id=user_id,
                        run_id=run_id,
                        mode=RunMode.ONE_SHOT,
                        drawing_key=f"{user_id}/drawings/{run_id}.png",
                        media_type="image/png",
                        status=RunStatus.RUNNING,
                    )
                )
            return run_ids

    return asyncio.run(create())


def test_a_parent_with_too_many_runs_in_progress_is_asked_to_wait(stack: Stack, settings: GatewaySettings) -> None:
    busy_parent = sign_in(stack, Credentials(email="busy.parent@nocomelon.local", password="ManyDrawings4"))
    busy_runs(settings, busy_parent.user_id, settings.max_running_runs)
    with gateway(stack, busy_parent) as client:
        for route in ("/api/v1/runs", "/api/v1/vision/analyze"):
            refused = client.post(route, files={"drawing": ("kite.png", tiny_drawing(), "image/png")})
            assert refused.status_code == 429, refused.text
            assert int(refused.headers["Retry-After"]) > 0
            assert refused.json()["error"]["code"] == "too_many_runs"
    with gateway(stack, sign_in(stack, Credentials(email="calm.parent@nocomelon.local", password="OneDrawing4Now"))) as client:
        assert client.post("/api/v1/vision/analyze", files={"drawing": ("kite.png", tiny_drawing(), "image/png")}).status_code == 202
