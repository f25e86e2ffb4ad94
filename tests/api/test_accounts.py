"""Agency accounts, practitioners, unified identity binding and role rules (guide §1)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from backend.agency_demo import DEMO_PRACTITIONERS
from backend.demo import DEMO_PROPERTIES
from backend.settings import Settings
from tests.api.accounts_helpers import (
    NEW_PASSWORD,
    approved_agency,
    first_login,
    image,
    info,
    named_material,
    open_agency,
    person,
    register_unified,
    sandbox_settings,
    sms_login,
    submitted_practitioner,
    upload,
    uscc,
)
from tests.api.conftest import SOLE, Api, full_contract_fields
from tests.conftest import FakeClock

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return sandbox_settings(store_url, tmp_path)


@pytest.fixture
async def staff(anonymous: Api) -> Api:
    return await anonymous.login("center_chen")


@pytest.fixture
async def demo_admin(anonymous: Api) -> Api:
    return await anonymous.login("demo_agency")


def problems(body: Any) -> set[tuple[str, str]]:
    return {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}


async def new_agency(anonymous: Api, staff: Api) -> tuple[Api, str]:
    """Opened, the admin's password changed, nothing filled in yet."""
    agency_id, username = await open_agency(staff)
    return await first_login(anonymous, username), agency_id


# ---- opening agency accounts -------------------------------------------------------------


async def test_staff_open_an_agency_whose_admin_must_change_the_initial_password(
    anonymous: Api, staff: Api
) -> None:
    agency_id, username = await open_agency(staff)
    admin = await anonymous.login(username, "123456")
    me = await admin.get("/api/v1/auth/me")
    assert (me["role"], me["agency_id"], me["must_change_password"]) == (
        "agency_admin",
        agency_id,
        True,
    )
    body = await admin.get(f"/api/v1/agencies/{agency_id}", expect=403)
    assert body["error"]["code"] == "PASSWORD_CHANGE_REQUIRED"


async def test_only_center_staff_open_agency_accounts(demo_admin: Api, agent: Api) -> None:
    for api in (demo_admin, agent):
        body = await api.post(
            "/api/v1/agencies", {"name": "某机构", "filing_no": "X-1"}, expect=403
        )
        assert body["error"]["code"] == "ROLE_NOT_ALLOWED"


async def test_a_filing_number_or_a_username_opens_only_one_agency(staff: Api) -> None:
    await open_agency(staff, "甲机构", "ZSJJ-1")
    same_filing = await staff.post(
        "/api/v1/agencies", {"name": "乙机构", "filing_no": "ZSJJ-1"}, expect=409
    )
    assert same_filing["error"]["code"] == "FILING_NO_TAKEN"
    same_name = await staff.post(
        "/api/v1/agencies", {"name": "甲机构", "filing_no": "ZSJJ-2"}, expect=409
    )
    assert same_name["error"]["code"] == "USERNAME_TAKEN"


# ---- enterprise information --------------------------------------------------------------


