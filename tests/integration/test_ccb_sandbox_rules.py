"""The sandbox CCB's deterministic rules (docs/sandbox.md): magic supervised amounts, and what
the parties do on the bank's page. The bank runs as a separate server; the adapter verifies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from signing_flow.fund_supervision import BankApplicationStatus, CallbackRefused
from tests.integration.ccb_bank import Setup, bank_setup

PRICE = 100_000_000  # ¥1,000,000.00


@pytest.fixture
async def ccb(tmp_path: Path) -> AsyncIterator[Setup]:
    async with bank_setup(f"sqlite:///{tmp_path}/bank.db", tmp_path) as setup:
        yield setup


async def page(ccb: Setup, application_id: str, action: str, body: Any) -> tuple[int, Any]:
    url = f"{ccb.bank.url}/pages/{application_id}/{action}"
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        return resp.status, await resp.json()


async def control(ccb: Setup, method: str, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{ccb.bank.url}/controls{path}", json=body) as resp,
    ):
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def test_an_amount_ending_in_401_yuan_is_rejected_by_the_bank_with_a_reason(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request(amount_fen=100_040_100))
    state = await ccb.confirm_all(opened.application_id)
    assert (state["status"], state["status_label"]) == ("rejected", "银行退回")
    [posted] = ccb.platform.posted
    notice = ccb.adapter.parse_callback(posted.headers, posted.body)
    assert notice.status is BankApplicationStatus.REJECTED
    assert notice.reason and "401" in notice.reason
    assert notice.agreement_number is None


async def test_an_amount_ending_in_402_yuan_holds_the_callback_until_it_is_released(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request(amount_fen=100_040_200))
    await ccb.confirm_all(opened.application_id)
    assert ccb.platform.posted == []  # the callback is late…
    queried = await ccb.adapter.query_application(opened.application_id)
    assert queried.status is BankApplicationStatus.SIGNED  # …and the status query knows
    released = await control(ccb, "POST", f"/applications/{opened.application_id}/deliver")
    assert released["deliveries"] == [200]
    [posted] = ccb.platform.posted
    notice = ccb.adapter.parse_callback(posted.headers, posted.body)
    assert (notice.notification_id, notice.status) == (
        released["notification_id"],
        BankApplicationStatus.SIGNED,
    )


async def test_an_amount_ending_in_403_yuan_posts_the_same_callback_twice(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request(amount_fen=100_040_300))
    await ccb.confirm_all(opened.application_id)
    first, second = (ccb.adapter.parse_callback(p.headers, p.body) for p in ccb.platform.posted)
    assert first.notification_id == second.notification_id
    assert first == second


async def test_an_amount_ending_in_404_yuan_posts_a_callback_that_does_not_verify(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request(amount_fen=100_040_400))
    await ccb.confirm_all(opened.application_id)
    [posted] = ccb.platform.posted
    with pytest.raises(CallbackRefused) as refused:
        ccb.adapter.parse_callback(posted.headers, posted.body)
    assert refused.value.code == "SIGNATURE_INVALID"
    sent = await control(ccb, "GET", f"/applications/{opened.application_id}/notices")
    assert [n["rule"] for n in sent["notices"]] == ["bad_signature"]


async def test_the_parties_can_lower_the_amount_to_a_magic_one_on_the_page(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request(amount_fen=PRICE))
    state = await ccb.confirm_all(opened.application_id, amount_fen=PRICE - 59_900)  # ¥…401
    assert state["status"] == "rejected"


async def test_an_ordinary_amount_is_signed_with_no_rule(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request(amount_fen=100_050_100))
    state = await ccb.confirm_all(opened.application_id)
    assert state["status"] == "signed"
    assert len(ccb.platform.posted) == 1


async def test_changing_the_amount_asks_the_parties_who_confirmed_to_confirm_again(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request(buyers=2))
    accounts = {"seller_account": "621700000000000001", "buyer_account": "621700000000000002"}
    _, state = await page(
        ccb,
        opened.application_id,
        "confirm",
        {"party": "seller-1", "amount_fen": PRICE, **accounts},
    )
    assert [p["confirmed"] for p in state["parties"]] == [True, False, False]
    _, state = await page(
        ccb,
        opened.application_id,
        "confirm",
        {"party": "buyer-1", "amount_fen": PRICE - 100, **accounts},
    )
    assert [p["confirmed"] for p in state["parties"]] == [False, True, False]
    assert state["amount_fen"] == PRICE - 100
    assert ccb.platform.posted == []


async def test_each_party_must_give_their_own_account_and_an_amount_within_the_price(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    app_id = opened.application_id
    cases = [
        ({"party": "seller-1", "amount_fen": PRICE}, "SELLER_ACCOUNT_REQUIRED"),
        ({"party": "buyer-1", "amount_fen": PRICE}, "BUYER_ACCOUNT_REQUIRED"),
        (
            {"party": "buyer-1", "amount_fen": PRICE + 1, "buyer_account": "621700000000000002"},
            "AMOUNT_INVALID",
        ),
        ({"party": "seller-1", "amount_fen": PRICE, "seller_account": "62170x"}, "ACCOUNT_INVALID"),
        ({"party": "buyer-9", "amount_fen": PRICE}, "UNKNOWN_PARTY"),
    ]
    for body, code in cases:
        status, answer = await page(ccb, app_id, "confirm", body)
        assert (status, answer["error"]["code"]) == (422, code), body


async def test_a_party_cancelling_on_the_page_is_told_to_the_platform_by_callback(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    status, state = await page(ccb, opened.application_id, "cancel", {"reason": "不再办理"})
    assert (status, state["status_label"]) == (200, "已撤销")
    [posted] = ccb.platform.posted
    notice = ccb.adapter.parse_callback(posted.headers, posted.body)
    assert (notice.status, notice.reason) == (
        BankApplicationStatus.CANCELLED,
        "当事人撤销：不再办理",
    )
    status, refused = await page(
        ccb, opened.application_id, "confirm", {"party": "seller-1", "amount_fen": PRICE}
    )
    assert (status, refused["error"]["code"]) == (409, "APPLICATION_SETTLED")


async def test_the_sandbox_bank_can_turn_an_agreement_down_from_its_page(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    status, state = await page(ccb, opened.application_id, "reject", {"reason": "资料不全"})
    assert (status, state["status"]) == (200, "rejected")
    [posted] = ccb.platform.posted
    notice = ccb.adapter.parse_callback(posted.headers, posted.body)
    assert (notice.status, notice.reason) == (BankApplicationStatus.REJECTED, "银行退回：资料不全")


async def test_the_bank_publishes_the_key_its_callbacks_verify_with(ccb: Setup) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{ccb.bank.url}/keys") as resp:
        [key] = (await resp.json())["keys"]
    assert (key["alg"], key["public_key"]) == ("Ed25519", ccb.bank.public_key)
