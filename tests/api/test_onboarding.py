"""A new agency's whole onboarding (guide §1.1–§1.4), the way the agency and the center do it."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import Settings
from tests.api.accounts_helpers import (
    image,
    info,
    person,
    register_unified,
    sandbox_settings,
    sms_login,
    upload,
)
from tests.api.conftest import SOLE, Api


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return sandbox_settings(store_url, tmp_path)


async def test_a_new_agency_onboards_a_practitioner_who_then_drafts_a_contract(
    anonymous: Api,
) -> None:
    staff = await anonymous.login("center_chen")

    # 1.1 Staff open the agency's net-sign account from the paper application (备案编号).
    opened = await staff.post(
        "/api/v1/agencies",
        {"name": "中山市安居房地产代理有限公司", "filing_no": "ZSJJ-2026-0101"},
        expect=201,
    )
    agency_id = opened["agency"]["id"]
    assert opened["admin_username"] == "中山市安居房地产代理有限公司"
    assert opened["agency"]["status_label"] == "待完善企业信息"

    # First login: initial password 123456, which must be changed before anything else.
    admin = await anonymous.login(opened["admin_username"], "123456")
    blocked = await admin.get(f"/api/v1/agencies/{agency_id}", expect=403)
    assert blocked["error"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    await admin.post(
        "/api/v1/auth/password", {"old_password": "123456", "new_password": "Anju2026agency"}
    )

    # 1.2 企业信息核查: the information, the business license image, then submit with a comment.
    base = f"/api/v1/agencies/{agency_id}"
    await admin.call("PUT", f"{base}/info", info(), expect=200)
    added = await admin.post(f"{base}/materials", {}, expect=201)
    material_id = added["material"]["id"]
    assert added["material"]["name"] == "未命名材料"
    await admin.patch(f"{base}/materials/{material_id}", {"name": "营业执照"})
    status, uploaded = await upload(admin, f"{base}/materials/{material_id}/file", image())
    assert status == 200, uploaded
    assert uploaded["material"]["uploaded"] is True
    submitted = await admin.post(f"{base}/submit", {"comment": "申请开通中介机构网签账号"})
    assert submitted["status_label"] == "已提交，待审核"

    # Staff see it in the review queue, look at the license, and approve.
    queue = await staff.get("/api/v1/agencies?status=submitted")
    assert [a["id"] for a in queue["items"]] == [agency_id]
    resp = await staff.client.get(f"{base}/materials/{material_id}/file", headers=staff.headers())
    assert resp.status == 200 and resp.content_type == "image/png"
    await staff.post(f"{base}/approve", {"reason": "材料齐全"})
    outcome = await admin.get(base)
    assert outcome["status_label"] == "审核通过"
    assert outcome["last_review"]["action_label"] == "审核通过"

    # 1.3 The admin adds a practitioner with the ID card image and submits it.
    id_number = person("19930615", "481")
    phone = "13912345678"
    added = await admin.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": id_number, "phone": phone},
        expect=201,
    )
    practitioner_base = f"/api/v1/practitioners/{added['id']}"
    card = await admin.post(f"{practitioner_base}/materials", {"name": "身份证"}, expect=201)
    status, _ = await upload(
        admin, f"{practitioner_base}/materials/{card['material']['id']}/file", image("JPEG")
    )
    assert status == 200
    await admin.post(f"{practitioner_base}/submit", {})

    # Staff approve: the login is created and its password goes out by SMS.
    approved = await staff.post(f"{practitioner_base}/approve", {})
    assert approved["password_sms_sent"] is True
    username = approved["practitioner"]["username"]
    reviewed = await admin.get("/api/v1/practitioners/reviewed")
    assert [(p["name"], p["username"], p["account_status_label"]) for p in reviewed["items"]] == [
        ("陈从业", username, "正常")
    ]
    sms_username, password = await sms_login(anonymous, phone)
    assert sms_username == username

    # The practitioner logs in and changes the initial password.
    practitioner = await anonymous.login(username, password)
    assert (await practitioner.get("/api/v1/auth/me"))["must_change_password"] is True
    await practitioner.post(
        "/api/v1/auth/password", {"old_password": password, "new_password": "Chen2026agent"}
    )

    # 1.4 Its own unified identity account, bound to its net-sign account, then used to log in.
    await register_unified(
        anonymous, "chen_unified", "Unified2026chen", "中山市安居房地产代理有限公司"
    )
    bound = await anonymous.post(
        "/api/v1/auth/unified-bindings",
        {
            "unified_username": "chen_unified",
            "unified_password": "Unified2026chen",
            "username": username,
            "password": "Chen2026agent",
        },
        expect=201,
    )
    assert bound["account"]["username"] == username
    via_unified = await anonymous.post(
        "/api/v1/auth/unified-login", {"username": "chen_unified", "password": "Unified2026chen"}
    )
    assert via_unified["account"]["role"] == "practitioner"
    assert via_unified["must_change_password"] is False
    agent = Api(anonymous.client, via_unified["token"])

    # And drafts a contract for the demo property.
    draft = await agent.post("/api/v1/contracts", {"property": SOLE}, expect=201)
    assert draft["status"] == "draft"
    assert draft["agency_id"] == agency_id
    assert [c["id"] for c in (await admin.get("/api/v1/contracts"))["items"]] == [draft["id"]]
