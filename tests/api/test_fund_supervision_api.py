"""资金监管 in the API without a bank reachable (none is configured outside the sandbox): the
农商行 path needs none; 建设银行 answers 503 and changes nothing; the to-do list and a party's
phone say what is to be done. The path through the sandbox bank is in tests/e2e."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from signing_flow.supervision import GO_TO_BRANCH, GO_TO_CCB
from tests.api.conftest import Api, Phone, qr_url, submitted_contract
from tests.api.test_cancellation import filed_online

BRANCH = {"enabled": True, "bank": "zsrcb"}
AGREEMENT = {"agreement_number": "NSJG202600012345", "branch": "中山农商银行石岐支行"}


def path(contract: Any, tail: str) -> str:
    return f"/api/v1/contracts/{contract['id']}/fund-supervision/{tail}"


async def test_without_a_bank_the_jump_answers_503_and_changes_nothing(agent: Api) -> None:
    contract = await submitted_contract(agent)
    body = await agent.post(path(contract, "applications"), expect=503)
    assert body["error"]["code"] == "BANK_UNAVAILABLE"
    after = await agent.get(f"/api/v1/contracts/{contract['id']}")
    assert (after["version"], after["supervision"]) == (contract["version"], None)
    assert after["fund_supervision_next_step"] == GO_TO_CCB


async def test_the_zsrcb_agreement_is_shown_in_the_todo_list_until_it_is_recorded(
    agent: Api, anonymous: Api
) -> None:
    contract = await submitted_contract(agent, fund_supervision=BRANCH)
    [item] = (await agent.get("/api/v1/todo"))["items"]
    assert item["fund_supervision_next_step"] == GO_TO_BRANCH
    admin = await anonymous.login("demo_agency")
    refused = await admin.call("PUT", path(contract, "branch-agreement"), AGREEMENT, expect=403)
    assert refused[1]["error"]["code"] == "ROLE_NOT_ALLOWED"
    recorded = await agent.call("PUT", path(contract, "branch-agreement"), AGREEMENT, expect=200)
    assert recorded[1]["supervision"]["agreement_number"] == "NSJG202600012345"
    [item] = (await agent.get("/api/v1/todo"))["items"]
    assert (item["fund_supervision_status_label"], item["fund_supervision_next_step"]) == (
        "已签监管协议",
        None,
    )
    switch_off = {"fund_supervision": {"enabled": False, "bank": None}}
    blocked = await agent.patch(f"/api/v1/contracts/{contract['id']}", switch_off, expect=409)
    assert blocked["error"]["code"] == "SUPERVISION_CANCEL_REQUIRED"
    cancel = {"reason": "双方改为不监管"}
    await agent.post(path(contract, "cancellation"), cancel)
    await agent.patch(f"/api/v1/contracts/{contract['id']}", switch_off)


async def test_a_partys_phone_says_to_go_to_the_branch(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent, fund_supervision=BRANCH)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    phone = Phone(client)
    session = await phone.scan(await qr_url(agent, order["id"], "s1"))
    fund = session["view"]["fund_supervision"]
    assert (fund["next_step"], fund["redirect_url"]) == ("请到农商行支行办理资金监管协议", None)


async def test_a_callback_nobody_signed_is_refused_401_without_a_configured_bank(
    anonymous: Api,
) -> None:
    status, body = await anonymous.call("POST", "/api/v1/callbacks/banks/ccb", {"status": "signed"})
    assert status == 401 and body["error"]["code"] == "CALLBACK_SIGNATURE_INVALID"


async def test_a_filed_contract_whose_supervision_is_still_to_do_is_in_the_todo_list(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await filed_online(agent, client)  # 建设银行 chosen, nothing opened yet
    [item] = (await agent.get("/api/v1/todo"))["items"]
    assert (item["id"], item["status"]) == (contract["id"], "filed")
    assert item["next_step"] == item["fund_supervision_next_step"] == GO_TO_CCB
