"""``allowed_actions`` of agencies and practitioners as served: each caller is offered what its
role can take now (the admin prepares and submits, staff review, either manages a login)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.settings import Settings
from tests.api.accounts_helpers import image, info, person, sandbox_settings, upload
from tests.api.conftest import Api


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return sandbox_settings(store_url, tmp_path)


async def offered(api: Api, path: str) -> list[str]:
    return list((await api.get(path))["allowed_actions"])


async def test_an_agency_offers_its_admin_the_filling_in_and_staff_the_review(
    anonymous: Api,
) -> None:
    staff = await anonymous.login("center_chen")
    opened = await staff.post(
        "/api/v1/agencies",
        {"name": "中山市安居房地产代理有限公司", "filing_no": "ZSJJ-2026-0102"},
        201,
    )
    base = f"/api/v1/agencies/{opened['agency']['id']}"
    assert opened["agency"]["allowed_actions"] == []  # staff wait for the submission
    admin = await anonymous.login(opened["admin_username"], "123456")
    await admin.post(
        "/api/v1/auth/password", {"old_password": "123456", "new_password": "Anju2026agency"}
    )
    assert await offered(admin, base) == ["edit", "submit"]
    await admin.call("PUT", f"{base}/info", info(), expect=200)
    card = await admin.post(f"{base}/materials", {"name": "营业执照"}, expect=201)
    status, _ = await upload(admin, f"{base}/materials/{card['material']['id']}/file", image())
    assert status == 200
    submitted = await admin.post(f"{base}/submit", {"comment": "申请开通"})
    assert submitted["allowed_actions"] == []  # not approve/reject: that is staff's
    _, refused = await admin.call("PUT", f"{base}/info", info(), expect=409)
    assert refused["error"]["details"]["allowed_actions"] == []  # the refusal names the same
    assert await offered(staff, base) == ["approve", "reject"]
    approved = await staff.post(f"{base}/approve", {"reason": "材料齐全"})
    assert approved["allowed_actions"] == []
    assert await offered(admin, base) == []


async def test_a_practitioner_offers_each_caller_what_its_role_can_take(anonymous: Api) -> None:
    admin = await anonymous.login("demo_agency")
    staff = await anonymous.login("center_chen")
    added = await admin.post(
        "/api/v1/practitioners",
        {"name": "陈从业", "id_number": person("19930615", "482"), "phone": "13912345679"},
        expect=201,
    )
    base = f"/api/v1/practitioners/{added['id']}"
    assert added["allowed_actions"] == ["edit", "remove", "submit"]
    assert await offered(staff, base) == ["remove"]  # not edit/submit: that is the admin's
    card = await admin.post(f"{base}/materials", {"name": "身份证"}, expect=201)
    assert card["practitioner"]["allowed_actions"] == ["edit", "remove", "submit"]
    status, _ = await upload(admin, f"{base}/materials/{card['material']['id']}/file", image())
    assert status == 200
    await admin.post(f"{base}/submit", {})
    assert await offered(admin, base) == []
    refused = await admin.post(f"{base}/submit", {}, expect=409)
    assert refused["error"]["details"]["allowed_actions"] == []
    assert await offered(staff, base) == ["approve", "reject"]
    approved = await staff.post(f"{base}/approve", {})
    managed = ["disable", "remove", "reset_password"]
    assert approved["practitioner"]["allowed_actions"] == managed
    assert await offered(admin, base) == managed
    disabled = await admin.post(f"{base}/disable", {})
    assert disabled["allowed_actions"] == ["enable", "remove", "reset_password"]
    assert await offered(staff, base) == ["enable", "remove", "reset_password"]


async def test_a_practitioner_reading_its_own_record_is_offered_nothing(
    anonymous: Api, agent: Api
) -> None:
    admin = await anonymous.login("demo_agency")
    items = (await admin.get("/api/v1/practitioners?status=approved"))["items"]
    own = next(p for p in items if p["username"] == "agent_li")
    assert await offered(admin, f"/api/v1/practitioners/{own['id']}") == [
        "disable",
        "remove",
        "reset_password",
    ]
    assert await offered(agent, f"/api/v1/practitioners/{own['id']}") == []
