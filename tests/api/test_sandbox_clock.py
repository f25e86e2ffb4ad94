"""The sandbox clock (WANGQIAN_SANDBOX=1): integrators move time and watch the jobs run."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.settings import Settings
from miniapp_mock.clock import COLLECTION, MAX_AHEAD, MovableClock
from signing_flow.ports import DocumentStore
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


async def test_two_processes_on_one_store_run_on_the_same_moved_clock(
    aiohttp_client: ClientFactory, settings: Settings, sandbox: Api
) -> None:
    """The offset is in the store: a move through one process holds for the next request to
    any other at once."""
    second = await aiohttp_client(create_app(replace(settings, sandbox=True)))
    agent_on_second = await Api(second).login("agent_li")
    await agent_on_second.get("/api/v1/contracts")
    await sandbox.post("/sandbox/v1/clock", {"advance_seconds": 13 * 3600})
    # On the moved clock the second process's 12-hour session has expired.
    body = await agent_on_second.get("/api/v1/contracts", expect=401)
    assert body["error"]["code"] == "SESSION_INVALID"
    # A move through the second process starts from the first one's.
    moved = await Api(second).post("/sandbox/v1/clock", {"advance_seconds": 60})
    assert moved["offset_seconds"] == 13 * 3600 + 60
    reset = await Api(second).call("DELETE", "/sandbox/v1/clock")
    assert reset[1]["offset_seconds"] == 0
    await Api(sandbox.client).login("agent_li")  # and back on real time in the first


async def test_the_sandbox_clock_moves_at_most_three_years_ahead(sandbox: Api) -> None:
    body = await sandbox.post("/sandbox/v1/clock", {"to": "9999-12-31T23:00:00+00:00"}, expect=422)
    assert body["error"]["details"]["fields"][0] == {
        "path": "to",
        "code": "TOO_FAR",
        "message": f"the clock moves at most {MAX_AHEAD.days} days past the real time",
    }
    await Api(sandbox.client).login("agent_li")  # nothing moved: logins still work
    year = {"advance_seconds": 366 * 24 * 3600}
    await sandbox.post("/sandbox/v1/clock", year)
    await sandbox.post("/sandbox/v1/clock", year)
    body = await sandbox.post("/sandbox/v1/clock", year, expect=422)
    assert body["error"]["details"]["fields"][0]["code"] == "TOO_FAR"
    agent = await Api(sandbox.client).login("agent_li")  # two years on, logins work
    await agent.post("/api/v1/contracts", {"property": SOLE}, expect=201)


async def test_an_offset_out_of_bounds_in_the_store_is_held_to_the_bounds(
    store: DocumentStore,
) -> None:
    clock = MovableClock()
    await store.insert(COLLECTION, {"_id": "offset", "version": 0, "offset_seconds": 1e15})
    await clock.refresh(store)
    assert clock.offset == MAX_AHEAD
    await clock.change(store, lambda _: timedelta(seconds=-5))
    await clock.refresh(store)
    assert clock.offset == timedelta(0)