async def test_every_missing_information_field_is_reported_at_once(
    anonymous: Api, staff: Api
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    _, body = await admin.call("PUT", f"/api/v1/agencies/{agency_id}/info", {}, expect=422)
    assert problems(body) == {
        ("full_name", "REQUIRED"),
        ("uscc", "REQUIRED"),
        ("legal_representative", "REQUIRED"),
        ("address", "REQUIRED"),
        ("business_term_to", "REQUIRED"),
    }


async def test_an_invalid_unified_social_credit_code_is_refused(anonymous: Api, staff: Api) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    wrong_check = uscc("91442000MA4X7B2C3")[:-1] + "0"
    _, body = await admin.call(
        "PUT", f"/api/v1/agencies/{agency_id}/info", info(uscc=wrong_check), expect=422
    )
    assert problems(body) == {("uscc", "INVALID")}


async def test_dates_more_than_two_years_from_today_are_refused(anonymous: Api, staff: Api) -> None:
    # Today is 2026-11-25 in Zhongshan: the last allowed date is 2028-11-25.
    admin, agency_id = await new_agency(anonymous, staff)
    path = f"/api/v1/agencies/{agency_id}/info"
    _, body = await admin.call(
        "PUT",
        path,
        info(business_term_to="2028-11-26", qualification_valid_to="2030-01-01"),
        expect=422,
    )
    assert problems(body) == {
        ("business_term_to", "TOO_FAR_AHEAD"),
        ("qualification_valid_to", "TOO_FAR_AHEAD"),
    }
    assert "2028-11-25" in body["error"]["details"]["fields"][0]["message"]
    await admin.call("PUT", path, info(business_term_to="2028-11-25"), expect=200)


async def test_the_two_years_are_counted_from_the_city_date(
    anonymous: Api, staff: Api, clock: FakeClock
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    clock.advance(hours=14)  # 2026-11-25 16:00 UTC is already 2026-11-26 in Zhongshan
    admin = await anonymous.login("中山市安居房地产代理有限公司", NEW_PASSWORD)
    await admin.call(
        "PUT", f"/api/v1/agencies/{agency_id}/info", info(business_term_to="2028-11-26"), expect=200
    )


async def test_an_expired_business_term_is_refused(anonymous: Api, staff: Api) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    _, body = await admin.call(
        "PUT",
        f"/api/v1/agencies/{agency_id}/info",
        info(business_term_to="2026-11-24", qualification_valid_to="2027-01-01"),
        expect=422,
    )
    assert problems(body) == {("business_term_to", "EXPIRED")}


async def test_without_a_qualification_certificate_its_validity_is_the_business_term(
    anonymous: Api, staff: Api
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    path = f"/api/v1/agencies/{agency_id}/info"
    _, saved = await admin.call(
        "PUT", path, info(qualification_cert_no=None, qualification_valid_to=None), expect=200
    )
    assert saved["info"]["qualification_valid_to"] == saved["info"]["business_term_to"]
    _, body = await admin.call(
        "PUT",
        path,
        info(qualification_cert_no=None, qualification_valid_to="2027-01-01"),
        expect=422,
    )
    assert problems(body) == {("qualification_valid_to", "MUST_EQUAL_BUSINESS_TERM")}


async def test_a_qualification_certificate_needs_its_validity(anonymous: Api, staff: Api) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    _, body = await admin.call(
        "PUT", f"/api/v1/agencies/{agency_id}/info", info(qualification_valid_to=None), expect=422
    )
    assert problems(body) == {("qualification_valid_to", "REQUIRED")}


# ---- materials ---------------------------------------------------------------------------


async def test_an_unnamed_material_cannot_take_an_upload_until_named_and_saved(
    anonymous: Api, staff: Api
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    base = f"/api/v1/agencies/{agency_id}/materials"
    material = (await admin.post(base, {}, expect=201))["material"]
    assert (material["name"], material["saved"]) == ("未命名材料", False)
    status, body = await upload(admin, f"{base}/{material['id']}/file", image())
    assert status == 409
    assert body["error"]["code"] == "MATERIAL_NOT_SAVED"
    assert "添加材料后要改材料名称并保存否则无法上传" in body["error"]["message"]
    await admin.patch(f"{base}/{material['id']}", {"name": "营业执照"})
    status, body = await upload(admin, f"{base}/{material['id']}/file", image())
    assert status == 200, body


async def test_an_image_over_500k_is_refused_with_413(anonymous: Api, staff: Api) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    base = f"/api/v1/agencies/{agency_id}"
    material = await named_material(admin, base, "营业执照")
    big = image()[:16] + b"\0" * 500_001
    status, body = await upload(admin, f"{base}/materials/{material}/file", big)
    assert status == 413
    assert body["error"]["code"] == "FILE_TOO_LARGE"
    assert "500K" in body["error"]["message"]
    exactly = image() + b"\0" * (500_000 - len(image()))
    status, body = await upload(admin, f"{base}/materials/{material}/file", exactly)
    assert status == 200, body


@pytest.mark.parametrize(
    "data",
    [GIF, b"this is a text file renamed to license.png\n"],
    ids=["gif_declared_as_png", "text_renamed_png"],
)
async def test_a_disguised_upload_is_refused_with_415(
    anonymous: Api, staff: Api, data: bytes
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    base = f"/api/v1/agencies/{agency_id}"
    material = await named_material(admin, base, "营业执照")
    status, body = await upload(admin, f"{base}/materials/{material}/file", data, "image/png")
    assert status == 415
    assert body["error"]["code"] == "FILE_TYPE_NOT_ALLOWED"
    assert "PNG" in body["error"]["message"] and "JPEG" in body["error"]["message"]
    assert not (await admin.get(base))["materials"][0]["uploaded"]


async def test_a_jpeg_is_accepted_and_read_back_as_uploaded(anonymous: Api, staff: Api) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    base = f"/api/v1/agencies/{agency_id}"
    material = await named_material(admin, base, "营业执照")
    jpeg = image("JPEG")
    status, body = await upload(admin, f"{base}/materials/{material}/file", jpeg, "image/png")
    assert status == 200
    assert body["material"]["content_type"] == "image/jpeg"
    resp = await admin.client.get(f"{base}/materials/{material}/file", headers=admin.headers())
    assert resp.content_type == "image/jpeg" and await resp.read() == jpeg


# ---- submission and review ---------------------------------------------------------------


async def test_submitting_needs_the_information_a_license_image_and_a_comment(
    anonymous: Api, staff: Api
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    body = await admin.post(f"/api/v1/agencies/{agency_id}/submit", {}, expect=422)
    assert problems(body) == {
        ("info", "REQUIRED"),
        ("materials", "NO_UPLOADED_MATERIAL"),
        ("comment", "REQUIRED"),
    }
    base = f"/api/v1/agencies/{agency_id}"
    await admin.call("PUT", f"{base}/info", info(), expect=200)
    await named_material(admin, base, "营业执照")  # named, but nothing uploaded
    body = await admin.post(f"{base}/submit", {"comment": "  "}, expect=422)
    assert problems(body) == {("materials", "NO_UPLOADED_MATERIAL"), ("comment", "REQUIRED")}


async def test_staff_reject_with_a_reason_the_admin_sees_and_the_admin_resubmits(
    anonymous: Api, staff: Api
) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    base = f"/api/v1/agencies/{agency_id}"
    await admin.call("PUT", f"{base}/info", info(), expect=200)
    material = await named_material(admin, base, "营业执照")
    await upload(admin, f"{base}/materials/{material}/file", image())
    await admin.post(f"{base}/submit", {"comment": "首次提交"})

    locked = await admin.call("PUT", f"{base}/info", info(), expect=409)
    assert locked[1]["error"]["code"] == "AGENCY_STATE_CONFLICT"
    no_reason = await staff.post(f"{base}/reject", {}, expect=422)
    assert problems(no_reason) == {("reason", "REQUIRED")}
    await staff.post(f"{base}/reject", {"reason": "营业执照图片不清晰"})

    seen = await admin.get(base)
    assert seen["status_label"] == "审核不通过"
    assert (seen["last_review"]["action"], seen["last_review"]["comment"]) == (
        "reject",
        "营业执照图片不清晰",
    )
    await upload(admin, f"{base}/materials/{material}/file", image(size=(80, 60)))
    await admin.post(f"{base}/submit", {"comment": "已重新上传"})
    await staff.post(f"{base}/approve", {})
    assert (await admin.get(base))["status"] == "approved"
    history = [h["action"] for h in (await admin.get(base))["history"]]
    assert history == ["submit", "reject", "submit", "approve"]


async def test_an_admin_cannot_review_its_own_agency(anonymous: Api, staff: Api) -> None:
    admin, agency_id = await new_agency(anonymous, staff)
    body = await admin.post(f"/api/v1/agencies/{agency_id}/approve", {}, expect=403)
    assert body["error"]["code"] == "ROLE_NOT_ALLOWED"


async def test_practitioners_are_added_only_after_the_agency_is_approved(
    anonymous: Api, staff: Api
) -> None:
    admin, _ = await new_agency(anonymous, staff)
    body = await admin.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": person(), "phone": "13912345678"},
        expect=409,
    )
    assert body["error"]["code"] == "AGENCY_NOT_APPROVED"


# ---- practitioners -----------------------------------------------------------------------


async def test_a_practitioner_needs_a_valid_id_number_and_phone(demo_admin: Api) -> None:
    bad_check = person()[:-1] + ("0" if person()[-1] != "0" else "1")
    body = await demo_admin.post(
        "/api/v1/practitioners",
        {"name": "", "id_number": bad_check, "phone": "12345"},
        expect=422,
    )
    assert problems(body) == {
        ("name", "REQUIRED"),
        ("id_number", "INVALID"),
        ("phone", "INVALID"),
    }


async def test_submitting_a_practitioner_needs_the_id_card_image(demo_admin: Api) -> None:
    added = await demo_admin.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": person(), "phone": "13912345678"},
        expect=201,
    )
    body = await demo_admin.post(f"/api/v1/practitioners/{added['id']}/submit", {}, expect=422)
    assert problems(body) == {("materials", "NO_UPLOADED_MATERIAL")}


async def test_the_id_card_image_follows_the_same_upload_rules(demo_admin: Api) -> None:
    added = await demo_admin.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": person(), "phone": "13912345678"},
        expect=201,
    )
    base = f"/api/v1/practitioners/{added['id']}/materials"
    unnamed = (await demo_admin.post(base, {}, expect=201))["material"]["id"]
    assert (await upload(demo_admin, f"{base}/{unnamed}/file", image()))[0] == 409
    named = await named_material(demo_admin, f"/api/v1/practitioners/{added['id']}", "身份证")
    assert (await upload(demo_admin, f"{base}/{named}/file", b"\0" * 600_000))[0] == 413
    assert (await upload(demo_admin, f"{base}/{named}/file", GIF))[0] == 415


async def test_approval_creates_a_login_and_texts_its_password(
    anonymous: Api, demo_admin: Api, staff: Api
) -> None:
    practitioner_id = await submitted_practitioner(demo_admin, phone="13912340001")
    approved = await staff.post(f"/api/v1/practitioners/{practitioner_id}/approve", {})
    assert approved["password_sms_sent"] is True
    record = approved["practitioner"]
    assert (record["status_label"], record["account_disabled"]) == ("审核通过", False)
    outbox = await anonymous.get("/sandbox/v1/sms?phone=13912340001")
    assert [m["purpose"] for m in outbox["messages"]] == ["practitioner_login"]
    username, password = await sms_login(anonymous, "13912340001")
    assert username == record["username"]
    login = await anonymous.post("/api/v1/auth/login", {"username": username, "password": password})
    assert login["must_change_password"] is True
    assert login["account"]["agency_id"] == "agency-demo"

    reviewed = await demo_admin.get("/api/v1/practitioners/reviewed")
    logins = {p["name"]: p["username"] for p in reviewed["items"]}
    assert logins["陈从业"] == username
    assert {"agent_li", "agent_wang", "agent_new"} <= set(logins.values())


async def test_two_staff_approving_at_once_make_one_login_and_send_one_password(
    anonymous: Api, demo_admin: Api, staff: Api
) -> None:
    practitioner_id = await submitted_practitioner(demo_admin, phone="13912340005")
    other_staff = await anonymous.login("center_chen")
    results = await asyncio.gather(
        staff.call("POST", f"/api/v1/practitioners/{practitioner_id}/approve", {}),
        other_staff.call("POST", f"/api/v1/practitioners/{practitioner_id}/approve", {}),
    )
    assert sorted(status for status, _ in results) == [200, 409]
    outbox = await anonymous.get("/sandbox/v1/sms?phone=13912340005")
    assert len(outbox["messages"]) == 1
    username, password = await sms_login(anonymous, "13912340005")
    record = await demo_admin.get(f"/api/v1/practitioners/{practitioner_id}")
    assert record["username"] == username
    await anonymous.login(username, password)


async def test_staff_reject_a_practitioner_with_a_reason_and_no_login_is_made(
    anonymous: Api, demo_admin: Api, staff: Api
) -> None:
    practitioner_id = await submitted_practitioner(demo_admin, phone="13912340002")
    await staff.post(f"/api/v1/practitioners/{practitioner_id}/reject", {"reason": "身份证过期"})
    record = await demo_admin.get(f"/api/v1/practitioners/{practitioner_id}")
    assert (record["status"], record["username"]) == ("rejected", None)
    assert record["last_review"]["comment"] == "身份证过期"
    assert (await anonymous.get("/sandbox/v1/sms?phone=13912340002"))["messages"] == []


async def test_only_staff_approve_practitioners(demo_admin: Api) -> None:
    practitioner_id = await submitted_practitioner(demo_admin)
    body = await demo_admin.post(f"/api/v1/practitioners/{practitioner_id}/approve", {}, expect=403)
    assert body["error"]["code"] == "ROLE_NOT_ALLOWED"


async def test_a_second_agency_cannot_claim_another_agencys_practitioner(
    anonymous: Api, staff: Api
) -> None:
    other, _ = await approved_agency(anonymous, staff)
    _, _, demo_person, _ = DEMO_PRACTITIONERS[0]  # agent_li, of the demo agency
    body = await other.post(
        "/api/v1/practitioners",
        {"name": "李经纪", "id_number": demo_person, "phone": "13912345678"},
        expect=409,
    )
    assert body["error"]["code"] == "PRACTITIONER_ALREADY_REGISTERED"
    assert "agency-demo" not in str(body)


async def test_two_agencies_adding_the_same_person_at_once_get_one_record(
    anonymous: Api, staff: Api, demo_admin: Api
) -> None:
    other, _ = await approved_agency(anonymous, staff)
    body = {"name": "赵从业", "id_number": person("19890101", "563"), "phone": "13912345678"}
    results = await asyncio.gather(
        demo_admin.call("POST", "/api/v1/practitioners", body),
        other.call("POST", "/api/v1/practitioners", body),
    )
    assert sorted(status for status, _ in results) == [201, 409]


async def test_a_removed_practitioner_may_join_another_agency(
    anonymous: Api, staff: Api, demo_admin: Api
) -> None:
    id_number = person("19890101", "563")
    practitioner_id = await submitted_practitioner(demo_admin, id_number=id_number)
    await staff.post(f"/api/v1/practitioners/{practitioner_id}/approve", {})
    username, password = await sms_login(anonymous, "13912345678")
    removed = await demo_admin.delete(f"/api/v1/practitioners/{practitioner_id}")
    assert (removed["status"], removed["account_disabled"]) == ("removed", True)
    gone = await anonymous.post(
        "/api/v1/auth/login", {"username": username, "password": password}, expect=401
    )
    assert gone["error"]["code"] == "ACCOUNT_DISABLED"
    other, _ = await approved_agency(anonymous, staff)
    await other.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": id_number, "phone": "13912345678"},
        expect=201,
    )


async def test_correcting_an_id_number_to_a_claimed_person_is_refused(demo_admin: Api) -> None:
    added = await demo_admin.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": person(), "phone": "13912345678"},
        expect=201,
    )
    _, _, claimed, _ = DEMO_PRACTITIONERS[1]
    body = await demo_admin.patch(
        f"/api/v1/practitioners/{added['id']}", {"id_number": claimed}, expect=409
    )
    assert body["error"]["code"] == "PRACTITIONER_ALREADY_REGISTERED"
    fixed = await demo_admin.patch(f"/api/v1/practitioners/{added['id']}", {"name": "陈新"})
    assert fixed["name"] == "陈新"


async def test_disabling_a_practitioner_ends_its_sessions_at_once(
    anonymous: Api, agent: Api, demo_admin: Api, staff: Api
) -> None:
    await agent.get("/api/v1/contracts")
    disabled = await demo_admin.post("/api/v1/practitioners/prac-agent_li/disable")
    assert disabled["account_disabled"] is True
    body = await agent.get("/api/v1/contracts", expect=401)
    assert body["error"]["code"] == "ACCOUNT_DISABLED"
    refused = await anonymous.post(
        "/api/v1/auth/login", {"username": "agent_li", "password": "Wangqian2026"}, expect=401
    )
    assert refused["error"]["code"] == "ACCOUNT_DISABLED"
    reviewed = await demo_admin.get("/api/v1/practitioners/reviewed")
    assert {p["username"]: p["account_status_label"] for p in reviewed["items"]}["agent_li"] == (
        "已停用"
    )

    await staff.post("/api/v1/practitioners/prac-agent_li/enable")
    again = await anonymous.login("agent_li")
    await again.get("/api/v1/contracts")
    await agent.get("/api/v1/contracts", expect=401)  # the old session stays ended


async def test_staff_may_disable_a_practitioner_too(anonymous: Api, staff: Api) -> None:
    wang = await anonymous.login("agent_wang")
    await staff.post("/api/v1/practitioners/prac-agent_wang/disable")
    await wang.get("/api/v1/contracts", expect=401)


async def test_a_practitioner_cannot_manage_practitioners(agent: Api) -> None:
    own = await agent.get("/api/v1/practitioners/prac-agent_li")
    assert own["username"] == "agent_li"
    assert (await agent.post("/api/v1/practitioners/prac-agent_li/disable", expect=403))["error"][
        "code"
    ] == "ROLE_NOT_ALLOWED"
    await agent.post("/api/v1/practitioners/prac-agent_wang/disable", expect=404)
    await agent.get("/api/v1/practitioners", expect=403)
    await agent.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": person(), "phone": "13912345678"},
        expect=403,
    )


