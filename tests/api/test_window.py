"""The window paths run by center staff: offline filing (guide §3.2 (六)) and offline
cancellation (guide §5), with the minor and proxy rules."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestClient
from PIL import Image

from backend.demo import DEMO_BUYERS, synthetic_id
from signing_flow.validators import mask_id_number
from tests.api.conftest import Api, submitted_contract

MINOR = {
    "name": "小明",
    "id_type": "resident_id",
    "id_number": synthetic_id("20150601", "314"),
    "phone": "13800138009",
    "share_bp": 4000,
}


def image(fmt: str = "PNG", size: int = 64) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


class Window:
    """A center staff member at the counter."""

    def __init__(self, staff: Api, contract_id: str) -> None:
        self.staff = staff
        self.base = f"/api/v1/window/contracts/{contract_id}"

    async def open(
        self, purpose: str = "filing", reason: str | None = None, expect: int = 201
    ) -> Any:
        return await self.staff.post(
            f"{self.base}/case", {"purpose": purpose, "reason": reason}, expect=expect
        )

    async def appear(self, party_id: str, expect: int = 200, **how: Any) -> Any:
        body = {"appeared": True, "id_checked": True, **how}
        return (
            await self.staff.call("PUT", f"{self.base}/parties/{party_id}/appearance", body, expect)
        )[1]

    async def upload(self, path: str, data: bytes, method: str = "PUT", expect: int = 200) -> Any:
        resp = await self.staff.client.request(
            method, f"{self.base}/{path}", data=io.BytesIO(data), headers=self.staff.headers()
        )
        assert resp.status == expect, await resp.text()
        return await resp.json()

    async def everyone_appears(self, contract: Any) -> None:
        for p in contract["sellers"] + contract["buyers"]:
            await self.appear(p["id"])


async def offline_contract(agent: Api, **overrides: Any) -> Any:
    return await submitted_contract(
        agent, channel="offline", fund_supervision={"enabled": False}, **overrides
    )


async def staff(anonymous: Api) -> Api:
    return await anonymous.login("center_chen")


async def filed_at_window(agent: Api, anonymous: Api) -> tuple[Any, Window]:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    await window.staff.post(f"{window.base}/submit")
    await window.staff.post(f"{window.base}/approve")
    return contract, window


async def test_an_offline_contract_is_filed_at_the_window(agent: Api, anonymous: Api) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    found = await window.staff.get(f"/api/v1/contracts?number={contract['number']}")
    assert [c["id"] for c in found["items"]] == [contract["id"]]
    forms = await window.staff.get(f"{window.base}/forms")
    assert forms["forms"] == {
        "filing-application": "线下办理存量房买卖合同备案申请表",
        "contract": "广东省房地产买卖合同",
        "fund-waiver": "自愿放弃存量房交易资金监管的共同声明",
    }
    await window.staff.get(f"{window.base}/forms/cancellation-application.html", expect=404)
    page = await window.staff.client.get(
        f"{window.base}/forms/filing-application.html", headers=window.staff.headers()
    )
    html = await page.text()
    assert page.content_type == "text/html" and "线下办理存量房买卖合同备案申请表" in html
    assert contract["number"] in html and "孙丽" in html
    await window.open()
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    review = await window.staff.post(f"{window.base}/submit")
    assert review["status"] == "window_review" and review["status_label"] == "窗口审核中"
    filed = await window.staff.post(f"{window.base}/approve")
    assert filed["status"] == "filed" and filed["filed_via"] == "offline"
    seen = await agent.get(f"/api/v1/contracts/{contract['id']}")
    actions = [e["action"] for e in seen["events"]]
    assert actions[-4:] == [
        "window_appearance_recorded",
        "window_signed_pages_uploaded",
        "window_intake",
        "approve",
    ]


async def test_the_fund_waiver_form_exists_only_without_fund_supervision(
    agent: Api, anonymous: Api
) -> None:
    contract = await submitted_contract(agent, channel="offline")
    window = Window(await staff(anonymous), contract["id"])
    assert "fund-waiver" not in (await window.staff.get(f"{window.base}/forms"))["forms"]
    await window.staff.get(f"{window.base}/forms/fund-waiver.html", expect=404)


async def test_a_rejected_review_returns_the_contract_to_submitted_with_the_reason(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    await window.staff.post(f"{window.base}/submit")
    await window.staff.post(f"{window.base}/reject", {}, expect=422)
    back = await window.staff.post(f"{window.base}/reject", {"reason": "签章页不清晰"})
    assert back["status"] == "submitted"
    assert back["window_case"]["rejection"] == "签章页不清晰"


async def test_the_review_needs_every_party_and_the_signed_pages(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    await window.appear("s1")
    body = await window.staff.post(f"{window.base}/submit", expect=422)
    problems = {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}
    assert problems == {
        ("parties.s2.appearance", "NOT_APPEARED"),
        ("parties.b1.appearance", "NOT_APPEARED"),
        ("parties.b2.appearance", "NOT_APPEARED"),
        ("signed_pages", "MISSING"),
    }


async def test_a_minor_needs_both_parents_the_guarantee_and_proof_of_kinship(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent, buyers=[{**DEMO_BUYERS[0], "share_bp": 6000}, MINOR])
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    await window.everyone_appears(contract)
    await window.appear("b2", father_present=True)
    await window.upload("signed-pages", image(), method="POST")
    body = await window.staff.post(f"{window.base}/submit", expect=422)
    problems = {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}
    assert problems == {
        ("parties.b2.parents", "BOTH_PARENTS_REQUIRED"),
        ("parties.b2.minor_guarantee", "MISSING"),
        ("parties.b2.kinship_proof", "MISSING"),
    }
    await window.appear("b2", father_present=True, mother_present=True)
    await window.upload("parties/b2/documents/minor_guarantee", image("JPEG"))
    await window.upload("parties/b2/documents/kinship_proof", b"%PDF-1.4\n%test\n")
    await window.staff.post(f"{window.base}/submit")


async def test_a_proxy_needs_a_notarised_power_of_attorney_naming_this_matter(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    await window.everyone_appears(contract)
    proxy = {
        "appeared": False,
        "id_checked": False,
        "proxy_name": "赵律师",
        "proxy_id_number": DEMO_BUYERS[1]["id_number"],
        "poa_notarised": True,
    }
    await window.staff.call("PUT", f"{window.base}/parties/s2/appearance", proxy, 200)
    await window.upload("signed-pages", image(), method="POST")
    body = await window.staff.post(f"{window.base}/submit", expect=422)
    problems = {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}
    assert problems == {
        ("parties.s2.power_of_attorney", "NOT_NOTARISED_FOR_THIS_MATTER"),
        ("parties.s2.power_of_attorney", "MISSING"),
    }
    await window.staff.call(
        "PUT", f"{window.base}/parties/s2/appearance", {**proxy, "poa_names_matter": True}, 200
    )
    await window.upload("parties/s2/documents/power_of_attorney", b"%PDF-1.7\n")
    assert (await window.staff.post(f"{window.base}/submit"))["status"] == "window_review"


async def test_uploads_of_the_wrong_type_or_size_are_refused(agent: Api, anonymous: Api) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    gif = await window.upload("signed-pages", image("GIF"), method="POST", expect=415)
    assert gif["error"]["code"] == "FILE_TYPE_NOT_ALLOWED"
    text = await window.upload("parties/s1/documents/photo", b"not really a png", expect=415)
    assert text["error"]["details"]["detected"] is None
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)
    too_large = await window.upload("signed-pages", big, method="POST", expect=413)
    assert too_large["error"]["code"] == "FILE_TOO_LARGE"
    await window.upload("parties/s1/documents/selfie", image(), expect=404)


async def print_form(window: Window, key: str) -> str:
    page = await window.staff.client.get(
        f"{window.base}/forms/{key}.html", headers=window.staff.headers()
    )
    assert page.status == 200
    return await page.text()


async def test_the_printed_filing_forms_mask_id_numbers_and_phones_as_the_contract_does(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    for key in ("filing-application", "fund-waiver", "contract"):
        html = await print_form(window, key)
        for p in contract["sellers"] + contract["buyers"]:
            assert p["id_number"] not in html and mask_id_number(p["id_number"]) in html, key
            assert p["phone"] not in html and mask_id_number(p["phone"]) in html, key


async def test_a_contract_filed_at_the_window_is_cancelled_at_the_window(
    agent: Api, anonymous: Api
) -> None:
    contract, window = await filed_at_window(agent, anonymous)
    await window.open("cancellation", expect=422)  # a reason is required
    await window.open("cancellation", reason="双方协商解除")
    forms = await window.staff.get(f"{window.base}/forms")
    assert list(forms["forms"]) == ["contract", "cancellation-application", "termination-agreement"]
    application = await print_form(window, "cancellation-application")
    assert "注销原因：双方协商解除" in application
    for p in contract["sellers"] + contract["buyers"]:
        assert p["id_number"] not in application and p["phone"] not in application
        assert mask_id_number(p["id_number"]) in application
        assert mask_id_number(p["phone"]) in application
    html = await (
        await window.staff.client.get(
            f"{window.base}/forms/termination-agreement.html", headers=window.staff.headers()
        )
    ).text()
    assert "存量房买卖合同终止协议" in html and "双方协商解除" in html
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    body = await window.staff.post(f"{window.base}/submit", expect=422)
    assert {f["code"] for f in body["error"]["details"]["fields"]} == {"MISSING"}  # the photos
    for p in contract["sellers"] + contract["buyers"]:
        await window.upload(f"parties/{p['id']}/documents/photo", image("JPEG"))
    assert (await window.staff.post(f"{window.base}/submit"))["status"] == "filed"
    cancelled = await window.staff.post(f"{window.base}/approve")
    assert cancelled["status"] == "cancelled" and cancelled["cancellation_reason"] == "双方协商解除"


async def test_a_contract_filed_at_the_window_cannot_be_cancelled_online(
    agent: Api, anonymous: Api
) -> None:
    contract, _ = await filed_at_window(agent, anonymous)
    body = await agent.post(
        f"/api/v1/contracts/{contract['id']}/cancellations", {"reason": "x"}, expect=409
    )
    assert body["error"]["code"] == "FILED_AT_WINDOW"


async def test_an_online_contract_is_neither_filed_nor_cancelled_at_the_window(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    from tests.api.test_cancellation import filed_online

    online = await submitted_contract(agent)
    window = Window(await staff(anonymous), online["id"])
    assert (await window.open(expect=409))["error"]["code"] == "CHANNEL_ONLINE"
    await agent.delete(f"/api/v1/contracts/{online['id']}")
    filed = await filed_online(agent, client)
    window = Window(window.staff, filed["id"])
    body = await window.open("cancellation", reason="x", expect=409)
    assert body["error"]["code"] == "FILED_ONLINE"


async def test_only_center_staff_work_the_window(agent: Api, anonymous: Api) -> None:
    contract = await offline_contract(agent)
    for user in (agent, await anonymous.login("demo_agency")):
        body = await Window(user, contract["id"]).open(expect=403)
        assert body["error"]["code"] == "ROLE_NOT_ALLOWED"
