"""资金监管 end to end, on each store: the service on a real port with the sandbox on, its HTTP
bank adapter talking to the sandbox CCB 龙存管 it serves, the bank's page confirmed as phones
would, and the bank's signed callbacks posted back over HTTP. The sandbox's magic amounts make
the bank reject (…401 元), hold (…402), duplicate (…403) or badly sign (…404) its callback.
The status job is run by hand with the test's clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.app import create_app
from backend.appkeys import PORTS
from backend.banks.keys import sandbox_bank_key
from backend.banks.signing import sign_callback
from backend.demo import DEMO_PASSWORD, seed_demo
from backend.settings import Settings
from backend.signing_keys import Ed25519Signer
from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.supervision import check_fund_supervision
from signing_flow.supervision import GO_TO_BRANCH, GO_TO_CCB, WAIT_FOR_CCB
from tests.api.conftest import full_contract_fields, lookup, repriced
from tests.conftest import FakeClock
from tests.e2e.conftest import free_port

BANK = "/sandbox/v1/banks/ccb"
CALLBACK = "/api/v1/callbacks/banks/ccb"
QUERY_AFTER = timedelta(minutes=15)
ACCOUNTS = {"seller_account": "6217000000000000001", "buyer_account": "6217000000000000002"}


def price(yuan_tail: int) -> int:
    """A price in fen whose yuan end in ``yuan_tail`` (the sandbox bank's magic amounts)."""
    return (1_980_000 + yuan_tail) * 100


@dataclass
class Service:
    base: str
    app: web.Application
    http: aiohttp.ClientSession
    key_dir: str
    token: str | None = None
    others: list[TestServer] = field(default_factory=list)

    async def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        expect: int | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
        base: str | None = None,
    ) -> Any:
        sent = dict(headers or {})
        if token or self.token:
            sent["Authorization"] = f"Bearer {token or self.token}"
        url = path if path.startswith("http") else (base or self.base) + path
        async with self.http.request(method, url, json=json, data=data, headers=sent) as resp:
            body = await resp.json() if resp.content_type == "application/json" else None
            if expect is not None:
                assert resp.status == expect, (resp.status, body)
            return body

    async def login(self, username: str) -> str:
        body = await self.call(
            "POST",
            "/api/v1/auth/login",
            {"username": username, "password": DEMO_PASSWORD},
            expect=200,
        )
        return str(body["token"])

    async def submitted(self, **overrides: Any) -> str:
        body = {"property": lookup("prop-sole"), **full_contract_fields(**overrides)}
        draft = await self.call("POST", "/api/v1/contracts", body, expect=201)
        await self.call("POST", f"/api/v1/contracts/{draft['id']}/submit", expect=200)
        return str(draft["id"])

    async def contract(self, contract_id: str) -> Any:
        return await self.call("GET", f"/api/v1/contracts/{contract_id}", expect=200)

    async def open(self, contract_id: str, expect: int = 201) -> Any:
        path = f"/api/v1/contracts/{contract_id}/fund-supervision/applications"
        return await self.call("POST", path, expect=expect)

    async def confirm_all(self, redirect_url: str) -> None:
        """Each party confirms on the bank's page, as their phones would."""
        state = await self.call("GET", f"{redirect_url}/state", expect=200)
        for party in state["parties"]:
            body = {"party": party["key"], "amount_fen": state["amount_fen"], **ACCOUNTS}
            await self.call("POST", f"{redirect_url}/confirm", body, expect=200)

    async def notices(self, application_id: str) -> list[Any]:
        path = f"{BANK}/controls/applications/{application_id}/notices"
        return list((await self.call("GET", path, expect=200))["notices"])

    async def run_job(self) -> list[str]:
        return (await check_fund_supervision(self.app[PORTS], query_after=QUERY_AFTER)).changed

    def bank_signed(self, body: dict[str, Any], *, at: float | None = None) -> dict[str, str]:
        return sign_callback(sandbox_bank_key(self.key_dir), orjson.dumps(body), at or time.time())

    async def post_callback(
        self, body: dict[str, Any], headers: dict[str, str], expect: int
    ) -> Any:
        return await self.call(
            "POST", CALLBACK, data=orjson.dumps(body), headers=headers, expect=expect
        )

    async def second_process(self, settings: Settings, clock: FakeClock) -> str:
        """Another service process on the same store, as a second worker would be."""
        server = TestServer(create_app(settings, clock=clock), host="127.0.0.1")
        await server.start_server()
        self.others.append(server)
        return str(server.make_url("")).rstrip("/")


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    port = free_port()
    return Settings(
        store_url=store_url,
        key_dir=str(tmp_path / "keys"),
        sandbox=True,
        scheduler=False,
        port=port,
        public_base_url=f"http://127.0.0.1:{port}",
    )