async def test_a_password_reset_texts_a_new_initial_password_and_ends_sessions(
    anonymous: Api, demo_admin: Api
) -> None:
    wang = await anonymous.login("agent_wang")
    body = await demo_admin.post("/api/v1/practitioners/prac-agent_wang/password-reset")
    assert body["password_sms_sent"] is True
    await wang.get("/api/v1/contracts", expect=401)
    username, password = await sms_login(anonymous, "13800138102")
    fresh = await anonymous.login(username, password)
    assert (await fresh.get("/api/v1/auth/me"))["must_change_password"] is True


# ---- another agency's records ------------------------------------------------------------


async def test_another_agencys_records_answer_404(
    anonymous: Api, staff: Api, demo_admin: Api, agent: Api
) -> None:
    other, other_id = await approved_agency(anonymous, staff)
    other_material = (await other.get(f"/api/v1/agencies/{other_id}"))["materials"][0]["id"]
    theirs = await submitted_practitioner(other)
    contract = await agent.post("/api/v1/contracts", {"property": SOLE}, expect=201)

    paths = [
        f"/api/v1/agencies/{other_id}",
        f"/api/v1/agencies/{other_id}/materials/{other_material}/file",
        f"/api/v1/practitioners/{theirs}",
    ]
    for path in paths:
        body = await demo_admin.get(path, expect=404)
        assert body["error"]["code"].endswith("NOT_FOUND")
    await demo_admin.post(f"/api/v1/practitioners/{theirs}/disable", expect=404)
    status, _ = await upload(
        demo_admin, f"/api/v1/agencies/{other_id}/materials/{other_material}/file", image()
    )
    assert status == 404
    assert (await demo_admin.get(f"/api/v1/practitioners?agency_id={other_id}"))["items"] == []
    assert [a["id"] for a in (await demo_admin.get("/api/v1/agencies"))["items"]] == ["agency-demo"]
    # And the other way round: the new agency sees none of the demo agency's contracts.
    await other.get(f"/api/v1/contracts/{contract['id']}", expect=404)
    assert (await other.get("/api/v1/contracts"))["items"] == []
    await other.get("/api/v1/practitioners/prac-agent_li", expect=404)
    # Staff see every agency.
    ids = {a["id"] for a in (await staff.get("/api/v1/agencies"))["items"]}
    assert {"agency-demo", other_id} <= ids


