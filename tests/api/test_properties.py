"""房源验证 (guide §2.2 (二))."""

from __future__ import annotations

from backend.demo import DEMO_PROPERTIES
from signing_flow.validators import id15_to_id18
from tests.api.conftest import SOLE, Api

BY_ID = {p.id: p for p in DEMO_PROPERTIES}


async def test_a_property_is_found_by_certificate_number_and_owner_id(agent: Api) -> None:
    body = await agent.post("/api/v1/properties/verify", SOLE)
    assert body["property"]["id"] == "prop-sole"
    owner = body["property"]["owners"][0]
    assert owner["name"] == "张伟"
    assert owner["id_number_masked"] == "442***********1239"


async def test_half_width_brackets_and_spaces_in_the_certificate_number_are_normalised(
    agent: Api,
) -> None:
    body = await agent.post(
        "/api/v1/properties/verify",
        {**SOLE, "cert_no": " 粤(2021)中山市 不动产权第0123456号 "},
    )
    assert body["property"]["id"] == "prop-sole"


async def test_a_property_is_found_by_unit_number_and_owner_name(agent: Api) -> None:
    hk = BY_ID["prop-hk"]
    body = await agent.post(
        "/api/v1/properties/verify", {"unit_no": hk.unit_no, "owner_name": "陈家明"}
    )
    assert body["property"]["id"] == "prop-hk"
    assert body["property"]["owners"][0]["id_type"] == "hmt_residence_permit"


async def test_owner_data_that_differs_from_the_registry_finds_nothing(agent: Api) -> None:
    body = await agent.post(
        "/api/v1/properties/verify", {**SOLE, "owner_id_number": "11010519491231002X"}, expect=404
    )
    assert body["error"]["code"] == "PROPERTY_NOT_FOUND"
    hk = BY_ID["prop-hk"]
    await agent.post(
        "/api/v1/properties/verify", {"unit_no": hk.unit_no, "owner_name": "陈家"}, expect=404
    )


async def test_a_first_generation_id_on_the_certificate_needs_the_box_ticked(agent: Api) -> None:
    prop = BY_ID["prop-first-gen"]
    lookup = {"cert_no": prop.cert_no, "owner_id_number": "442000650312128"}
    await agent.post("/api/v1/properties/verify", lookup, expect=404)
    found = await agent.post("/api/v1/properties/verify", {**lookup, "first_gen_id": True})
    assert found["property"]["id"] == "prop-first-gen"


async def test_with_the_box_ticked_the_18_digit_successor_number_also_matches(agent: Api) -> None:
    prop = BY_ID["prop-first-gen"]
    body = await agent.post(
        "/api/v1/properties/verify",
        {
            "cert_no": prop.cert_no,
            "owner_id_number": id15_to_id18("442000650312128"),
            "first_gen_id": True,
        },
    )
    assert body["property"]["id"] == "prop-first-gen"


async def test_the_box_must_stay_unticked_for_an_18_digit_certificate(agent: Api) -> None:
    await agent.post("/api/v1/properties/verify", {**SOLE, "first_gen_id": True}, expect=404)


async def test_a_seized_property_cannot_be_contracted(agent: Api) -> None:
    prop = BY_ID["prop-seized"]
    body = await agent.post(
        "/api/v1/properties/verify",
        {"cert_no": prop.cert_no, "owner_id_number": prop.owners[0].id_number},
        expect=409,
    )
    assert body["error"]["code"] == "PROPERTY_SEIZED"


async def test_the_lookup_takes_one_mode_with_both_of_its_fields(agent: Api) -> None:
    both = await agent.post("/api/v1/properties/verify", {**SOLE, "owner_name": "张伟"}, expect=422)
    assert both["error"]["details"]["fields"][0]["code"] == "LOOKUP_MODE"
    half = await agent.post(
        "/api/v1/properties/verify", {"unit_no": "442000", "owner_name": ""}, expect=422
    )
    assert {f["path"] for f in half["error"]["details"]["fields"]} == {"unit_no", "owner_name"}


async def test_agency_and_staff_accounts_cannot_verify_listings(anonymous: Api) -> None:
    for username in ("demo_agency", "center_chen"):
        user = await anonymous.login(username)
        body = await user.post("/api/v1/properties/verify", SOLE, expect=403)
        assert body["error"]["code"] == "ROLE_NOT_ALLOWED"