@pytest.fixture
async def service(settings: Settings, clock: FakeClock) -> AsyncIterator[Service]:
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    app = create_app(settings, clock=clock)
    server = TestServer(app, host="127.0.0.1", port=settings.port)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            running = Service(settings.public_base_url, app, http, settings.key_dir)
            running.token = await running.login("agent_li")
            yield running
            for other in running.others:
                await other.close()
    finally:
        await server.close()


async def opened(service: Service, **overrides: Any) -> tuple[str, Any]:
    contract_id = await service.submitted(**overrides)
    return contract_id, await service.open(contract_id)


async def test_the_whole_ccb_path_from_the_jump_to_the_signed_agreement(service: Service) -> None:
    contract_id = await service.submitted()
    before = await service.contract(contract_id)
    assert before["fund_supervision_next_step"] == GO_TO_CCB and before["supervision"] is None
    first = await service.open(contract_id)
    assert first["redirect_url"].startswith(f"{service.base}{BANK}/pages/")
    again = await service.open(contract_id, expect=200)
    assert again["application"]["application_id"] == first["application"]["application_id"]
    async with service.http.get(first["redirect_url"]) as page:
        assert page.status == 200 and "龙存管" in await page.text()
    pending = await service.contract(contract_id)
    assert pending["supervision"]["status_label"] == "待签监管协议"
    assert pending["fund_supervision_next_step"] == WAIT_FOR_CCB
    [todo] = (await service.call("GET", "/api/v1/todo", expect=200))["items"]
    assert todo["fund_supervision_status_label"] == "待签监管协议"

    await service.confirm_all(first["redirect_url"])

    signed = await service.contract(contract_id)
    app = signed["supervision"]
    assert (app["status"], app["status_label"]) == ("signed", "已签监管协议")
    assert app["agreement_number"].startswith("CCBJG") and app["supervision_account"]
    assert app["amount_fen"] == signed["price_fen"]
    assert signed["fund_supervision_next_step"] is None
    assert [e["type"] for e in signed["events"]][-2:] == [
        "fund_supervision_opened",
        "fund_supervision_signed",
    ]
    [notice] = await service.notices(app["application_id"])
    assert notice["deliveries"] == [200]


async def test_a_rejection_shows_its_reason_and_a_new_application_may_follow(
    service: Service,
) -> None:
    contract_id, first = await opened(service, **repriced(price(401)))
    await service.confirm_all(first["redirect_url"])
    rejected = await service.contract(contract_id)
    assert rejected["supervision"]["status_label"] == "银行退回"
    assert "401" in rejected["supervision"]["reason"]
    assert rejected["fund_supervision_next_step"] == GO_TO_CCB
    second = await service.open(contract_id)
    assert second["application"]["application_id"] != first["application"]["application_id"]