# ---- role rules for contracts --------------------------------------------------------------


async def test_the_agency_admin_reads_every_agency_contract_but_does_no_net_sign_work(
    anonymous: Api, agent: Api, demo_admin: Api, staff: Api
) -> None:
    li = await agent.post(
        "/api/v1/contracts", {"property": SOLE, **full_contract_fields()}, expect=201
    )
    wang = await anonymous.login("agent_wang")
    sole_2 = next(p for p in DEMO_PROPERTIES if p.id == "prop-sole-2")
    second = {"cert_no": sole_2.cert_no, "owner_id_number": sole_2.owners[0].id_number}
    theirs = await wang.post("/api/v1/contracts", {"property": second}, expect=201)

    listed = {c["id"] for c in (await demo_admin.get("/api/v1/contracts"))["items"]}
    assert listed == {li["id"], theirs["id"]}
    await demo_admin.get(f"/api/v1/contracts/{theirs['id']}")
    assert {c["id"] for c in (await agent.get("/api/v1/contracts"))["items"]} == {li["id"]}
    await agent.get(f"/api/v1/contracts/{theirs['id']}", expect=404)
    assert {li["id"], theirs["id"]} <= {
        c["id"] for c in (await staff.get("/api/v1/contracts"))["items"]
    }

    refusals = [
        ("POST", "/api/v1/contracts", {"property": SOLE}),
        ("POST", "/api/v1/properties/verify", SOLE),
        ("PATCH", f"/api/v1/contracts/{li['id']}", {"price_fen": 1}),
        ("POST", f"/api/v1/contracts/{li['id']}/submit", {}),
    ]
    for method, path, json in refusals:
        status, body = await demo_admin.call(method, path, json=json)
        assert (status, body["error"]["code"]) == (403, "ROLE_NOT_ALLOWED"), path
    await agent.post(f"/api/v1/contracts/{li['id']}/submit")
    status, body = await demo_admin.call("POST", f"/api/v1/contracts/{li['id']}/signing-orders")
    assert (status, body["error"]["code"]) == (403, "ROLE_NOT_ALLOWED")


