"""The HTTP adapter to CCB 龙存管 against the sandbox bank running as a separate server, over
real HTTP: signed requests, signed callbacks, and the bank being down."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from backend.banks import signing
from backend.banks.ccb import BankRequestRefused, CcbBank
from backend.signing_keys import Ed25519Signer
from signing_flow.fund_supervision import BankApplicationStatus, BankUnavailable, CallbackRefused
from tests.integration.ccb_bank import APP_ID, Setup, bank_setup


@pytest.fixture
async def ccb(tmp_path: Path) -> AsyncIterator[Setup]:
    async with bank_setup(f"sqlite:///{tmp_path}/bank.db", tmp_path) as setup:
        yield setup


async def test_the_whole_application_on_both_stores(store_url: str, tmp_path: Path) -> None:
    async with bank_setup(store_url, tmp_path) as ccb:
        opened = await ccb.adapter.open_application(ccb.request(buyers=2))
        assert opened.redirect_url == f"{ccb.bank.url}/pages/{opened.application_id}"
        pending = await ccb.adapter.query_application(opened.application_id)
        assert (pending.status, pending.notification_id) == (BankApplicationStatus.PENDING, None)

        await ccb.confirm_all(opened.application_id)

        [posted] = ccb.platform.posted
        notice = ccb.adapter.parse_callback(posted.headers, posted.body)
        assert notice.status is BankApplicationStatus.SIGNED
        assert notice.application_id == opened.application_id
        assert notice.notification_id
        assert notice.amount_fen == 100_000_000
        assert notice.agreement_number and notice.agreement_number.startswith("CCBJG")
        assert notice.supervision_account and notice.supervision_account.isdigit()
        queried = await ccb.adapter.query_application(opened.application_id)
        assert (queried.status, queried.agreement_number) == (
            BankApplicationStatus.SIGNED,
            notice.agreement_number,
        )


async def test_the_platform_cancels_a_signed_agreement_and_a_repeated_cancel_is_harmless(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    await ccb.confirm_all(opened.application_id)
    cancelled = await ccb.adapter.cancel_application(opened.application_id, "更换监管银行")
    assert cancelled.status is BankApplicationStatus.CANCELLED
    assert cancelled.reason == "平台撤销：更换监管银行"
    again = await ccb.adapter.cancel_application(opened.application_id, "再次撤销")
    assert (again.status, again.reason) == (BankApplicationStatus.CANCELLED, cancelled.reason)
    assert len(ccb.platform.posted) == 1  # the signed callback only: the platform asked itself


async def test_a_callback_with_a_forged_signature_is_refused(ccb: Setup) -> None:
    body = b'{"notification_id":"n1"}'
    headers = signing.sign_callback(Ed25519Signer(bytes(32)), body, time.time())
    with pytest.raises(CallbackRefused) as refused:
        ccb.adapter.parse_callback(headers, body)
    assert refused.value.code == "SIGNATURE_INVALID"


async def test_a_callback_whose_body_was_changed_after_signing_is_refused(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    await ccb.confirm_all(opened.application_id)
    [posted] = ccb.platform.posted
    tampered = posted.body.replace(b'"signed"', b'"rejected"')
    with pytest.raises(CallbackRefused) as refused:
        ccb.adapter.parse_callback(posted.headers, tampered)
    assert refused.value.code == "SIGNATURE_INVALID"


async def test_a_callback_without_signature_headers_is_refused(ccb: Setup) -> None:
    with pytest.raises(CallbackRefused) as refused:
        ccb.adapter.parse_callback({"Content-Type": "application/json"}, b"{}")
    assert refused.value.code == "SIGNATURE_MISSING"


@pytest.mark.parametrize("skew", [-301, 301])
async def test_a_callback_signed_outside_five_minutes_is_refused(ccb: Setup, skew: int) -> None:
    body = b"{}"
    headers = signing.sign_callback(ccb.bank.bank.key, body, time.time() + skew)
    with pytest.raises(CallbackRefused) as refused:
        ccb.adapter.parse_callback(headers, body)
    assert refused.value.code == "TIMESTAMP_OUT_OF_WINDOW"


async def test_a_callback_signed_within_five_minutes_is_accepted(ccb: Setup) -> None:
    body = json.dumps(
        {
            "notification_id": "n1",
            "application_id": "a1",
            "status": "rejected",
            "occurred_at": "2026-11-29T10:00:00+00:00",
            "reason": "资料不全",
        }
    ).encode()
    headers = signing.sign_callback(ccb.bank.bank.key, body, time.time() - 290)
    notice = ccb.adapter.parse_callback(headers, body)
    assert (notice.status, notice.reason) == (BankApplicationStatus.REJECTED, "资料不全")


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"notification_id": "n1", "status": "signed"}', b"\xff\xfe"],
)
async def test_a_well_signed_but_unreadable_callback_is_refused(ccb: Setup, body: bytes) -> None:
    headers = signing.sign_callback(ccb.bank.bank.key, body, time.time())
    with pytest.raises(CallbackRefused) as refused:
        ccb.adapter.parse_callback(headers, body)
    assert refused.value.code == "CALLBACK_MALFORMED"


async def test_the_bank_refuses_a_request_not_signed_with_the_registered_key(ccb: Setup) -> None:
    async with aiohttp.ClientSession() as session:
        stranger = CcbBank(
            session, ccb.bank.url, APP_ID, Ed25519Signer(bytes(32)), [], require_https=False
        )
        with pytest.raises(BankRequestRefused) as refused:
            await stranger.open_application(ccb.request())
    assert (refused.value.status, refused.value.code) == (401, "SIGNATURE_INVALID")


async def test_the_platforms_expiry_cancel_leaves_an_agreement_the_parties_signed(
    ccb: Setup,
) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    await ccb.confirm_all(opened.application_id)
    kept = await ccb.adapter.cancel_application(opened.application_id, "逾期", only_if_pending=True)
    assert (kept.status, kept.agreement_number is not None) == (BankApplicationStatus.SIGNED, True)
    other = await ccb.adapter.open_application(ccb.request())
    gone = await ccb.adapter.cancel_application(other.application_id, "逾期", only_if_pending=True)
    assert gone.status is BankApplicationStatus.CANCELLED


async def test_a_redirect_url_off_the_banks_origin_or_over_http_is_refused(ccb: Setup) -> None:
    other_host = ccb.bank.url.replace("127.0.0.1", "localhost")
    async with aiohttp.ClientSession() as session:
        for adapter in (
            CcbBank(session, ccb.bank.url, APP_ID, ccb.platform.key, []),  # https required
            CcbBank(session, other_host, APP_ID, ccb.platform.key, [], require_https=False),
        ):
            with pytest.raises(BankRequestRefused) as refused:
                await adapter.open_application(ccb.request())
            assert refused.value.code == "REDIRECT_URL_UNTRUSTED"
    assert (await ccb.adapter.open_application(ccb.request())).redirect_url.startswith(ccb.bank.url)


async def test_a_bank_in_outage_is_unavailable_until_it_recovers(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    await ccb.bank.bank.set_down(True)
    with pytest.raises(BankUnavailable) as down:
        await ccb.adapter.query_application(opened.application_id)
    assert not isinstance(down.value, BankRequestRefused)  # a 503: retried later
    await ccb.bank.bank.set_down(False)
    assert (await ccb.adapter.query_application(opened.application_id)).status == "pending"


async def test_a_bank_that_does_not_answer_is_unavailable(ccb: Setup) -> None:
    async with aiohttp.ClientSession() as session:
        nowhere = CcbBank(
            session, "http://127.0.0.1:9/sandbox/v1/banks/ccb", APP_ID, ccb.platform.key, []
        )
        with pytest.raises(BankUnavailable):
            await nowhere.open_application(ccb.request())


async def test_an_unknown_application_is_not_found_at_the_bank(ccb: Setup) -> None:
    with pytest.raises(BankRequestRefused) as refused:
        await ccb.adapter.query_application("LCGnope")
    assert (refused.value.status, refused.value.code) == (404, "APPLICATION_NOT_FOUND")


async def test_the_bank_refuses_a_signed_request_replayed_within_the_window(ccb: Setup) -> None:
    body = b'{"reason": "x"}'
    opened = await ccb.adapter.open_application(ccb.request())
    path = f"/sandbox/v1/banks/ccb/applications/{opened.application_id}/cancel"
    headers = signing.sign_request(ccb.platform.key, APP_ID, "POST", path, body, time.time())
    headers["Content-Type"] = "application/json"
    url = ccb.bank.url + f"/applications/{opened.application_id}/cancel"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers=headers) as first:
            assert first.status == 200
        async with http.post(url, data=body, headers=headers) as replay:
            assert (replay.status, (await replay.json())["error"]["code"]) == (401, "NONCE_REUSED")


async def test_callback_header_names_are_read_in_any_case(ccb: Setup) -> None:
    opened = await ccb.adapter.open_application(ccb.request())
    await ccb.confirm_all(opened.application_id)
    [posted] = ccb.platform.posted
    lowered = {name.lower(): value for name, value in posted.headers.items()}
    assert ccb.adapter.parse_callback(lowered, posted.body).status == "signed"
