"""The e-signing handshake (guide §2.2 (六)–(九)): orders, QR codes, the mini-program, filing."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.app import create_app
from backend.appkeys import QR_CACHE, STORE
from backend.demo import DEMO_BUYERS, seed_demo
from backend.settings import Settings
from backend.signing_keys import b64url_decode
from backend.storage import open_store
from backend.storage.sweeps import StoreSweeps
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.jobs import purge_stale_contracts
from signing_flow.ports import Lifetimes
from signing_flow.receipts import canonical_json
from tests.api.conftest import Api, ClientFactory, Phone, qr_url, repriced, submitted_contract
from tests.conftest import FakeClock


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


async def signing_phone(
    agent: Api, client: TestClient[Any, Any], order: Any, party_id: str
) -> Phone:
    phone = Phone(client)
    await phone.scan(await qr_url(agent, order["id"], party_id))
    return phone


async def at_police_check(
    agent: Api, client: TestClient[Any, Any], order: Any, party_id: str
) -> Phone:
    phone = await signing_phone(agent, client, order, party_id)
    document = await phone.api.get("/mp/v1/document")
    await phone.step("review", {"document_sha256": document["sha256"]})
    await phone.step("confirm")
    return phone


async def test_an_offline_contract_gets_no_signing_order(agent: Api) -> None:
    contract = await submitted_contract(agent, channel="offline")
    body = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=409)
    assert body["error"]["code"] == "CHANNEL_OFFLINE"


async def test_order_creation_names_each_party_that_must_sign_at_the_window(agent: Api) -> None:
    from backend.demo import synthetic_id

    minor = {
        "name": "小明",
        "id_type": "resident_id",
        "id_number": synthetic_id("20150601", "314"),
        "phone": "13800138009",
        "share_bp": 5000,
    }
    foreigner = {
        "name": "John Smith",
        "id_type": "passport",
        "id_number": "E12345678",
        "phone": "13800138008",
        "share_bp": 5000,
    }
    contract = await submitted_contract(agent, buyers=[minor, foreigner])
    body = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=409)
    assert body["error"]["code"] == "ONLINE_SIGNING_NOT_AVAILABLE"
    assert [(p["party_id"], p["code"]) for p in body["error"]["details"]["parties"]] == [
        ("b1", "MINOR"),
        ("b2", "NO_18_DIGIT_ID"),
    ]
    assert (await agent.get(f"/api/v1/contracts/{contract['id']}"))["status"] == "submitted"


async def test_a_qr_token_works_once(agent: Api, client: TestClient[Any, Any]) -> None:
    _, order = await new_order(agent)
    url = await qr_url(agent, order["id"], "s1")
    await Phone(client).scan(url)
    body = await Phone(client).scan(url, expect=410)
    assert body["error"]["code"] == "TOKEN_USED"


async def test_an_unknown_party_session_gets_401(client: TestClient[Any, Any]) -> None:
    phone = Phone(client)
    phone.api.token = "B" * 43
    body = await phone.step("confirm", expect=401)
    assert body["error"]["code"] == "SESSION_INVALID"


async def test_an_unknown_qr_token_gets_404(client: TestClient[Any, Any]) -> None:
    body = await Phone(client).scan("http://x/mp/scan?token=" + "A" * 43, expect=404)
    assert body["error"]["code"] == "TOKEN_NOT_FOUND"


async def test_the_same_qr_is_shown_again_until_a_minute_before_it_expires(
    agent: Api, client: TestClient[Any, Any], clock: FakeClock
) -> None:
    _, order = await new_order(agent)
    first = await qr_url(agent, order["id"], "s1")
    clock.advance(minutes=8, seconds=59)
    assert await qr_url(agent, order["id"], "s1") == first
    clock.advance(seconds=2)  # 59 s left: rotate
    second = await qr_url(agent, order["id"], "s1")
    assert second != first
    assert (await Phone(client).scan(first, expect=410))["error"]["code"] == "TOKEN_REPLACED"
    await Phone(client).scan(second)


async def test_an_expired_qr_token_gets_410(
    agent: Api, client: TestClient[Any, Any], clock: FakeClock
) -> None:
    _, order = await new_order(agent)
    url = await qr_url(agent, order["id"], "s1")
    clock.advance(minutes=10)
    body = await Phone(client).scan(url, expect=410)
    assert body["error"]["code"] == "TOKEN_EXPIRED"


async def test_a_used_qr_is_replaced_by_a_new_one_for_a_second_scan(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    first = await qr_url(agent, order["id"], "s1")
    await Phone(client).scan(first)
    assert await qr_url(agent, order["id"], "s1") != first


async def test_a_new_session_for_a_party_ends_the_old_one(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    old = await signing_phone(agent, client, order, "s1")
    new = await signing_phone(agent, client, order, "s1")
    body = await old.api.get("/mp/v1/order", expect=401)
    assert body["error"]["code"] == "SESSION_REPLACED"
    assert (await new.api.get("/mp/v1/order"))["step"] == "opened"


async def test_a_party_session_expires_after_30_minutes(
    agent: Api, client: TestClient[Any, Any], clock: FakeClock
) -> None:
    _, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    clock.advance(minutes=30)
    body = await phone.step("confirm", expect=401)
    assert body["error"]["code"] == "SESSION_EXPIRED"


async def test_a_session_acts_only_for_its_own_party(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    view = await phone.api.get("/mp/v1/order")
    assert view["party_id"] == "s1"
    assert all("id_number" not in other for other in view["others"])
    name, id_number = people(contract)["b1"]
    document = await phone.api.get("/mp/v1/document")
    await phone.step("review", {"document_sha256": document["sha256"]})
    await phone.step("confirm")
    # Entering another party's identity is a failed check, never that party's progress.
    body = await phone.step(
        "police-verification", {"name": name, "id_number": id_number}, expect=422
    )
    assert body["error"]["code"] == "POLICE_MISMATCH"
    status = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    assert {p["party_id"]: p["step"] for p in status["parties"]}["b1"] == "pending"


async def test_the_document_masks_every_id_number(agent: Api, client: TestClient[Any, Any]) -> None:
    contract, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    text = (await phone.api.get("/mp/v1/document"))["text"]
    for _, id_number in people(contract).values():
        assert id_number not in text
    assert "按份共有" in text and "份额60.00%" in text
    # the bank as the contract names it, without the agent's notes of BANK_LABELS
    assert "选择由中国建设银行对本次交易资金进行监管" in text and "龙存管" not in text


async def test_a_waived_fund_supervision_puts_the_joint_statement_in_the_document(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent, fund_supervision={"enabled": False})
    phone = await signing_phone(agent, client, order, "s1")
    text = (await phone.api.get("/mp/v1/document"))["text"]
    assert "自愿放弃存量房交易资金监管的共同声明" in text


async def test_steps_out_of_order_get_409_naming_the_next_step(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    body = await phone.step("confirm", expect=409)
    assert body["error"]["code"] == "OUT_OF_ORDER"
    assert body["error"]["details"]["next_step"] == "review"
    body = await phone.step("authorize", {"face_sample": "match"}, expect=409)
    assert body["error"]["details"]["next_step"] == "review"


async def test_a_review_with_another_documents_hash_is_refused(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    body = await phone.step("review", {"document_sha256": "0" * 64}, expect=409)
    assert body["error"]["code"] == "DOCUMENT_CHANGED"
    assert (await phone.api.get("/mp/v1/order"))["step"] == "opened"


async def test_a_revoked_id_fails_the_police_check(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    from backend.demo import synthetic_id

    revoked = {**DEMO_BUYERS[0], "id_number": synthetic_id("19920214", "999"), "share_bp": 6000}
    _, order = await new_order(agent, buyers=[revoked, {**DEMO_BUYERS[1], "share_bp": 4000}])
    phone = await at_police_check(agent, client, order, "b1")
    body = await phone.step(
        "police-verification",
        {"name": revoked["name"], "id_number": revoked["id_number"]},
        expect=422,
    )
    assert body["error"]["code"] == "ID_REVOKED"
    assert body["error"]["details"]["attempts_left"] == 2


async def test_a_police_outage_answers_503_and_uses_no_attempt(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    from backend.demo import synthetic_id

    flaky = {**DEMO_BUYERS[0], "id_number": synthetic_id("19920214", "998"), "share_bp": 6000}
    _, order = await new_order(agent, buyers=[flaky, {**DEMO_BUYERS[1], "share_bp": 4000}])
    phone = await at_police_check(agent, client, order, "b1")
    resp = await phone.api.client.post(
        "/mp/v1/police-verification",
        json={"name": flaky["name"], "id_number": flaky["id_number"]},
        headers=phone.api.headers(),
    )
    assert resp.status == 503 and resp.headers["Retry-After"] == "1"
    assert (await resp.json())["error"]["code"] == "POLICE_SERVICE_UNAVAILABLE"
    view = await phone.api.get("/mp/v1/order")
    assert view["attempts_left"] == 3 and view["step"] == "confirmed"


async def test_face_outcomes_follow_the_sandbox_rules(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    name, id_number = people(contract)["s1"]
    phone = await at_police_check(agent, client, order, "s1")
    await phone.step("police-verification", {"name": name, "id_number": id_number})
    assert (await phone.step("authorize", {"face_sample": "mismatch"}, expect=422))["error"][
        "code"
    ] == "FACE_MISMATCH"
    assert (await phone.step("authorize", {"face_sample": "no_liveness"}, expect=422))["error"][
        "code"
    ] == "LIVENESS_FAILED"
    timeout = await phone.step("authorize", {"face_sample": "timeout"}, expect=503)
    assert timeout["error"]["code"] == "FACE_SERVICE_UNAVAILABLE"
    view = await phone.step("authorize", {"face_sample": "match"})
    assert view["step"] == "signed" and view["attempts_left"] == 1


async def test_three_failed_checks_lock_the_party_and_fail_the_order(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    name, id_number = people(contract)["s1"]
    phone = await at_police_check(agent, client, order, "s1")
    await phone.step(
        "police-verification", {"name": name, "id_number": "11010519491231002X"}, expect=422
    )
    await phone.step("police-verification", {"name": "别人", "id_number": id_number}, expect=422)
    await phone.step("police-verification", {"name": name, "id_number": id_number})
    last = await phone.step("authorize", {"face_sample": "mismatch"}, expect=422)
    assert last["error"]["details"] == {"attempts_left": 0, "party_step": "locked"}
    status = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    assert status["status"] == "failed"
    assert status["parties"][0]["step"] == "locked"
    assert status["contract_status"] == "submitted"
    assert (await phone.api.get("/mp/v1/order", expect=410))["error"]["code"] == "ORDER_CLOSED"


async def test_a_party_that_declines_ends_the_order_as_declined(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "b2")
    await phone.step("decline", {"reason": "价格未谈妥"})
    status = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    assert status["status"] == "declined" and status["contract_status"] == "submitted"


async def test_cancelling_the_order_returns_the_contract_to_draft_and_kills_its_tokens(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    phone = await signing_phone(agent, client, order, "s1")
    unused = await qr_url(agent, order["id"], "s2")
    cancelled = await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")
    assert cancelled["status_label"] == "已注销电子合同订单"
    assert cancelled["contract_status"] == "draft"
    assert (await phone.step("confirm", expect=410))["error"]["code"] == "ORDER_CLOSED"
    assert (await Phone(client).scan(unused, expect=410))["error"]["code"] == "ORDER_CLOSED"
    # Edit, submit again, and a new order is generated.
    await agent.patch(f"/api/v1/contracts/{contract['id']}", repriced(197_000_000))
    await agent.post(f"/api/v1/contracts/{contract['id']}/submit")
    again = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    assert again["id"] != order["id"] and again["document_sha256"] != order["document_sha256"]


async def test_an_order_cannot_be_submitted_before_everyone_signed(agent: Api) -> None:
    _, order = await new_order(agent)
    body = await agent.post(f"/api/v1/signing-orders/{order['id']}/submit", expect=409)
    assert body["error"]["code"] == "ORDER_STATE_CONFLICT"
    assert body["error"]["details"]["current_state"] == "awaiting_signatures"
    assert body["error"]["details"]["allowed_actions"] == ["cancel"]


async def signed_order(agent: Api, client: TestClient[Any, Any]) -> tuple[Any, Any]:
    contract, order = await new_order(agent)
    for party_id, (name, id_number) in people(contract).items():
        phone = await signing_phone(agent, client, order, party_id)
        await phone.sign_through(name, id_number)
    return contract, order


async def test_a_filed_contract_can_no_longer_change(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await signed_order(agent, client)
    body = await agent.patch(f"/api/v1/contracts/{contract['id']}", {"price_fen": 1}, expect=409)
    assert body["error"]["details"]["current_state"] == "signed"
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    for call in (
        agent.patch(f"/api/v1/contracts/{contract['id']}", {"price_fen": 1}, expect=409),
        agent.delete(f"/api/v1/contracts/{contract['id']}", expect=409),
        agent.post(f"/api/v1/signing-orders/{order['id']}/cancel", expect=409),
    ):
        assert (await call)["error"]["details"]["current_state"] in ("filed", "submitted")


async def test_receipts_verify_with_the_published_key(
    agent: Api, client: TestClient[Any, Any], anonymous: Api
) -> None:
    _, order = await signed_order(agent, client)
    keys = (await anonymous.get("/api/v1/signing-keys"))["keys"]
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(keys[0]["public_key"]))
    status = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    for party in status["parties"]:
        receipt = party["receipt"]
        assert receipt["key_id"] == keys[0]["key_id"]
        assert receipt["payload"]["document_sha256"] == status["document_sha256"]
        public.verify(b64url_decode(receipt["signature"]), canonical_json(receipt["payload"]))


async def test_the_status_answers_304_while_nothing_changed(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}"
    first = await client.get(path, headers=agent.headers())
    etag = first.headers["ETag"]
    same = await client.get(path, headers={**agent.headers(), "If-None-Match": etag})
    assert same.status == 304
    await signing_phone(agent, client, order, "s1")
    changed = await client.get(path, headers={**agent.headers(), "If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag


async def test_an_answer_given_again_ends_with_the_session(
    agent: Api, other_process: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}"
    assert await agent.get(path) == await agent.get(path)  # the second, given again
    await Api(other_process, agent.token).call("POST", "/api/v1/auth/logout", expect=204)
    assert (await agent.get(path, expect=401))["error"]["code"] == "SESSION_INVALID"


async def test_an_answer_given_again_ends_when_the_session_expires(
    agent: Api, clock: FakeClock
) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}"
    assert await agent.get(path) == await agent.get(path)
    clock.advance(hours=12, seconds=1)
    assert (await agent.get(path, expect=401))["error"]["code"] == "SESSION_INVALID"


async def test_an_answer_given_again_ends_when_the_order_expires(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> None:
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    short = replace(settings, lifetimes=Lifetimes(order=60))
    agent = await Api(await aiohttp_client(create_app(short, clock=clock))).login("agent_li")
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}"
    assert await agent.get(path) == await agent.get(path)
    clock.set(datetime.fromisoformat(order["expires_at"]))
    assert (await agent.get(path))["status"] == "expired"


async def test_a_change_to_the_contract_alone_is_not_answered_304(
    agent: Api, anonymous: Api, client: TestClient[Any, Any], clock: FakeClock
) -> None:
    _, order = await new_order(agent)
    await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")  # the order ends here
    path = f"/api/v1/signing-orders/{order['id']}"
    before = await client.get(path, headers=agent.headers())
    assert (await before.json())["contract_status"] == "draft"
    clock.advance(days=3)
    await purge_stale_contracts(StoreSweeps(client.app[STORE]), clock)
    again = await anonymous.login("agent_li")  # the first session has expired by now
    after = await client.get(
        path, headers={**again.headers(), "If-None-Match": before.headers["ETag"]}
    )
    assert after.status == 200 and (await after.json())["contract_status"] == "deleted"


async def test_a_poll_sees_at_once_a_step_taken_through_another_process(
    agent: Api, client: TestClient[Any, Any], other_process: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    elsewhere = Api(other_process, agent.token)
    path = f"/api/v1/signing-orders/{order['id']}"
    before = await elsewhere.get(path)
    assert await elsewhere.get(path) == before  # served again from what it holds
    await signing_phone(agent, client, order, "s1")
    after = await elsewhere.get(path)
    assert after["version"] > before["version"]
    assert {p["party_id"]: p["step"] for p in after["parties"]}["s1"] == "opened"


async def test_a_long_poll_returns_as_soon_as_a_party_acts(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    _, order = await new_order(agent)
    url = await qr_url(agent, order["id"], "s1")
    path = f"/api/v1/signing-orders/{order['id']}?wait=10&version={order['version']}"
    poll = asyncio.create_task(agent.get(path))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = asyncio.get_running_loop().time()
    await Phone(client).scan(url)
    body = await asyncio.wait_for(poll, 5)
    assert body["version"] > order["version"]
    assert asyncio.get_running_loop().time() - started < 2


async def test_a_long_poll_with_nothing_new_returns_after_the_wait(agent: Api) -> None:
    _, order = await new_order(agent)
    body = await agent.get(
        f"/api/v1/signing-orders/{order['id']}?wait=1&version={order['version']}"
    )
    assert body["version"] == order["version"]
    bad = await agent.get(f"/api/v1/signing-orders/{order['id']}?wait=31", expect=422)
    assert {f["path"] for f in bad["error"]["details"]["fields"]} == {"wait", "version"}


async def test_another_agency_cannot_see_the_order(agent: Api, anonymous: Api) -> None:
    _, order = await new_order(agent)
    other = await anonymous.login("agent_wang")
    await other.get(f"/api/v1/signing-orders/{order['id']}", expect=404)
    await other.get(f"/api/v1/signing-orders/{order['id']}/parties/s1/qrcode", expect=404)


async def test_qr_images_are_made_once_per_token(agent: Api, client: TestClient[Any, Any]) -> None:
    _, order = await new_order(agent)
    path = f"/api/v1/signing-orders/{order['id']}/parties/s1/qrcode"
    cache = client.app[QR_CACHE]
    png = await client.get(path + ".png", headers=agent.headers())
    assert png.content_type == "image/png" and (await png.read())[:4] == b"\x89PNG"
    await client.get(path + ".png", headers=agent.headers())
    svg = await client.get(path + ".svg", headers=agent.headers())
    assert svg.content_type == "image/svg+xml"
    assert cache.encodes == 2


# ---- races -----------------------------------------------------------------------------


async def test_two_parties_acting_at_the_same_instant_both_succeed(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    phones = [await signing_phone(agent, client, order, pid) for pid in ("s1", "s2", "b1", "b2")]
    ids = people(contract)
    views = await asyncio.gather(
        *(phone.sign_through(*ids[pid]) for phone, pid in zip(phones, ids, strict=True))
    )
    assert all(v["step"] == "signed" for v in views)
    status = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    assert status["status"] == "completed" and status["contract_status"] == "signed"


async def test_a_party_authorizing_while_the_agent_cancels_ends_one_way(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    name, id_number = people(contract)["s1"]
    phone = await at_police_check(agent, client, order, "s1")
    await phone.step("police-verification", {"name": name, "id_number": id_number})
    (auth_status, _), (cancel_status, _) = await asyncio.gather(
        phone.api.call("POST", "/mp/v1/authorize", {"face_sample": "match"}),
        agent.call("POST", f"/api/v1/signing-orders/{order['id']}/cancel"),
    )
    status = await agent.get(f"/api/v1/signing-orders/{order['id']}")
    assert cancel_status == 200 and status["status"] == "cancelled"
    signed = status["parties"][0]["step"] == "signed"
    assert (auth_status == 200) == signed
    assert auth_status in (200, 410)


async def test_a_repeated_authorize_never_yields_two_receipts(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await new_order(agent)
    name, id_number = people(contract)["s1"]
    phone = await at_police_check(agent, client, order, "s1")
    await phone.step("police-verification", {"name": name, "id_number": id_number})
    results = await asyncio.gather(
        *(phone.api.call("POST", "/mp/v1/authorize", {"face_sample": "match"}) for _ in range(4))
    )
    assert sorted(status for status, _ in results) == [200, 409, 409, 409]
    full = await agent.get(f"/api/v1/contracts/{contract['id']}")
    assert [e["action"] for e in full["events"]].count("party_signed") == 1


async def test_an_unknown_order_is_answered_as_an_unknown_order(agent: Api) -> None:
    """Whether its contract exists or not: the caller asked for an order."""
    contract, _ = await new_order(agent)
    for oid in (f"{contract['id']}-o9", "no-such-contract-o1"):
        for method, path in (
            ("GET", ""),
            ("GET", "/parties/s1/qrcode"),
            ("POST", "/cancel"),
            ("POST", "/submit"),
        ):
            _, body = await agent.call(
                method, f"/api/v1/signing-orders/{oid}{path}", {}, expect=404
            )
            assert body["error"]["code"] == "ORDER_NOT_FOUND", (oid, path)