# ---- unified identity binding ------------------------------------------------------------


async def bind(
    anonymous: Api, unified: str, username: str, password: str, expect: int | None
) -> Any:
    return await anonymous.post(
        "/api/v1/auth/unified-bindings",
        {
            "unified_username": unified,
            "unified_password": "Unified2026",
            "username": username,
            "password": password,
        },
        expect=expect,
    )


async def test_a_bound_unified_account_logs_in_to_its_net_sign_account(anonymous: Api) -> None:
    await register_unified(anonymous, "li_unified")
    bound = await bind(anonymous, "li_unified", "agent_li", "Wangqian2026", 201)
    assert bound["account"]["username"] == "agent_li"
    await Api(anonymous.client, bound["token"]).get("/api/v1/contracts")
    body = await anonymous.post(
        "/api/v1/auth/unified-login", {"username": "li_unified", "password": "Unified2026"}
    )
    assert body["account"]["username"] == "agent_li"
    await Api(anonymous.client, body["token"]).get("/api/v1/contracts")


async def test_binding_waits_for_the_initial_password_to_be_changed(
    anonymous: Api, staff: Api
) -> None:
    # The agency's username (its name) and 123456 are public: binding then would let anyone
    # with a verified unified account keep a passwordless way into a fresh agency account.
    _, username = await open_agency(staff)
    await register_unified(anonymous, "agency_unified", enterprise_name=username)
    refused = await bind(anonymous, "agency_unified", username, "123456", 409)
    assert refused["error"]["code"] == "BINDING_NEEDS_PASSWORD_CHANGE"
    await first_login(anonymous, username)
    bound = await bind(anonymous, "agency_unified", username, NEW_PASSWORD, 201)
    assert bound["must_change_password"] is False


