"""Guide §2.2 (四): with no fund supervision the parties' joint waiver statement is part of what
every party signs; with supervision (either bank) it is not."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from signing_flow.documents import WAIVER_STATEMENT
from tests.api.conftest import Api, Phone, qr_url, submitted_contract


@pytest.mark.parametrize(
    ("fund_supervision", "waived"),
    [
        ({"enabled": False, "bank": None}, True),
        ({"enabled": True, "bank": "ccb"}, False),
        ({"enabled": True, "bank": "zsrcb"}, False),
    ],
)
async def test_every_party_reads_the_waiver_exactly_when_there_is_no_supervision(
    agent: Api, client: TestClient[Any, Any], fund_supervision: dict[str, Any], waived: bool
) -> None:
    contract = await submitted_contract(agent, fund_supervision=fund_supervision)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    for party in order["parties"]:
        phone = Phone(client)
        await phone.scan(await qr_url(agent, order["id"], party["party_id"]))
        document = await phone.api.get("/mp/v1/document")
        assert (WAIVER_STATEMENT in document["text"]) is waived
        assert ("自愿放弃" in document["text"] or "不选择资金监管" in document["text"]) is waived
