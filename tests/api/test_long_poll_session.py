"""A long-poll answers as a poll sent when it ends would: a session that ended during the wait
gets no fresh data."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from tests.api.conftest import Api, Phone, qr_url
from tests.api.test_handshake import new_order


async def test_a_long_poll_begun_before_a_logout_answers_401_after_a_change(
    agent: Api, client: TestClient[Any, Any], other_process: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    url = await qr_url(agent, order["id"], "s1")
    path = f"/api/v1/signing-orders/{order['id']}?wait=10&version={order['version']}"
    poll = asyncio.create_task(agent.call("GET", path))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await Api(other_process, agent.token).call("POST", "/api/v1/auth/logout", expect=204)
    await Phone(client).scan(url)  # the change that ends the wait
    status, body = await asyncio.wait_for(poll, 5)
    assert status == 401 and body["error"]["code"] == "SESSION_INVALID"


async def test_a_long_poll_that_runs_out_after_a_logout_answers_401(agent: Api) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}?wait=1&version={order['version']}"
    poll = asyncio.create_task(agent.call("GET", path))
    await asyncio.sleep(0.05)
    await agent.call("POST", "/api/v1/auth/logout", expect=204)
    status, body = await asyncio.wait_for(poll, 5)
    assert status == 401 and body["error"]["code"] == "SESSION_INVALID"


async def test_a_long_poll_ends_at_once_with_401_when_the_account_is_disabled(
    agent: Api, anonymous: Api
) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}?wait=20&version={order['version']}"
    poll = asyncio.create_task(agent.call("GET", path))
    await asyncio.sleep(0.05)
    assert not poll.done()
    admin = await anonymous.login("demo_agency")
    await admin.post("/api/v1/practitioners/prac-agent_li/disable")
    # nothing changed on the order: the wait ends because the account did
    status, body = await asyncio.wait_for(poll, 3)
    assert status == 401 and body["error"]["code"] == "ACCOUNT_DISABLED"