async def test_a_unified_account_of_another_enterprise_does_not_bind(
    anonymous: Api, staff: Api
) -> None:
    _, username = await open_agency(staff)
    await first_login(anonymous, username)
    await register_unified(anonymous, "other_unified", enterprise_name="中山市别家地产有限公司")
    refused = await bind(anonymous, "other_unified", username, NEW_PASSWORD, 403)
    assert refused["error"]["code"] == "UNIFIED_ENTERPRISE_MISMATCH"
    # A practitioner's unified account is its agency's too.
    refused = await bind(anonymous, "other_unified", "agent_li", "Wangqian2026", 403)
    assert refused["error"]["code"] == "UNIFIED_ENTERPRISE_MISMATCH"
    # Nothing was left behind: the account still binds its own agency's practitioner elsewhere.
    await register_unified(anonymous, "li_unified")
    await bind(anonymous, "li_unified", "agent_li", "Wangqian2026", 201)


async def test_a_password_reset_releases_the_practitioners_binding(
    anonymous: Api, demo_admin: Api
) -> None:
    await register_unified(anonymous, "li_unified")
    await bind(anonymous, "li_unified", "agent_li", "Wangqian2026", 201)
    await demo_admin.post("/api/v1/practitioners/prac-agent_li/password-reset")
    refused = await anonymous.post(
        "/api/v1/auth/unified-login",
        {"username": "li_unified", "password": "Unified2026"},
        expect=409,
    )
    assert refused["error"]["code"] == "UNIFIED_ACCOUNT_NOT_BOUND"
    # Both sides are free again: the practitioner binds a new unified account after the change.
    _, password = await sms_login(anonymous, "13800138101")
    li = await anonymous.login("agent_li", password)
    await li.post("/api/v1/auth/password", {"old_password": password, "new_password": NEW_PASSWORD})
    await register_unified(anonymous, "li_new_unified")
    await bind(anonymous, "li_new_unified", "agent_li", NEW_PASSWORD, 201)
    await bind(anonymous, "li_unified", "agent_wang", "Wangqian2026", 201)


