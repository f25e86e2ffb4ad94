"""GET /api/v1/events: the caller's events after a cursor, oldest first, with a long-poll."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.appkeys import PORTS
from backend.settings import Settings
from schedulers.feed import move_events
from signing_flow.models import Account
from signing_flow.repository import accounts
from signing_flow.roles import Role
from signing_flow.secrets import hash_password
from tests.api.conftest import Api, ClientFactory, submitted_contract
from tests.conftest import FakeClock


async def moved(client: TestClient[Any, Any]) -> None:
    ports = client.server.app[PORTS]
    await move_events(ports.store, ports.clock)


async def history(agent: Api, client: TestClient[Any, Any]) -> tuple[Any, Any]:
    """A submitted contract with an order, then cancelled: four public events."""
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")
    await moved(client)
    return contract, order


async def other_agency_admin(client: TestClient[Any, Any], anonymous: Api) -> Api:
    await accounts(client.server.app[PORTS].store).insert(
        Account(
            id="acct-other_admin",
            username="other_admin",
            role=Role.AGENCY_ADMIN,
            display_name="别家中介",
            password_hash=hash_password("Other2026x"),
            agency_id="agency-other",
            must_change_password=False,
        )
    )
    return await anonymous.login("other_admin", "Other2026x")


async def test_the_feed_lists_the_events_oldest_first_with_the_next_cursor(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await history(agent, client)
    page = await agent.get("/api/v1/events")
    types = [e["type"] for e in page["events"]]
    assert types == ["contract.submitted", "order.created", "order.cancelled"]
    first = page["events"][0]
    assert first["contract_id"] == contract["id"]
    assert first["contract_number"] == contract["number"]
    assert first["contract_status"] == "submitted" and first["contract_status_label"] == "已提交"
    assert page["events"][1]["order_id"] == order["id"]
    assert [e["cursor"] for e in page["events"]] == [1, 2, 3]
    assert page["next_cursor"] == 3 and page["has_more"] is False
    assert (await agent.get("/api/v1/events?after=3"))["events"] == []


async def test_pages_follow_the_cursor_without_skipping_or_repeating(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    await history(agent, client)
    seen, cursor = [], 0
    while True:
        page = await agent.get(f"/api/v1/events?after={cursor}&limit=2")
        seen += [e["id"] for e in page["events"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    everything = await agent.get("/api/v1/events")
    assert seen == [e["id"] for e in everything["events"]]


async def test_the_type_filter_keeps_the_types_named(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    await history(agent, client)
    page = await agent.get("/api/v1/events?type=order.created&type=order.cancelled")
    assert [e["type"] for e in page["events"]] == ["order.created", "order.cancelled"]
    body = await agent.get("/api/v1/events?type=order.signed", expect=422)
    assert body["error"]["details"]["fields"][0]["path"] == "type"


async def test_each_role_sees_what_it_may_read_of_contracts(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    await history(agent, client)
    admin = await anonymous.login("demo_agency")
    staff = await anonymous.login("center_chen")
    colleague = await anonymous.login("agent_wang")
    stranger = await other_agency_admin(client, anonymous)
    assert len((await admin.get("/api/v1/events"))["events"]) == 3
    assert len((await staff.get("/api/v1/events"))["events"]) == 3
    assert (await colleague.get("/api/v1/events"))["events"] == []
    assert (await stranger.get("/api/v1/events"))["events"] == []
    await anonymous.get("/api/v1/events", expect=401)


async def test_wait_holds_the_request_until_an_event_arrives(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent)
    await moved(client)
    cursor = (await agent.get("/api/v1/events"))["next_cursor"]
    started = time.monotonic()
    waiting = asyncio.create_task(agent.get(f"/api/v1/events?after={cursor}&wait=10"))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    await moved(client)
    page = await waiting
    assert [e["type"] for e in page["events"]] == ["order.created"]
    assert time.monotonic() - started < 5


async def test_wait_answers_an_empty_page_when_nothing_comes(agent: Api) -> None:
    started = time.monotonic()
    page = await agent.get("/api/v1/events?after=0&wait=1")
    assert page == {"events": [], "next_cursor": 0, "has_more": False}
    assert 0.9 < time.monotonic() - started < 5


async def test_with_the_scheduler_on_a_transition_reaches_a_waiting_reader_at_once(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock, agent: Api
) -> None:
    running = await aiohttp_client(create_app(replace(settings, scheduler=True), clock=clock))
    reader = Api(running, agent.token)
    waiting = asyncio.create_task(reader.get("/api/v1/events?after=0&wait=10"))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await submitted_contract(reader)
    page = await waiting
    assert [e["type"] for e in page["events"]] == ["contract.submitted"]
    assert time.monotonic() - started < 1.5  # woken by the hand-off, not the 2 s timer
