"""What a party's session reads once its order has ended (docs/handshake.md, "Status and error
codes"): what it signed, while the order is complete or submitted; nothing once the order was
cancelled, expired, declined or failed."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.api.conftest import Api, Phone, qr_url
from tests.api.test_handshake import new_order, people, signing_phone


async def test_a_signed_party_reads_its_filed_contract_until_the_session_ends(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    phones = []
    for party_id, (name, id_number) in people(contract).items():
        phone = Phone(client)
        await phone.scan(await qr_url(agent, order["id"], party_id))
        await phone.sign_through(name, id_number)
        phones.append(phone)
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    seller = phones[0]
    view = await seller.api.get("/mp/v1/order")
    assert view["order_status"] == "submitted" and view["step"] == "signed"
    assert view["receipt"] is not None
    assert (await seller.api.get("/mp/v1/document"))["sha256"] == order["document_sha256"]
    # Reading, not acting: every step is closed.
    body = await seller.step("decline", {"reason": "x"}, expect=410)
    assert body["error"]["code"] == "ORDER_CLOSED"


async def test_a_cancelled_orders_sessions_read_nothing(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")
    for path in ("/mp/v1/order", "/mp/v1/document"):
        body = await phone.api.get(path, expect=410)
        assert body["error"]["code"] == "ORDER_CLOSED"
        assert body["error"]["details"]["order_status"] == "cancelled"
