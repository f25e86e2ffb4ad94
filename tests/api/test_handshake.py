"""The e-signing handshake (guide §2.2 (六)–(九)): orders, QR codes, the mini-program, filing."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.api.conftest import Api, Phone, qr_url, submitted_contract


async def new_order(agent: Api, **overrides: Any) -> tuple[Any, Any]:
    contract = await submitted_contract(agent, **overrides)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    return contract, order


def people(contract: Any) -> dict[str, tuple[str, str]]:
    return {p["id"]: (p["name"], p["id_number"]) for p in contract["sellers"] + contract["buyers"]}


async def test_every_party_signs_and_the_agent_files_the_contract(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    assert order["status"] == "awaiting_signatures"
    assert order["status_label"] == "已创建订单，待签字"
    assert [p["party_id"] for p in order["parties"]] == ["s1", "s2", "b1", "b2"]
    assert (await agent.get(f"/api/v1/contracts/{contract['id']}"))["status"] == "signing"
    for party_id, (name, id_number) in people(contract).items():
        phone = Phone(client)
        await phone.scan(await qr_url(agent, order["id"], party_id))
        view = await phone.sign_through(name, id_number)
        assert view["step"] == "signed" and view["receipt"]["alg"] == "Ed25519"
    done = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    assert done["status_label"] == "订单已经完成签字"
    assert done["contract_status"] == "signed"
    filed = await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    assert filed["contract_status"] == "filed" and filed["contract_status_label"] == "已签约"