async def test_a_duplicated_callback_is_answered_200_and_applied_once(service: Service) -> None:
    contract_id, first = await opened(service, **repriced(price(403)))
    await service.confirm_all(first["redirect_url"])
    [notice] = await service.notices(first["application"]["application_id"])
    assert notice["deliveries"] == [200, 200]
    events = [e["type"] for e in (await service.contract(contract_id))["events"]]
    assert events.count("fund_supervision_signed") == 1


async def test_a_badly_signed_callback_changes_nothing_and_the_job_finds_the_agreement(
    service: Service, clock: FakeClock
) -> None:
    contract_id, first = await opened(service, **repriced(price(404)))
    await service.confirm_all(first["redirect_url"])
    [notice] = await service.notices(first["application"]["application_id"])
    assert notice["deliveries"] == [401]
    assert (await service.contract(contract_id))["supervision"]["status"] == "pending"
    clock.advance(minutes=16)
    assert len(await service.run_job()) == 1
    assert (await service.contract(contract_id))["supervision"]["status"] == "signed"


async def test_a_late_callback_after_the_job_found_the_agreement_changes_nothing(
    service: Service, clock: FakeClock
) -> None:
    contract_id, first = await opened(service, **repriced(price(402)))
    application_id = first["application"]["application_id"]
    await service.confirm_all(first["redirect_url"])
    assert (await service.contract(contract_id))["supervision"]["status"] == "pending"
    clock.advance(minutes=16)
    assert len(await service.run_job()) == 1
    version = (await service.contract(contract_id))["version"]
    path = f"{BANK}/controls/applications/{application_id}/deliver"
    released = await service.call("POST", path, expect=200)
    assert released["deliveries"] == [200]
    after = await service.contract(contract_id)
    assert (after["version"], after["supervision"]["status"]) == (version, "signed")


async def test_forged_replayed_unknown_and_unreadable_callbacks_are_refused_unchanged(
    service: Service,
) -> None:
    contract_id, first = await opened(service)
    application_id = first["application"]["application_id"]
    body = {
        "notification_id": "N-forged",
        "application_id": application_id,
        "status": "signed",
        "occurred_at": "2026-11-25T02:05:00+00:00",
        "agreement_number": "CCBJG20261125999999",
        "supervision_account": "44050170000000000099",
        "amount_fen": 1,
    }
    version = (await service.contract(contract_id))["version"]
    unsigned = await service.post_callback(body, {}, 401)
    assert unsigned["error"]["code"] == "CALLBACK_SIGNATURE_INVALID"
    stranger = sign_callback(Ed25519Signer(bytes(32)), orjson.dumps(body), time.time())
    await service.post_callback(body, stranger, 401)
    stale = await service.post_callback(body, service.bank_signed(body, at=time.time() - 600), 401)
    assert stale["error"]["details"]["reason"] == "TIMESTAMP_OUT_OF_WINDOW"
    unknown = {**body, "application_id": "LCG-nobody"}
    missing = await service.post_callback(unknown, service.bank_signed(unknown), 404)
    assert missing["error"]["code"] == "BANK_APPLICATION_NOT_FOUND"
    garbage = {"hello": "bank"}
    malformed = await service.post_callback(garbage, service.bank_signed(garbage), 400)
    assert malformed["error"]["code"] == "CALLBACK_MALFORMED"
    assert (await service.contract(contract_id))["version"] == version

    # the bank's genuine notice, and the same one replayed within the window
    await service.confirm_all(first["redirect_url"])
    [notice] = await service.notices(application_id)
    genuine = orjson.loads(notice["body"])
    version = (await service.contract(contract_id))["version"]
    replay = await service.post_callback(genuine, service.bank_signed(genuine), 200)
    assert replay == {"result": "duplicate"}
    assert (await service.contract(contract_id))["version"] == version


