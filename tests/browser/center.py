"""The center's side in the browser tests: what the agencies and agents did before the staff
member sits down (over HTTP with urllib, as in ``agent.py``), and the files staff upload."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from backend.demo import DEMO_PASSWORD, contract_terms, synthetic_id
from tests.api.accounts_helpers import uscc
from tests.browser.agent import PROPERTIES, SELLERS_OF, SUN_LI, AgentApi

# A buyer of eleven: the window asks for both parents, a guarantee and proof of kinship.
MINOR = {
    "name": "孙小明",
    "id_type": "resident_id",
    "id_number": synthetic_id("20150601", "314"),
    "phone": "13800138009",
    "share_bp": 4000,
}
PDF = b"%PDF-1.4\n%wangqian window scan\n"


def image(kind: str = "PNG", color: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    """A small scan of a paper: a page with a coloured seal and lines of text."""
    page = Image.new("RGB", (480, 320), (250, 250, 245))
    draw = ImageDraw.Draw(page)
    draw.rectangle((8, 8, 471, 311), outline=(60, 60, 60), width=3)
    draw.rectangle((40, 30, 440, 54), fill=color)
    for y in range(80, 260, 22):
        draw.line((40, y, 440 - (y * 7) % 120, y), fill=(120, 120, 120), width=4)
    draw.ellipse((350, 220, 430, 300), outline=(200, 30, 30), width=5)
    out = io.BytesIO()
    page.save(out, kind)
    return out.getvalue()


def send_file(api: AgentApi, method: str, path: str, data: bytes, kind: str) -> Any:
    request = urllib.request.Request(
        api.base_url + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": kind},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        raise AssertionError((path, err.code, err.read())) from err


def login(base_url: str, username: str, password: str = DEMO_PASSWORD) -> AgentApi:
    body = {"username": username, "password": password}
    answer = AgentApi(base_url).expect("POST", "/api/v1/auth/login", body)
    return AgentApi(base_url, answer["token"])


def submitted_agency(
    base_url: str, name: str = "中山市安居房地产代理有限公司"
) -> tuple[AgentApi, str]:
    """An agency opened by staff whose admin filled the information check, uploaded the business
    license and submitted it: (the admin's session, to resubmit after a rejection; its id)."""
    staff = login(base_url, "center_chen")
    opened = staff.expect(
        "POST", "/api/v1/agencies", {"name": name, "filing_no": "ZSJJ-2026-0101"}, 201
    )
    admin = login(base_url, opened["admin_username"], "123456")
    change = {"old_password": "123456", "new_password": "Anju2026agency"}
    admin.expect("POST", "/api/v1/auth/password", change)
    base = f"/api/v1/agencies/{opened['agency']['id']}"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    info = {
        "full_name": name,
        "uscc": uscc("91442000MA4X7B2C3"),
        "legal_representative": "林安居",
        "address": "中山市东区中山四路 1 号",
        "business_term_from": "2020-03-01",
        "business_term_to": str(today + timedelta(days=400)),
    }
    admin.expect("PUT", f"{base}/info", info)
    material = admin.expect("POST", f"{base}/materials", {"name": "营业执照"}, 201)
    send_file(
        admin, "PUT", f"{base}/materials/{material['material']['id']}/file", image(), "image/png"
    )
    admin.expect("POST", f"{base}/submit", {"comment": "申请开通中介机构网签账号"})
    return admin, opened["agency"]["id"]


def submitted_practitioner(base_url: str, phone: str = "13912345678") -> tuple[AgentApi, str]:
    """The demo agency adds 陈从业 with an ID card image and submits: (admin, practitioner id)."""
    admin = login(base_url, "demo_agency")
    body = {"name": "陈从业", "id_number": synthetic_id("19930615", "481"), "phone": phone}
    added = admin.expect("POST", "/api/v1/practitioners", body, 201)
    base = f"/api/v1/practitioners/{added['id']}"
    card = admin.expect("POST", f"{base}/materials", {"name": "身份证"}, 201)
    jpeg = image("JPEG", (200, 160, 90))
    send_file(admin, "PUT", f"{base}/materials/{card['material']['id']}/file", jpeg, "image/jpeg")
    admin.expect("POST", f"{base}/submit", {})
    return admin, added["id"]


def offline_contract(
    agent: AgentApi, property_id: str = "prop-sole", *, minor: bool = False
) -> Any:
    """A contract the agent submitted for the window (存量房合同签订线下), without fund
    supervision; with ``minor`` the buyers are 孙丽 (60 %) and her son (40 %)."""
    prop = PROPERTIES[property_id]
    fields: dict[str, Any] = {
        "sellers": SELLERS_OF[property_id],
        "buyers": [SUN_LI],
        **contract_terms(),
        "channel": "offline",
        "fund_supervision": {"enabled": False},
    }
    if minor:
        fields["buyers"] = [{**SUN_LI, "share_bp": 6000}, MINOR]
        fields["co_ownership"] = "shares"
    lookup = {"cert_no": prop.cert_no, "owner_id_number": prop.owners[0].id_number}
    draft = agent.expect("POST", "/api/v1/contracts", {"property": lookup, **fields}, 201)
    return agent.expect("POST", f"/api/v1/contracts/{draft['id']}/submit")


def filed_at_window(base_url: str, agent: AgentApi) -> Any:
    """An offline contract filed at the window over the API: everyone came, pages signed."""
    contract = offline_contract(agent)
    staff = login(base_url, "center_chen")
    base = f"/api/v1/window/contracts/{contract['id']}"
    staff.expect("POST", f"{base}/case", {"purpose": "filing"}, 201)
    for party in contract["sellers"] + contract["buyers"]:
        how = {"appeared": True, "id_checked": True}
        staff.expect("PUT", f"{base}/parties/{party['id']}/appearance", how)
    send_file(staff, "POST", f"{base}/signed-pages", PDF, "application/pdf")
    staff.expect("POST", f"{base}/submit")
    return staff.expect("POST", f"{base}/approve")
