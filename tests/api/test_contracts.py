"""Drafting, editing, submitting and deleting contracts (guide §2.2 (三)–(五), (九))."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from backend.demo import DEMO_BUYERS, DEMO_PROPERTIES
from tests.api.conftest import SOLE, Api, full_contract_fields
from tests.conftest import FakeClock

JOINT = next(p for p in DEMO_PROPERTIES if p.id == "prop-joint")


async def create(api: Api, expect: int = 201, **fields: Any) -> Any:
    return await api.post("/api/v1/contracts", {"property": SOLE, **fields}, expect=expect)


def problems(body: Any) -> set[tuple[str, str]]:
    return {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}


async def test_a_new_draft_takes_the_registered_owners_as_sellers(agent: Api) -> None:
    body = await create(agent)
    assert body["status"] == "draft" and body["status_label"] == "草稿"
    assert [(s["name"], s["id_number"]) for s in body["sellers"]] == [
        ("张伟", SOLE["owner_id_number"])
    ]
    assert body["number"].startswith("CL2026") and len(body["number"]) == 13
    assert body["events"][0]["action"] == "create"


async def test_the_purge_deadline_is_the_end_of_the_next_natural_day_in_zhongshan(
    agent: Api,
) -> None:
    # The clock fixture stands at 2026-11-25 10:00 +08:00.
    body = await create(agent)
    assert body["purge_at"] == "2026-11-26T16:00:00Z"  # 2026-11-27 00:00 +08:00


async def test_contract_numbers_count_up_within_the_year(agent: Api) -> None:
    first = await create(agent)
    await agent.delete(f"/api/v1/contracts/{first['id']}")
    second = await create(agent)
    assert int(second["number"][6:]) == int(first["number"][6:]) + 1


async def test_a_complete_contract_submits_and_appears_in_the_todo_list(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields())
    submitted = await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    assert submitted["status"] == "submitted"
    todo = await agent.get("/api/v1/todo")
    assert [(i["id"], i["next_step"]) for i in todo["items"]] == [(draft["id"], "生成电子合同订单")]


async def test_drafts_are_in_the_todo_list_with_their_deletion_deadline(agent: Api) -> None:
    draft = await create(agent)
    todo = await agent.get("/api/v1/todo")
    assert [(i["id"], i["status"], i["next_step"]) for i in todo["items"]] == [
        (draft["id"], "draft", "完善合同信息并提交")
    ]
    assert todo["items"][0]["purge_at"] == draft["purge_at"] is not None


async def test_two_buyers_by_shares_summing_to_10000_submit(agent: Api) -> None:
    buyers = [{**DEMO_BUYERS[0], "share_bp": 6000}, {**DEMO_BUYERS[1], "share_bp": 4000}]
    draft = await create(agent, **full_contract_fields(buyers=buyers, co_ownership="shares"))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    assert body["co_ownership_label"] == "按份共有"


async def test_submit_reports_every_missing_field_at_once(agent: Api) -> None:
    draft = await create(agent)
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) >= {
        ("sellers[0].phone", "REQUIRED"),
        ("buyers", "REQUIRED"),
        ("price_fen", "REQUIRED"),
        ("payment_method", "REQUIRED"),
        ("delivery_date", "REQUIRED"),
        ("applicant.name", "REQUIRED"),
        ("applicant.phone", "REQUIRED"),
        ("evaluation.level", "REQUIRED"),
        ("fund_supervision.enabled", "REQUIRED"),
        ("acknowledgements.parties_consent", "REQUIRED"),
        ("acknowledgements.information_accurate", "REQUIRED"),
        ("acknowledgements.deadline_known", "REQUIRED"),
    }
    assert (await agent.get(f"/api/v1/contracts/{draft['id']}"))["status"] == "draft"


async def test_shares_that_do_not_sum_to_10000_are_refused(agent: Api) -> None:
    buyers = [{**DEMO_BUYERS[0], "share_bp": 6000}, {**DEMO_BUYERS[1], "share_bp": 3000}]
    draft = await create(agent, **full_contract_fields(buyers=buyers, co_ownership="shares"))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("buyers", "SHARES_SUM")}


async def test_several_buyers_need_a_co_ownership_mode(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields(buyers=DEMO_BUYERS))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("co_ownership", "REQUIRED")}
    await agent.patch(f"/api/v1/contracts/{draft['id']}", {"co_ownership": "joint"})
    await agent.post(f"/api/v1/contracts/{draft['id']}/submit")


async def test_one_person_may_not_fill_two_buyer_entries(agent: Api) -> None:
    draft = await create(
        agent, **full_contract_fields(buyers=[DEMO_BUYERS[0], DEMO_BUYERS[0]], co_ownership="joint")
    )
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("buyers[1].id_number", "DUPLICATE")}


async def test_sellers_must_be_exactly_the_registered_owners(agent: Api) -> None:
    owners = [
        {"name": o.name, "id_type": "resident_id", "id_number": o.id_number, "phone": "13900139000"}
        for o in JOINT.owners
    ]
    lookup = {"cert_no": JOINT.cert_no, "owner_id_number": JOINT.owners[0].id_number}
    draft = await agent.post(
        "/api/v1/contracts",
        {"property": lookup, **full_contract_fields(sellers=[owners[0], DEMO_BUYERS[1]])},
        expect=201,
    )
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("sellers[1]", "NOT_AN_OWNER"), ("sellers", "OWNER_MISSING")}
    await agent.patch(f"/api/v1/contracts/{draft['id']}", {"sellers": owners})
    await agent.post(f"/api/v1/contracts/{draft['id']}/submit")


async def test_invalid_identifiers_are_reported_per_field(agent: Api) -> None:
    bad_buyer = {**DEMO_BUYERS[0], "id_number": "442000199202146221", "phone": "12345"}
    draft = await create(agent, **full_contract_fields(buyers=[bad_buyer]))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("buyers[0].id_number", "INVALID"), ("buyers[0].phone", "INVALID")}


async def test_a_low_evaluation_needs_a_comment(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields(evaluation={"level": 2}))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("evaluation.comment", "REQUIRED")}
    await agent.patch(
        f"/api/v1/contracts/{draft['id']}", {"evaluation": {"level": 2, "comment": "回复慢"}}
    )
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    assert body["evaluation_label"] == "不满意"


async def test_fund_supervision_needs_a_bank_when_enabled_and_none_when_waived(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields(fund_supervision={"enabled": True}))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("fund_supervision.bank", "REQUIRED")}
    await agent.patch(
        f"/api/v1/contracts/{draft['id']}",
        {"fund_supervision": {"enabled": False, "bank": "zsrcb"}},
    )
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("fund_supervision.bank", "NOT_APPLICABLE")}
    await agent.patch(f"/api/v1/contracts/{draft['id']}", {"fund_supervision": {"enabled": False}})
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    assert "放弃资金监管" in body["fund_supervision_label"]


async def test_a_delivery_date_in_the_past_is_refused(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields(delivery_date="2026-11-24"))
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert problems(body) == {("delivery_date", "IN_THE_PAST")}


async def test_editing_a_submitted_contract_returns_it_to_draft(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields())
    await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    body = await agent.patch(f"/api/v1/contracts/{draft['id']}", {"price_fen": 149_000_000})
    assert body["status"] == "draft" and body["price_fen"] == 149_000_000
    assert [e["action"] for e in body["events"]] == ["create", "submit", "edit"]


async def test_a_submitted_contract_cannot_be_submitted_twice(agent: Api) -> None:
    draft = await create(agent, **full_contract_fields())
    await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=409)
    assert body["error"]["code"] == "CONTRACT_STATE_CONFLICT"
    assert body["error"]["details"]["current_state"] == "submitted"
    assert "create_order" in body["error"]["details"]["allowed_actions"]


async def test_a_property_has_at_most_one_active_contract(agent: Api) -> None:
    await create(agent)
    body = await create(agent, expect=409)
    assert body["error"]["code"] == "PROPERTY_HAS_ACTIVE_CONTRACT"
    await agent.post("/api/v1/properties/verify", SOLE, expect=409)


async def test_two_agents_racing_for_one_property_get_one_contract_and_one_409(
    agent: Api, anonymous: Api
) -> None:
    other = await anonymous.login("agent_wang")
    results = await asyncio.gather(
        *(api.call("POST", "/api/v1/contracts", {"property": SOLE}) for api in (agent, other))
    )
    assert sorted(status for status, _ in results) == [201, 409]
    all_contracts = await (await anonymous.login("center_chen")).get("/api/v1/contracts")
    assert len(all_contracts["items"]) == 1


async def test_deleting_a_contract_keeps_a_tombstone_and_frees_the_property(agent: Api) -> None:
    draft = await create(agent)
    deleted = await agent.delete(f"/api/v1/contracts/{draft['id']}")
    assert deleted["status"] == "deleted" and deleted["status_label"] == "已删除"
    assert (await agent.get(f"/api/v1/contracts/{draft['id']}"))["status"] == "deleted"
    assert (await agent.get("/api/v1/contracts"))["items"] == []
    await create(agent)


async def test_lists_filter_by_status_and_number(agent: Api) -> None:
    first = await create(agent, **full_contract_fields())
    await agent.post(f"/api/v1/contracts/{first['id']}/submit")
    lookup = {"cert_no": JOINT.cert_no, "owner_id_number": JOINT.owners[0].id_number}
    second = await agent.post("/api/v1/contracts", {"property": lookup}, expect=201)
    drafts = await agent.get("/api/v1/contracts?status=draft")
    assert [i["id"] for i in drafts["items"]] == [second["id"]]
    by_number = await agent.get(f"/api/v1/contracts?number={first['number']}")
    assert [i["id"] for i in by_number["items"]] == [first["id"]]
    body = await agent.get("/api/v1/contracts?status=bogus&limit=0", expect=422)
    assert problems(body) == {("status", "INVALID"), ("limit", "INVALID")}


async def test_a_practitioner_sees_only_its_own_contracts(agent: Api, anonymous: Api) -> None:
    draft = await create(agent)
    other = await anonymous.login("agent_wang")
    assert (await other.get("/api/v1/contracts"))["items"] == []
    body = await other.get(f"/api/v1/contracts/{draft['id']}", expect=404)
    assert body["error"]["code"] == "CONTRACT_NOT_FOUND"
    await other.patch(f"/api/v1/contracts/{draft['id']}", {"price_fen": 1}, expect=404)


async def test_the_agency_account_reads_all_agency_contracts_but_cannot_draft(
    agent: Api, anonymous: Api
) -> None:
    draft = await create(agent)
    admin = await anonymous.login("demo_agency")
    assert [i["id"] for i in (await admin.get("/api/v1/contracts"))["items"]] == [draft["id"]]
    await admin.get(f"/api/v1/contracts/{draft['id']}")
    body = await create(admin, expect=403)
    assert body["error"]["code"] == "ROLE_NOT_ALLOWED"
    await admin.post(f"/api/v1/contracts/{draft['id']}/submit", expect=403)


async def test_the_deadline_counts_natural_days_across_a_year_end(
    anonymous: Api, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 on 12-31 in Zhongshan
    body = await create(await anonymous.login("agent_li"))
    assert body["purge_at"] == "2027-01-01T16:00:00Z"  # 2027-01-02 00:00 +08:00
