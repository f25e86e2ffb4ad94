"""Contracts stored before the sale contract's terms existed (issue 21, docs/contract.md): they
read back with the parts empty; a draft is refused at submit, a submitted one is refused its
signing order and its window filing, each with the list of what is missing, never a 500 and
never an empty contract put before the parties; once the agent fills the parts in, it goes on."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from backend.appkeys import STORE
from backend.demo import contract_terms
from signing_flow.sale_contract import SALE_PARTS
from tests.api.conftest import SOLE, Api, full_contract_fields
from tests.api.store_dump import everything

# What the registry did not record before (the listing's snapshot)
OLD_SNAPSHOT_KEYS = ("use", "mortgaged", "leased")
# Every path submit now asks for that an old contract, complete by the guide's fields, lacks;
# its payment method (贷款付款) asks for the loan.
MISSING = {
    ("property_terms.use", "REQUIRED"),
    ("property_terms.nature", "REQUIRED"),
    ("property_terms.mortgage.mortgaged", "REQUIRED"),
    ("property_terms.lease.leased", "REQUIRED"),
    ("payment.down_payment.amount_fen", "REQUIRED"),
    ("payment.down_payment.due", "REQUIRED"),
    ("payment.loan", "REQUIRED"),
    ("taxes.deed_tax", "REQUIRED"),
    ("taxes.vat", "REQUIRED"),
    ("taxes.income_tax", "REQUIRED"),
    ("taxes.stamp_duty", "REQUIRED"),
    ("taxes.registration_fee", "REQUIRED"),
    ("taxes.agency_fee", "REQUIRED"),
    ("transfer.registration_by", "REQUIRED"),
    ("transfer.delivery_conditions", "REQUIRED"),
    ("breach.late_payment.mode", "REQUIRED"),
    ("breach.late_delivery.mode", "REQUIRED"),
    ("breach.terminate_after_days", "REQUIRED"),
    ("dispute", "REQUIRED"),
}
PARTS = {name: value for name, value in contract_terms().items() if name in SALE_PARTS}


async def stored_before_sale_terms(
    agent: Api, client: TestClient[Any, Any], *, submitted: bool = False, **fields: Any
) -> str:
    """A contract complete by the guide's fields (drafted, or submitted), rewritten in the store
    as an older version wrote it: without the sale terms, the snapshot without use, mortgage and
    lease."""
    body = {"property": SOLE, **full_contract_fields(**fields)}
    draft = await agent.post("/api/v1/contracts", body, expect=201)
    if submitted:
        await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    store = client.app[STORE]
    doc = await store.get("contracts", draft["id"])
    assert doc is not None
    for name in SALE_PARTS:
        del doc[name]
    for key in OLD_SNAPSHOT_KEYS:
        del doc["property"][key]
    assert await store.compare_and_set("contracts", doc, doc["version"])
    return str(draft["id"])


def problems(body: Any) -> set[tuple[str, str]]:
    assert body["error"]["code"] == "VALIDATION_FAILED"
    return {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}


async def test_an_old_draft_reads_with_the_parts_empty_is_refused_then_takes_them(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    cid = await stored_before_sale_terms(agent, client)
    read = await agent.get(f"/api/v1/contracts/{cid}")
    assert [read["property"][k] for k in OLD_SNAPSHOT_KEYS] == [None, None, None]
    assert read["property_terms"]["use"] is None and read["property_terms"]["ancillaries"] == []
    assert read["payment"]["loan"] is None and read["payment"]["down_payment"]["due"] is None
    assert (read["taxes"], read["annexes"], read["dispute"], read["dispute_label"]) == (
        [],
        [],
        None,
        None,
    )
    refused = await agent.post(f"/api/v1/contracts/{cid}/submit", expect=422)
    assert problems(refused) == MISSING
    # The registry's facts are not guessed for it: the agent fills the parts in.
    await agent.patch(f"/api/v1/contracts/{cid}", PARTS)
    submitted = await agent.post(f"/api/v1/contracts/{cid}/submit")
    assert submitted["status"] == "submitted"


async def test_an_old_submitted_contract_gets_no_order_but_the_list_of_what_is_missing(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    cid = await stored_before_sale_terms(agent, client, submitted=True)
    before = await everything(client)
    body = await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=422)
    assert problems(body) == MISSING
    assert await everything(client) == before
    await agent.patch(f"/api/v1/contracts/{cid}", PARTS)  # back to draft
    await agent.post(f"/api/v1/contracts/{cid}/submit")
    await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=201)


async def test_an_old_offline_contract_is_neither_taken_in_nor_printed_at_the_window(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    offline = {"channel": "offline", "fund_supervision": {"enabled": False}}
    cid = await stored_before_sale_terms(agent, client, submitted=True, **offline)
    staff = await anonymous.login("center_chen")
    window = f"/api/v1/window/contracts/{cid}"
    before = await everything(client)
    intake = await staff.post(f"{window}/case", {"purpose": "filing"}, expect=422)
    assert problems(intake) == MISSING
    printed = await staff.get(f"{window}/forms/contract.html", expect=422)
    assert problems(printed) == MISSING
    assert await everything(client) == before
    await agent.patch(f"/api/v1/contracts/{cid}", PARTS)
    await agent.post(f"/api/v1/contracts/{cid}/submit")
    page = await staff.get(f"{window}/forms/contract.html")
    assert "第三条 付款方式" in page
    opened = await staff.post(f"{window}/case", {"purpose": "filing"}, expect=201)
    assert opened["window_case"] is not None