async def test_reordered_callbacks_leave_the_newest_state(
    service: Service, clock: FakeClock
) -> None:
    contract_id, first = await opened(service)
    application_id = first["application"]["application_id"]
    at = clock.now()
    signed = {
        "notification_id": "N-1",
        "application_id": application_id,
        "status": "signed",
        "occurred_at": (at + timedelta(minutes=1)).isoformat(),
        "agreement_number": "CCBJG20261125000001",
        "supervision_account": "44050170000000000001",
    }
    cancelled = {
        "notification_id": "N-2",
        "application_id": application_id,
        "status": "cancelled",
        "occurred_at": (at + timedelta(minutes=2)).isoformat(),
        "reason": "当事人撤销",
    }
    assert await service.post_callback(cancelled, service.bank_signed(cancelled), 200) == {
        "result": "applied"
    }
    assert await service.post_callback(signed, service.bank_signed(signed), 200) == {
        "result": "stale"
    }
    app = (await service.contract(contract_id))["supervision"]
    assert (app["status"], app["agreement_number"]) == ("cancelled", None)


async def test_a_bank_that_is_down_answers_503_and_the_job_retries_until_it_is_back(
    service: Service, clock: FakeClock
) -> None:
    outage = f"{BANK}/controls/outage"
    contract_id = await service.submitted(**repriced(price(402)))  # its callback is held
    await service.call("PUT", outage, {"down": True}, expect=200)
    down = await service.open(contract_id, expect=503)
    assert down["error"]["code"] == "BANK_UNAVAILABLE"
    assert (await service.contract(contract_id))["supervision"] is None
    await service.call("PUT", outage, {"down": False}, expect=200)
    first = await service.open(contract_id)
    await service.confirm_all(first["redirect_url"])
    await service.call("PUT", outage, {"down": True}, expect=200)
    clock.advance(minutes=16)
    assert await service.run_job() == []
    assert (await service.contract(contract_id))["supervision"]["status"] == "pending"
    await service.call("PUT", outage, {"down": False}, expect=200)
    clock.advance(minutes=1)
    assert len(await service.run_job()) == 1
    assert (await service.contract(contract_id))["supervision"]["status"] == "signed"


async def test_the_bank_changes_only_after_the_agreement_is_cancelled_at_the_bank(
    service: Service,
) -> None:
    contract_id, first = await opened(service)
    await service.confirm_all(first["redirect_url"])
    to_branch = {"fund_supervision": {"enabled": True, "bank": "zsrcb"}}
    refused = await service.call("PATCH", f"/api/v1/contracts/{contract_id}", to_branch, expect=409)
    assert refused["error"]["code"] == "SUPERVISION_CANCEL_REQUIRED"
    cancel = f"/api/v1/contracts/{contract_id}/fund-supervision/cancellation"
    cancelled = await service.call("POST", cancel, {"reason": "改为农商行监管"}, expect=200)
    assert cancelled["supervision"]["status_label"] == "已取消"
    state = await service.call("GET", f"{first['redirect_url']}/state", expect=200)
    assert state["status"] == "cancelled"
    edited = await service.call("PATCH", f"/api/v1/contracts/{contract_id}", to_branch, expect=200)
    assert edited["fund_supervision"]["bank"] == "zsrcb"


async def test_the_zsrcb_path_is_recorded_by_staff_after_the_branch(service: Service) -> None:
    branch = {"fund_supervision": {"enabled": True, "bank": "zsrcb"}}
    contract_id = await service.submitted(**branch)
    contract = await service.contract(contract_id)
    assert contract["fund_supervision_next_step"] == GO_TO_BRANCH
    not_online = await service.open(contract_id, expect=409)
    assert not_online["error"]["code"] == "SUPERVISION_NOT_ONLINE"
    path = f"/api/v1/contracts/{contract_id}/fund-supervision/branch-agreement"
    invalid = await service.call("PUT", path, {"agreement_number": "123", "branch": ""}, expect=422)
    assert {f["path"] for f in invalid["error"]["details"]["fields"]} == {
        "agreement_number",
        "branch",
    }
    staff = await service.login("center_chen")
    good = {"agreement_number": "NSJG202600012345", "branch": "中山农商银行石岐支行"}
    recorded = await service.call("PUT", path, good, expect=200, token=staff)
    assert recorded["supervision"]["status_label"] == "已签监管协议"
    assert (await service.contract(contract_id))["fund_supervision_next_step"] is None