async def test_a_unified_account_binds_only_one_net_sign_account(anonymous: Api) -> None:
    await register_unified(anonymous, "shared_unified")
    await bind(anonymous, "shared_unified", "agent_li", "Wangqian2026", 201)
    body = await bind(anonymous, "shared_unified", "agent_wang", "Wangqian2026", 409)
    assert body["error"]["code"] == "UNIFIED_ACCOUNT_ALREADY_BOUND"


async def test_a_net_sign_account_binds_only_one_unified_account(anonymous: Api) -> None:
    await register_unified(anonymous, "first_unified")
    await register_unified(anonymous, "second_unified")
    await bind(anonymous, "first_unified", "agent_li", "Wangqian2026", 201)
    body = await bind(anonymous, "second_unified", "agent_li", "Wangqian2026", 409)
    assert body["error"]["code"] == "NETSIGN_ACCOUNT_ALREADY_BOUND"
    refused = await anonymous.post(
        "/api/v1/auth/unified-login",
        {"username": "second_unified", "password": "Unified2026"},
        expect=409,
    )
    assert refused["error"]["code"] == "UNIFIED_ACCOUNT_NOT_BOUND"


async def test_two_bindings_of_one_unified_account_at_once_leave_one(anonymous: Api) -> None:
    await register_unified(anonymous, "raced_unified")
    results = await asyncio.gather(
        bind(anonymous, "raced_unified", "agent_li", "Wangqian2026", None),
        bind(anonymous, "raced_unified", "agent_wang", "Wangqian2026", None),
    )
    codes = sorted(r.get("error", {}).get("code", "OK") for r in results)
    assert codes == ["OK", "UNIFIED_ACCOUNT_ALREADY_BOUND"]


async def test_binding_checks_both_passwords(anonymous: Api) -> None:
    await register_unified(anonymous, "li_unified")
    wrong_netsign = await bind(anonymous, "li_unified", "agent_li", "nope", 401)
    assert wrong_netsign["error"]["code"] == "INVALID_CREDENTIALS"
    wrong_unified = await anonymous.post(
        "/api/v1/auth/unified-bindings",
        {
            "unified_username": "li_unified",
            "unified_password": "nope",
            "username": "agent_li",
            "password": "Wangqian2026",
        },
        expect=401,
    )
    assert wrong_unified["error"]["code"] == "UNIFIED_INVALID_CREDENTIALS"


