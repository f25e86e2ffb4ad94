"""Identity numbers typed in full-width digits are one person; digits of other scripts and
invisible characters are refused naming the field (issue 13 items 4 and 5), on both stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.agency_demo import DEMO_PRACTITIONERS
from backend.demo import DEMO_BUYERS
from backend.settings import Settings
from tests.api.accounts_helpers import approved_agency, info, sandbox_settings, uscc
from tests.api.conftest import SOLE, Api, Phone, full_contract_fields, qr_url, submitted_contract
from tests.api.store_dump import everything


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return sandbox_settings(store_url, tmp_path)


@pytest.fixture
async def staff(anonymous: Api) -> Api:
    return await anonymous.login("center_chen")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def arabic_indic(text: str) -> str:
    return "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in text)


def problems(body: Any) -> set[tuple[str, str]]:
    assert body["error"]["code"] == "VALIDATION_FAILED"
    return {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}


async def test_a_buyer_typed_in_full_width_is_stored_in_ascii_and_caught_twice(
    agent: Api,
) -> None:
    buyer = DEMO_BUYERS[0]
    twin = {**buyer, "name": "孙丽丽", "id_number": full_width(buyer["id_number"])}
    twin["phone"] = full_width("138-0013-8009")
    fields = full_contract_fields(
        buyers=[{**buyer, "share_bp": 5000}, {**twin, "share_bp": 5000}], co_ownership="shares"
    )
    draft = await agent.post("/api/v1/contracts", {"property": SOLE, **fields}, expect=201)
    stored = draft["buyers"][1]
    assert (stored["id_number"], stored["phone"]) == (buyer["id_number"], "13800138009")
    body = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert ("buyers[1].id_number", "DUPLICATE") in problems(body)


@pytest.mark.parametrize(
    ("party", "path"),
    [
        ({"id_number": arabic_indic(DEMO_BUYERS[0]["id_number"])}, "buyers[0].id_number"),
        ({"phone": arabic_indic("13800138001")}, "buyers[0].phone"),
        ({"name": "\u200b"}, "buyers[0].name"),
        ({"name": "孙\u202e丽"}, "buyers[0].name"),
        ({"name": "孙\u200d丽"}, "buyers[0].name"),
        ({"name": "孙\u0000丽"}, "buyers[0].name"),
    ],
    ids=["arabic-id", "arabic-phone", "zwsp", "rlo", "zwj", "nul"],
)
async def test_a_party_field_of_other_digits_or_invisible_characters_is_refused(
    agent: Api, client: TestClient[Any, Any], party: dict[str, str], path: str
) -> None:
    before = await everything(client)
    fields = full_contract_fields(buyers=[{**DEMO_BUYERS[0], **party}])
    body = await agent.post("/api/v1/contracts", {"property": SOLE, **fields}, expect=422)
    assert problems(body) == {(path, "INVALID")}
    assert await everything(client) == before


async def test_property_verification_takes_full_width_numbers_and_refuses_other_digits(
    agent: Api,
) -> None:
    typed = {
        "cert_no": full_width(SOLE["cert_no"]),
        "owner_id_number": full_width(SOLE["owner_id_number"]),
    }
    found = await agent.post("/api/v1/properties/verify", typed)
    assert found["property"]["cert_no"] == SOLE["cert_no"]
    by_unit = {"unit_no": full_width(found["property"]["unit_no"]), "owner_name": "张伟"}
    assert (await agent.post("/api/v1/properties/verify", by_unit))["verified"] is True
    bad = {**SOLE, "owner_id_number": arabic_indic(SOLE["owner_id_number"])}
    body = await agent.post("/api/v1/properties/verify", bad, expect=422)
    assert problems(body) == {("owner_id_number", "INVALID")}


async def test_a_full_width_id_number_is_the_same_practitioner_for_a_second_agency(
    anonymous: Api, staff: Api, client: TestClient[Any, Any]
) -> None:
    other, _ = await approved_agency(anonymous, staff)
    _, _, claimed, _ = DEMO_PRACTITIONERS[0]  # agent_li, of the demo agency
    person = {"name": "李经纪", "id_number": full_width(claimed), "phone": "13912345678"}
    body = await other.post("/api/v1/practitioners", person, expect=409)
    assert body["error"]["code"] == "PRACTITIONER_ALREADY_REGISTERED"
    before = await everything(client)
    person["id_number"] = arabic_indic(claimed)
    body = await other.post("/api/v1/practitioners", person, expect=422)
    assert problems(body) == {("id_number", "INVALID")}
    assert await everything(client) == before


async def test_a_full_width_filing_number_and_credit_code_are_the_ascii_ones(
    anonymous: Api, staff: Api
) -> None:
    admin, agency_id = await approved_agency(anonymous, staff, filing_no="ZSJJ-2026-0101")
    taken = {"name": "中山市另一家代理有限公司", "filing_no": full_width("ZSJJ-2026-0101")}
    body = await staff.post("/api/v1/agencies", taken, expect=409)
    assert body["error"]["code"] == "FILING_NO_TAKEN"
    code = uscc("91442000MA4X7B2C3")
    agency = await admin.get(f"/api/v1/agencies/{agency_id}")
    assert agency["info"]["uscc"] == code
    body = await admin.call(
        "PUT", f"/api/v1/agencies/{agency_id}/info", info(uscc=arabic_indic(code[:8]) + code[8:])
    )
    assert body[0] == 422 and problems(body[1]) == {("uscc", "INVALID")}


async def test_police_verification_takes_full_width_and_refuses_other_digits_without_an_attempt(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    seller = contract["sellers"][0]
    phone = Phone(client)
    await phone.scan(await qr_url(agent, order["id"], seller["id"]))
    document = await phone.api.get("/mp/v1/document")
    await phone.step("review", {"document_sha256": document["sha256"]})
    await phone.step("confirm")
    entered = {"name": seller["name"], "id_number": arabic_indic(seller["id_number"])}
    body = await phone.step("police-verification", entered, expect=422)
    assert problems(body) == {("id_number", "INVALID")}
    assert (await phone.api.get("/mp/v1/order"))["attempts_left"] == 3
    entered["id_number"] = full_width(seller["id_number"])
    view = await phone.step("police-verification", entered)
    assert view["step"] == "identity_verified"


async def test_a_decline_reason_with_a_bidi_override_is_refused_and_changes_nothing(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    phone = Phone(client)
    await phone.scan(await qr_url(agent, order["id"], contract["buyers"][0]["id"]))
    before = await everything(client)
    body = await phone.step("decline", {"reason": "价格\u202e不合适"}, expect=422)
    assert problems(body) == {("reason", "INVALID")}
    assert await everything(client) == before
