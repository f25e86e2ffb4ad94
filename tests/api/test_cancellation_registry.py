"""只能注销已备案、不动产未受理未过户的合同 (guide §4 (一)): the registry is asked again at every
step that makes a cancellation final, not only when it is requested."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.settings import Settings
from tests.api.conftest import JOINT_PROPERTY, Api
from tests.api.test_cancellation import filed_online, sign_all
from tests.api.test_window import filed_at_window, image


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The sandbox routes set the registry's transfer status."""
    return replace(settings, sandbox=True)


async def registry_marks(anonymous: Api, status: str) -> None:
    """The registry accepts (or completes) the transfer, through the sandbox route."""
    await anonymous.call(
        "PUT",
        f"/sandbox/v1/registry/properties/{JOINT_PROPERTY.id}/transfer-status",
        {"transfer_status": status},
        204,
    )


async def test_a_cancellation_order_is_not_submitted_once_the_registry_accepted_the_transfer(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    cid = contract["id"]
    await agent.post(f"/api/v1/contracts/{cid}/cancellations", {"reason": "协商解除"}, expect=201)
    order = await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=201)
    await sign_all(agent, client, contract, order)
    await registry_marks(anonymous, "accepted")
    body = await agent.post(f"/api/v1/signing-orders/{order['id']}/submit", expect=409)
    assert body["error"]["code"] == "PROPERTY_TRANSFER_ACCEPTED"
    # Nothing changed: the order is still complete, the contract still 注销中.
    assert (await agent.get(f"/api/v1/signing-orders/{order['id']}"))["status"] == "completed"
    assert (await agent.get(f"/api/v1/contracts/{cid}"))["status"] == "cancelling"
    await registry_marks(anonymous, "transferred")
    body = await agent.post(f"/api/v1/signing-orders/{order['id']}/submit", expect=409)
    assert body["error"]["code"] == "PROPERTY_TRANSFERRED"
    # The way out: cancel the cancellation order; the contract stays filed.
    ended = await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")
    assert ended["status"] == "cancelled" and ended["contract_status"] == "filed"


async def test_a_completed_filing_order_cannot_be_cancelled(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    body = await agent.post(f"/api/v1/signing-orders/{contract['id']}-o1/cancel", expect=409)
    assert body["error"]["code"] == "ORDER_STATE_CONFLICT"


async def test_a_window_cancellation_is_not_approved_once_the_registry_moved(
    agent: Api, anonymous: Api
) -> None:
    contract, window = await filed_at_window(agent, anonymous)
    await window.open("cancellation", reason="双方协商解除")
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    for p in contract["sellers"] + contract["buyers"]:
        await window.upload(f"parties/{p['id']}/documents/photo", image("JPEG"))
    await window.staff.post(f"{window.base}/submit")
    await registry_marks(anonymous, "accepted")
    body = await window.staff.post(f"{window.base}/approve", expect=409)
    assert body["error"]["code"] == "PROPERTY_TRANSFER_ACCEPTED"
    assert (await agent.get(f"/api/v1/contracts/{contract['id']}"))["status"] == "filed"
    # The staff sends the case back with the reason instead.
    rejected = await window.staff.post(f"{window.base}/reject", {"reason": "不动产已受理"})
    assert rejected["status"] == "filed"


async def test_a_window_cancellation_is_not_submitted_for_review_once_the_registry_moved(
    agent: Api, anonymous: Api
) -> None:
    contract, window = await filed_at_window(agent, anonymous)
    await window.open("cancellation", reason="双方协商解除")
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    for p in contract["sellers"] + contract["buyers"]:
        await window.upload(f"parties/{p['id']}/documents/photo", image("JPEG"))
    await registry_marks(anonymous, "transferred")
    body = await window.staff.post(f"{window.base}/submit", expect=409)
    assert body["error"]["code"] == "PROPERTY_TRANSFERRED"
