"""存量房合同注销线上 (guide §4): cancelling a contract filed online through the handshake."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from backend.appkeys import STORE
from miniapp_mock.registry import SandboxRegistry
from signing_flow.vocabulary import TransferStatus
from tests.api.conftest import JOINT_PROPERTY, Api, Phone, qr_url, submitted_contract


async def sign_all(agent: Api, client: TestClient[Any, Any], contract: Any, order: Any) -> None:
    for p in contract["sellers"] + contract["buyers"]:
        phone = Phone(client)
        await phone.scan(await qr_url(agent, order["id"], p["id"]))
        await phone.sign_through(p["name"], p["id_number"])


async def filed_online(agent: Api, client: TestClient[Any, Any]) -> Any:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    await sign_all(agent, client, contract, order)
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    return await agent.get(f"/api/v1/contracts/{contract['id']}")


async def test_a_contract_filed_online_is_cancelled_through_the_handshake(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    assert contract["filed_via"] == "online"
    found = await agent.get(f"/api/v1/contracts?number={contract['number']}&status=filed")
    assert [c["id"] for c in found["items"]] == [contract["id"]]
    cancelling = await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations",
        {"reason": "买方贷款未获批准"},
        expect=201,
    )
    assert cancelling["status"] == "cancelling" and cancelling["status_label"] == "注销中"
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    assert order["purpose"] == "cancellation" and order["purpose_label"] == "注销网签备案"
    phone = Phone(client)
    await phone.scan(await qr_url(agent, order["id"], "s1"))
    text = (await phone.api.get("/mp/v1/document"))["text"]
    assert "注销原因：买方贷款未获批准" in text and contract["number"] in text
    await sign_all(agent, client, contract, order)
    done = await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    assert done["contract_status"] == "cancelled" and done["contract_status_label"] == "已注销"
    # The property is free for a new contract.
    lookup = {
        "cert_no": JOINT_PROPERTY.cert_no,
        "owner_id_number": JOINT_PROPERTY.owners[0].id_number,
    }
    await agent.post("/api/v1/properties/verify", lookup)


async def test_cancelling_the_cancellation_order_returns_the_contract_to_filed(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "协商解除"}, expect=201
    )
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    body = await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")
    assert body["contract_status"] == "filed"
    await assert_filed_without_a_reason(agent, contract["id"], "协商解除")


async def assert_filed_without_a_reason(agent: Api, contract_id: str, reason: str) -> None:
    """A cancellation that did not happen leaves no reason on show; the trail keeps it."""
    after = await agent.get(f"/api/v1/contracts/{contract_id}")
    assert after["status"] == "filed" and after["cancellation_reason"] is None
    requested = [e for e in after["events"] if e["type"] == "cancellation_requested"]
    assert requested[-1]["data"] == {"reason": reason}
    assert "request_cancellation" in after["allowed_actions"]


async def test_a_declined_cancellation_leaves_the_contract_filed_without_a_reason(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "协商解除"}, expect=201
    )
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    phone = Phone(client)
    await phone.scan(await qr_url(agent, order["id"], "b1"))
    await phone.step("decline", {"reason": "不同意注销"})
    await assert_filed_without_a_reason(agent, contract["id"], "协商解除")


async def test_the_contract_links_its_orders_and_drops_its_purge_deadline_once_filed(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    submitted = await submitted_contract(agent)
    assert submitted["purge_at"] is not None
    assert submitted["orders"] == [] and submitted["open_order_id"] is None
    first = await agent.post(f"/api/v1/contracts/{submitted['id']}/signing-orders", expect=201)
    signing = await agent.get(f"/api/v1/contracts/{submitted['id']}")
    assert signing["open_order_id"] == first["id"] and signing["purge_at"] is not None
    await sign_all(agent, client, submitted, first)
    assert (await agent.get(f"/api/v1/contracts/{submitted['id']}"))["purge_at"] is None  # signed
    await agent.post(f"/api/v1/signing-orders/{first['id']}/submit")
    contract = await agent.get(f"/api/v1/contracts/{submitted['id']}")
    (filing,) = contract["orders"]
    assert (filing["id"], filing["purpose"], filing["status"]) == (
        first["id"],
        "filing",
        "submitted",
    )
    assert contract["open_order_id"] is None and contract["purge_at"] is None
    listed = await agent.get(f"/api/v1/contracts?number={contract['number']}")
    assert listed["items"][0]["purge_at"] is None
    cancelling = await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "协商解除"}, expect=201
    )
    assert cancelling["purge_at"] is None
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    seen = await agent.get(f"/api/v1/contracts/{contract['id']}")
    assert [(o["id"], o["purpose"], o["status"]) for o in seen["orders"]] == [
        (filing["id"], "filing", "submitted"),
        (order["id"], "cancellation", "awaiting_signatures"),
    ]
    assert (
        seen["open_order_id"] == order["id"]
        and seen["orders"][1]["purpose_label"] == "注销网签备案"
    )
    await agent.get(f"/api/v1/signing-orders/{seen['open_order_id']}")


async def test_a_cancellation_needs_a_reason(agent: Api, client: TestClient[Any, Any]) -> None:
    contract = await filed_online(agent, client)
    body = await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "   "}, expect=422
    )
    assert body["error"]["details"]["fields"][0]["path"] == "reason"
    await agent.post(f"/api/v1/contracts/{contract['id']}/cancellations", {}, expect=422)


async def test_only_filed_contracts_can_be_cancelled(agent: Api) -> None:
    contract = await submitted_contract(agent)
    body = await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "x"}, expect=409
    )
    assert body["error"]["details"]["current_state"] == "submitted"


async def test_a_property_the_registry_accepted_or_transferred_cannot_be_cancelled_online(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)
    registry = SandboxRegistry(client.app[STORE])
    for status, code in (
        (TransferStatus.ACCEPTED, "PROPERTY_TRANSFER_ACCEPTED"),
        (TransferStatus.TRANSFERRED, "PROPERTY_TRANSFERRED"),
    ):
        await registry.set_transfer_status(JOINT_PROPERTY.id, status)
        body = await agent.post(
            f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "x"}, expect=409
        )
        assert body["error"]["code"] == code
    assert (await agent.get(f"/api/v1/contracts/{contract['id']}"))["status"] == "filed"
