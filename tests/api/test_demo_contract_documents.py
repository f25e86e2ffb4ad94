"""What the parties of each demo contract read: the contract drafted through the API with the
demo's terms (``backend.demo.contract_terms``), submitted, its order generated, and the document
a party's phone shows compared byte for byte with ``tests/golden/<name>``.

The text must not depend on the store or on the order the tests run in: every test gets a fresh
store, so its contract is the year's first (CL20260000001), and every date in it is the demo's
own (``DEMO_START``), not the clock's. Both stores compare with the same file.

After an intended change of the text: ``WANGQIAN_UPDATE_GOLDEN=1 pytest
tests/api/test_demo_contract_documents.py``, then read the diff (``tests/golden_files.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.demo import DEMO_BUYERS, contract_terms, seller_fields
from signing_flow.documents import sha256_hex
from tests.api.conftest import DEMO_BY_ID, TWO_BY_SHARES, Api, Phone, lookup, qr_url
from tests.golden_files import assert_matches_golden

ONE_BUYER: dict[str, Any] = {"buyers": [DEMO_BUYERS[0]]}


def lump_sum_without_supervision() -> dict[str, Any]:
    """The whole price paid by the buyer's own money, straight to the seller: no loan, no
    balance, no fund supervision (the parties sign the waiver statement)."""
    terms = contract_terms()
    payment = terms["payment"]
    return {
        "payment_method": "lump_sum",
        "payment": {
            "deposit_fen": payment["deposit_fen"],
            "deposit_due": payment["deposit_due"],
            "down_payment": {
                "amount_fen": terms["price_fen"],
                "due": payment["down_payment"]["due"],
            },
        },
        "fund_supervision": {"enabled": False},
    }


# golden file: (demo property, buyers, what differs from the demo's terms)
DEMO_CONTRACTS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    # The demo: joint sellers, two buyers by shares 60/40, a commercial loan, CCB.
    "demo_prop_joint.txt": ("prop-joint", TWO_BY_SHARES, {}),
    "demo_prop_sole.txt": ("prop-sole", ONE_BUYER, {}),
    # Mortgaged: the seller discharges the mortgage before transfer.
    "demo_prop_sole_2.txt": ("prop-sole-2", ONE_BUYER, {}),
    # Leased, the tenant waived the pre-emptive right; the seller holds a HK residence permit.
    "demo_prop_hk.txt": ("prop-hk", ONE_BUYER, {}),
    # Paid in one sum without fund supervision: the waiver statement is part of the contract.
    "demo_prop_sole_lump_sum_waiver.txt": ("prop-sole", ONE_BUYER, lump_sum_without_supervision()),
}


async def document_of_demo_contract(
    agent: Api, client: TestClient[Any, Any], prop_id: str, buyers: Any, changes: Any
) -> str:
    prop = DEMO_BY_ID[prop_id]
    body = {
        "property": lookup(prop_id),
        "sellers": seller_fields(prop),
        **buyers,
        **contract_terms(prop, **changes),
    }
    draft = await agent.post("/api/v1/contracts", body, expect=201)
    await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
    order = await agent.post(f"/api/v1/contracts/{draft['id']}/signing-orders", expect=201)
    phone = Phone(client)
    await phone.scan(await qr_url(agent, order["id"], "s1"))
    document = await phone.api.get("/mp/v1/document")
    assert document["sha256"] == order["document_sha256"] == sha256_hex(document["text"])
    return str(document["text"])


@pytest.mark.parametrize("golden", DEMO_CONTRACTS)
async def test_the_demo_contracts_document_is_its_golden_file(
    agent: Api, client: TestClient[Any, Any], golden: str
) -> None:
    text = await document_of_demo_contract(agent, client, *DEMO_CONTRACTS[golden])
    assert_matches_golden(golden, text)
