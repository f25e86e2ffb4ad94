"""``allowed_actions`` as served: what the caller can take now, and each one works when taken."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.api.conftest import Api, repriced, submitted_contract
from tests.api.test_cancellation import sign_all
from tests.api.test_window import Window, image, offline_contract, staff


async def served(api: Api, contract_id: str) -> list[str]:
    return list((await api.get(f"/api/v1/contracts/{contract_id}"))["allowed_actions"])


async def test_an_online_contract_offers_each_next_step_to_the_agent_only(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    others = [await anonymous.login("demo_agency"), await staff(anonymous)]
    contract = await submitted_contract(agent)
    cid = contract["id"]
    assert contract["allowed_actions"] == ["create_order", "delete", "edit"]
    assert [await served(o, cid) for o in others] == [[], []]
    order = await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=201)
    assert await served(agent, cid) == ["delete"]
    await sign_all(agent, client, contract, order)
    assert await served(agent, cid) == ["file"]
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    assert await served(agent, cid) == ["request_cancellation"]
    assert [await served(o, cid) for o in others] == [[], []]
    body = await agent.post(f"/api/v1/contracts/{cid}/cancellations", {"reason": "协商解除"}, 201)
    assert body["allowed_actions"] == ["create_order"]
    order = await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=201)
    assert await served(agent, cid) == []
    await sign_all(agent, client, contract, order)
    assert await served(agent, cid) == ["cancel"]
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    assert await served(agent, cid) == []


async def test_a_new_draft_offers_editing_submitting_and_deleting(agent: Api) -> None:
    contract = await submitted_contract(agent)
    body = await agent.patch(f"/api/v1/contracts/{contract['id']}", repriced(197_000_000))
    assert body["allowed_actions"] == ["delete", "edit", "submit"]
    body = await agent.delete(f"/api/v1/contracts/{contract['id']}")
    assert body["allowed_actions"] == []


async def test_a_window_contract_offers_the_window_steps_to_staff_only(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent)
    cid = contract["id"]
    assert contract["allowed_actions"] == ["delete", "edit"]  # no order for an offline contract
    window = Window(await staff(anonymous), cid)
    assert await served(window.staff, cid) == []
    await window.open()
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    review = await window.staff.post(f"{window.base}/submit")
    assert review["allowed_actions"] == ["approve", "reject"]
    assert await served(agent, cid) == []
    filed = await window.staff.post(f"{window.base}/approve")
    assert filed["allowed_actions"] == ["window_cancel"]
    assert await served(agent, cid) == []  # filed at the window: not cancelled online
