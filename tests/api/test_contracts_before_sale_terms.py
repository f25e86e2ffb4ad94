"""Contracts stored before the sale contract's terms existed (issue 21): a draft is refused at
submit, and a contract already submitted is refused an order, each with the list of what is
missing, never a 500 and never an empty contract sent out to be signed."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from backend.appkeys import STORE
from signing_flow.sale_terms import Fee
from tests.api.conftest import SOLE, Api, full_contract_fields
from tests.api.store_dump import everything

SALE_PARTS = (
    "property_terms",
    "payment",
    "taxes",
    "transfer",
    "breach",
    "dispute",
    "supplementary_terms",
    "annexes",
)
MISSING = {
    "property_terms.use",
    "property_terms.nature",
    "property_terms.mortgage.mortgaged",
    "property_terms.lease.leased",
    "payment.down_payment.amount_fen",
    "payment.down_payment.due",
    *(f"taxes.{fee}" for fee in Fee),
    "transfer.registration_by",
    "transfer.delivery_conditions",
    "breach.late_payment.mode",
    "breach.late_delivery.mode",
    "breach.terminate_after_days",
    "dispute",
}


async def stored_before_sale_terms(agent: Api, client: TestClient[Any, Any], status: str) -> str:
    """A contract complete by the guide's fields, rewritten in the store as an older version
    wrote it: without the sale terms, the registry snapshot without use, mortgage and lease."""
    draft = await agent.post(
        "/api/v1/contracts",
        {"property": SOLE, **full_contract_fields()},
        expect=201,
    )
    store = client.app[STORE]
    doc = await store.get("contracts", draft["id"])
    assert doc is not None
    for key in SALE_PARTS:
        doc.pop(key, None)
    for key in ("use", "mortgaged", "leased"):
        doc["property"].pop(key, None)
    doc["status"] = status
    assert await store.compare_and_set("contracts", doc, doc["version"])
    return str(draft["id"])


def expected() -> set[tuple[str, str]]:
    """Every part, and the loan or balance its payment method (of the demo's terms) needs."""
    needs = {"mortgage": {"payment.loan"}, "installment": {"payment.balance"}}
    method = full_contract_fields()["payment_method"]
    return {(path, "REQUIRED") for path in MISSING | needs.get(method, set())}


def missing(body: Any) -> set[tuple[str, str]]:
    assert body["error"]["code"] == "VALIDATION_FAILED"
    return {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}


async def test_an_old_draft_is_refused_at_submit_with_every_missing_part(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    cid = await stored_before_sale_terms(agent, client, "draft")
    read = await agent.get(f"/api/v1/contracts/{cid}")
    assert read["status"] == "draft"
    body = await agent.post(f"/api/v1/contracts/{cid}/submit", expect=422)
    assert missing(body) == expected()


async def test_an_old_submitted_contract_gets_no_order_but_the_list_of_what_is_missing(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    cid = await stored_before_sale_terms(agent, client, "submitted")
    before = await everything(client)
    body = await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=422)
    assert missing(body) == expected()
    assert await everything(client) == before