async def test_an_account_without_the_electronic_license_check_cannot_bind(
    anonymous: Api,
) -> None:
    body = await register_unified(anonymous, "l1_unified", license_verified=False)
    assert body["license_verified"] is False
    refused = await bind(anonymous, "l1_unified", "agent_li", "Wangqian2026", 409)
    assert refused["error"]["code"] == "UNIFIED_ACCOUNT_NOT_VERIFIED"


async def test_center_staff_accounts_do_not_bind(anonymous: Api) -> None:
    await register_unified(anonymous, "staff_unified")
    body = await bind(anonymous, "staff_unified", "center_chen", "Wangqian2026", 403)
    assert body["error"]["code"] == "ROLE_NOT_ALLOWED"
    # The refused binding left nothing behind: the unified account can still bind an agent.
    await bind(anonymous, "staff_unified", "agent_li", "Wangqian2026", 201)


async def test_a_disabled_practitioner_cannot_log_in_through_its_unified_account(
    anonymous: Api, demo_admin: Api
) -> None:
    await register_unified(anonymous, "li_unified")
    await bind(anonymous, "li_unified", "agent_li", "Wangqian2026", 201)
    await demo_admin.post("/api/v1/practitioners/prac-agent_li/disable")
    body = await anonymous.post(
        "/api/v1/auth/unified-login",
        {"username": "li_unified", "password": "Unified2026"},
        expect=401,
    )
    assert body["error"]["code"] == "ACCOUNT_DISABLED"


# ---- the sandbox and login safety --------------------------------------------------------


async def test_the_sandbox_routes_do_not_exist_outside_the_sandbox(
    aiohttp_client: Any, store_url: str, tmp_path: Path
) -> None:
    from backend.app import create_app

    client = await aiohttp_client(
        create_app(Settings(store_url=store_url, key_dir=str(tmp_path), scheduler=False))
    )
    for method, path in (("GET", "/sandbox/v1/sms"), ("POST", "/sandbox/v1/unified-accounts")):
        resp = await client.request(method, path, json={})
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "ROUTE_NOT_FOUND"


async def test_the_sms_outbox_is_kept_in_the_store(
    anonymous: Api, demo_admin: Api, staff: Api, settings: Settings
) -> None:
    from backend.storage import open_store
    from miniapp_mock.sms import read_outbox

    practitioner_id = await submitted_practitioner(demo_admin, phone="13912340003")
    await staff.post(f"/api/v1/practitioners/{practitioner_id}/approve", {})
    async with open_store(settings.store_url) as store:  # another connection, as another process
        messages = await read_outbox(store, phone="13912340003")
    assert [m.purpose for m in messages] == ["practitioner_login"]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record at the service's default level (INFO), from before the app starts. (At
    DEBUG the MongoDB driver logs whole commands, documents included: never run it so.)"""
    caplog.set_level(logging.INFO)
    return caplog


async def test_no_password_token_or_id_number_reaches_the_logs(
    debug_logs: pytest.LogCaptureFixture, anonymous: Api, demo_admin: Api, staff: Api
) -> None:
    caplog = debug_logs
    id_number = person("19890101", "563")
    practitioner_id = await submitted_practitioner(
        demo_admin, id_number=id_number, phone="13912340004"
    )
    await staff.post(f"/api/v1/practitioners/{practitioner_id}/approve", {})
    username, password = await sms_login(anonymous, "13912340004")
    login = await anonymous.post("/api/v1/auth/login", {"username": username, "password": password})
    await anonymous.post(
        "/api/v1/auth/login", {"username": username, "password": "wrong-password"}, expect=401
    )
    await register_unified(anonymous, "log_unified", "Unified2026secret")
    assert caplog.records, "the test should see the service's log records"
    for secret in (password, login["token"], id_number, "wrong-password", "Unified2026secret"):
        assert secret not in caplog.text


async def test_five_wrong_unified_passwords_lock_the_unified_account(
    anonymous: Api, clock: FakeClock
) -> None:
    await register_unified(anonymous, "li_unified")
    await bind(anonymous, "li_unified", "agent_li", "Wangqian2026", 201)
    for _ in range(5):
        await anonymous.post(
            "/api/v1/auth/unified-login", {"username": "li_unified", "password": "bad"}, expect=401
        )
    body = await anonymous.post(
        "/api/v1/auth/unified-login",
        {"username": "li_unified", "password": "Unified2026"},
        expect=401,
    )
    assert body["error"]["code"] == "UNIFIED_INVALID_CREDENTIALS"  # locked, answered alike
    clock.advance(minutes=15)
    await anonymous.post(
        "/api/v1/auth/unified-login", {"username": "li_unified", "password": "Unified2026"}
    )
