"""The sandbox clock (WANGQIAN_SANDBOX=1): integrators move time and watch the jobs run."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.settings import Settings
from tests.api.conftest import SOLE, Api, ClientFactory


@pytest.fixture
async def sandbox(aiohttp_client: ClientFactory, settings: Settings) -> Api:
    from backend.demo import seed_demo
    from backend.storage import open_store
    from miniapp_mock.services import SANDBOX_COLLECTIONS

    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    client = await aiohttp_client(create_app(replace(settings, sandbox=True)))
    return await Api(client).login("agent_li")


async def test_moving_the_sandbox_clock_purges_a_stale_draft_at_once(sandbox: Api) -> None:
    draft = await sandbox.post("/api/v1/contracts", {"property": SOLE}, expect=201)
    moved = await sandbox.post("/sandbox/v1/clock", {"advance_seconds": 3 * 24 * 3600})
    assert moved["purged_contracts"] == [draft["number"]]
    assert moved["offset_seconds"] == 3 * 24 * 3600
    # The agent's session (12 h) expired with the move: log in again on the new clock.
    agent = await Api(sandbox.client).login("agent_li")
    assert (await agent.get(f"/api/v1/contracts/{draft['id']}"))["status"] == "deleted"
    reset = await agent.call("DELETE", "/sandbox/v1/clock")
    assert reset[1]["offset_seconds"] == 0


async def test_the_sandbox_clock_only_moves_forward(sandbox: Api) -> None:
    body = await sandbox.post("/sandbox/v1/clock", {"to": "2020-01-01T00:00:00+08:00"}, expect=422)
    assert body["error"]["details"]["fields"][0]["code"] == "IN_THE_PAST"
    await sandbox.post("/sandbox/v1/clock", {}, expect=422)


async def test_without_the_sandbox_flag_the_clock_route_does_not_exist(
    anonymous: Api, client: TestClient[Any, Any]
) -> None:
    await anonymous.post("/sandbox/v1/clock", {"advance_seconds": 60}, expect=404)
    doc = await anonymous.get("/openapi.json")
    assert "/sandbox/v1/clock" not in doc["paths"]