async def test_an_application_still_pending_at_the_deadline_expires_and_is_cancelled_at_the_bank(
    service: Service, clock: FakeClock
) -> None:
    contract_id, first = await opened(service)
    clock.set(clock.now() + timedelta(days=2))  # past the end of the next natural day
    assert len(await service.run_job()) == 1
    service.token = await service.login("agent_li")  # the agent's session ended meanwhile
    assert (await service.contract(contract_id))["supervision"]["status_label"] == "已过期"
    state = await service.call("GET", f"{first['redirect_url']}/state", expect=200)
    assert state["status"] == "cancelled"


async def test_filing_goes_on_while_the_agreement_is_pending(service: Service) -> None:
    contract_id, _ = await opened(service)
    order = await service.call(
        "POST", f"/api/v1/contracts/{contract_id}/signing-orders", expect=201
    )
    assert order["contract_status"] == "signing"


async def test_a_callback_arriving_while_the_agent_edits_keeps_both(
    service: Service, settings: Settings, clock: FakeClock
) -> None:
    """The agent edits on one worker while the bank's callback lands on another."""
    other = await service.second_process(settings, clock)
    for round_ in range(3):
        contract_id, first = await opened(service, **repriced(price(0)))
        state = await service.call("GET", f"{first['redirect_url']}/state", expect=200)
        *earlier, last = state["parties"]
        for party in earlier:
            body = {"party": party["key"], "amount_fen": state["amount_fen"], **ACCOUNTS}
            await service.call("POST", f"{first['redirect_url']}/confirm", body, expect=200)
        last_body = {"party": last["key"], "amount_fen": state["amount_fen"], **ACCOUNTS}
        terms = {"supplementary_terms": f"补充条款{round_}"}
        await asyncio.gather(
            service.call("POST", f"{first['redirect_url']}/confirm", last_body, expect=200),
            service.call(
                "PATCH", f"/api/v1/contracts/{contract_id}", terms, expect=200, base=other
            ),
        )
        after = await service.contract(contract_id)
        assert after["supplementary_terms"] == f"补充条款{round_}"
        assert after["supervision"]["status"] == "signed"
        # the next round's contract is on the same property: this one goes, its agreement first
        cancel = f"/api/v1/contracts/{contract_id}/fund-supervision/cancellation"
        await service.call("POST", cancel, {"reason": "重新测试"}, expect=200)
        await service.call("DELETE", f"/api/v1/contracts/{contract_id}", expect=200)


async def test_each_partys_phone_links_to_the_bank_page_while_the_agreement_waits(
    service: Service,
) -> None:
    contract_id, first = await opened(service)
    order = await service.call(
        "POST", f"/api/v1/contracts/{contract_id}/signing-orders", expect=201
    )
    for party in order["parties"]:
        qr = f"/api/v1/signing-orders/{order['id']}/parties/{party['party_id']}/qrcode"
        url = (await service.call("GET", qr, expect=200))["url"]
        token = url.split("token=", 1)[1]
        opened_session = await service.call("POST", "/mp/v1/sessions", {"token": token}, expect=201)
        fund = opened_session["view"]["fund_supervision"]
        assert (fund["redirect_url"], fund["status_label"]) == (
            first["redirect_url"],
            "待签监管协议",
        )
    await service.confirm_all(first["redirect_url"])
    view = await service.call(
        "GET", "/mp/v1/order", expect=200, token=opened_session["session_token"]
    )
    assert view["fund_supervision"]["redirect_url"] is None
    assert view["fund_supervision"]["status_label"] == "已签监管协议"
