"""Steps of agency and practitioner onboarding, as a client would take them over HTTP."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image

from backend.demo import synthetic_id
from backend.settings import Settings
from signing_flow.validators import _USCC_ALPHABET, _USCC_WEIGHTS
from tests.api.conftest import Api

NEW_PASSWORD = "Agency2026x"


def sandbox_settings(store_url: str, tmp_path: Path) -> Settings:
    """These tests read the SMS outbox and register unified accounts: the sandbox is on."""
    return Settings(
        store_url=store_url, key_dir=str(tmp_path / "keys"), scheduler=False, sandbox=True
    )


def uscc(first17: str) -> str:
    """A unified social credit code with its GB 32100 check character."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]


def image(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def info(**overrides: Any) -> dict[str, Any]:
    """企业信息 as on a business license; the test clock's today is 2026-11-25 (Zhongshan)."""
    body: dict[str, Any] = {
        "full_name": "中山市安居房地产代理有限公司",
        "uscc": uscc("91442000MA4X7B2C3"),
        "legal_representative": "林安居",
        "address": "中山市东区中山四路 1 号",
        "business_term_from": "2020-03-01",
        "business_term_to": "2028-11-25",
        "qualification_cert_no": "粤中房经备 2026-0101",
        "qualification_valid_to": "2028-06-30",
    }
    body.update(overrides)
    return body


def person(birth: str = "19930615", seq: str = "481") -> str:
    return synthetic_id(birth, seq)


async def upload(
    api: Api, path: str, data: bytes, content_type: str = "image/png"
) -> tuple[int, Any]:
    resp = await api.client.put(
        path, data=data, headers={**api.headers(), "Content-Type": content_type}
    )
    return resp.status, await resp.json()


async def open_agency(
    staff: Api, name: str = "中山市安居房地产代理有限公司", filing_no: str = "ZSJJ-2026-0101"
) -> tuple[str, str]:
    """Staff open the account: (agency id, admin username)."""
    body = await staff.post("/api/v1/agencies", {"name": name, "filing_no": filing_no}, expect=201)
    assert body["agency"]["status"] == "incomplete"
    return body["agency"]["id"], body["admin_username"]


async def first_login(anonymous: Api, username: str, new_password: str = NEW_PASSWORD) -> Api:
    api = await anonymous.login(username, "123456")
    await api.post(
        "/api/v1/auth/password", {"old_password": "123456", "new_password": new_password}
    )
    return api


async def named_material(api: Api, base: str, name: str) -> str:
    body = await api.post(f"{base}/materials", {"name": name}, expect=201)
    return str(body["material"]["id"])


async def approved_agency(
    anonymous: Api,
    staff: Api,
    name: str = "中山市安居房地产代理有限公司",
    filing_no: str = "ZSJJ-2026-0101",
    code: str = "91442000MA4X7B2C3",
) -> tuple[Api, str]:
    """Opened, information filled, license uploaded, submitted and approved: (admin, agency)."""
    agency_id, username = await open_agency(staff, name, filing_no)
    admin = await first_login(anonymous, username)
    base = f"/api/v1/agencies/{agency_id}"
    await admin.call("PUT", f"{base}/info", info(full_name=name, uscc=uscc(code)), expect=200)
    material = await named_material(admin, base, "营业执照")
    status, body = await upload(admin, f"{base}/materials/{material}/file", image())
    assert status == 200, body
    await admin.post(f"{base}/submit", {"comment": "申请开通中介机构网签账号"})
    await staff.post(f"{base}/approve", {})
    return admin, agency_id


async def submitted_practitioner(
    admin: Api, name: str = "陈从业", id_number: str | None = None, phone: str = "13912345678"
) -> str:
    body = await admin.post(
        "/api/v1/practitioners",
        {"name": name, "id_number": id_number or person(), "phone": phone},
        expect=201,
    )
    base = f"/api/v1/practitioners/{body['id']}"
    material = await named_material(admin, base, "身份证")
    status, uploaded = await upload(admin, f"{base}/materials/{material}/file", image("JPEG"))
    assert status == 200, uploaded
    await admin.post(f"{base}/submit", {})
    return str(body["id"])


async def sms_login(api: Api, phone: str) -> tuple[str, str]:
    """The newest SMS to ``phone``: (username, password) it announces."""
    outbox = await api.get(f"/sandbox/v1/sms?phone={phone}")
    text = outbox["messages"][0]["text"]
    found = re.search(r"登录账号：(\w+)，初始密码：(\w+)。", text)
    assert found, text
    return found.group(1), found.group(2)


# The seeded agency of agent_li and agent_wang (backend.demo.AGENCY_NAME)
DEMO_AGENCY_NAME = "中山市示范房地产代理有限公司"


async def register_unified(
    anonymous: Api,
    username: str,
    password: str = "Unified2026",
    enterprise_name: str = DEMO_AGENCY_NAME,
    **extra: Any,
) -> Any:
    return await anonymous.post(
        "/sandbox/v1/unified-accounts",
        {
            "username": username,
            "password": password,
            "applicant_name": "经办人",
            "enterprise_name": enterprise_name,
            "uscc": uscc("91442000MA4X7B2C3"),
            **extra,
        },
        expect=201,
    )
