"""The agent's side in the browser tests, over HTTP with plain urllib (as a second screen would
be): signing orders on the demo properties and the QR code read from its PNG. No Playwright here,
so the fixtures load without it."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend.demo import DEMO_BUYERS, DEMO_PROPERTIES, contract_terms, seller_fields
from miniapp_mock.qr import decode_qr_png

REPO = Path(__file__).resolve().parents[2]
PROPERTIES = {p.id: p for p in DEMO_PROPERTIES}
SELLERS_OF = {p.id: seller_fields(p) for p in DEMO_PROPERTIES}
SUN_LI, WU_BIN = DEMO_BUYERS


def need_browser() -> str:
    """Chromium's path; else skip the module saying why, or fail with
    WANGQIAN_REQUIRE_BROWSER=1 (CI), as the MongoDB runs do with WANGQIAN_REQUIRE_MONGO=1."""
    reason = None
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
    if executable is None:
        reason = "no Chromium on PATH (apt-get install chromium)"
    if reason is None:
        assert executable is not None
        return executable
    if os.environ.get("WANGQIAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"WANGQIAN_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


@dataclass
class AgentApi:
    """The practitioner's screen, over /api/v1."""

    base_url: str
    token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                raw, status, kind = resp.read(), resp.status, resp.headers.get_content_type()
        except urllib.error.HTTPError as err:
            raw, status, kind = err.read(), err.code, err.headers.get_content_type()
        return status, json.loads(raw) if kind == "application/json" else raw

    def expect(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        got, answer = self.call(method, path, body)
        assert got == status, (method, path, got, answer)
        return answer

    @classmethod
    def login(cls, base_url: str, username: str) -> AgentApi:
        body = {"username": username, "password": "Wangqian2026"}
        answer = cls(base_url).expect("POST", "/api/v1/auth/login", body)
        return cls(base_url, answer["token"])

    def signing_order(self, property_id: str = "prop-sole", buyers: int = 1) -> dict[str, Any]:
        """A submitted contract on a demo property and its signing order (生成电子合同订单)."""
        prop = PROPERTIES[property_id]
        lookup = {"cert_no": prop.cert_no, "owner_id_number": prop.owners[0].id_number}
        fields: dict[str, Any] = {
            "sellers": SELLERS_OF[property_id],
            "buyers": [SUN_LI],
            **contract_terms(),
        }
        if buyers == 2:
            fields["buyers"] = [{**SUN_LI, "share_bp": 6000}, {**WU_BIN, "share_bp": 4000}]
            fields["co_ownership"] = "shares"
        draft = self.expect("POST", "/api/v1/contracts", {"property": lookup, **fields}, 201)
        self.expect("POST", f"/api/v1/contracts/{draft['id']}/submit")
        order: dict[str, Any] = self.expect(
            "POST", f"/api/v1/contracts/{draft['id']}/signing-orders", status=201
        )
        return order

    def qr_link(self, order_id: str, party_id: str) -> str:
        """查看二维码 as the PNG on the agent's screen, read as a phone's camera reads it."""
        png = self.expect("GET", f"/api/v1/signing-orders/{order_id}/parties/{party_id}/qrcode.png")
        return decode_qr_png(png)

    def order(self, order_id: str) -> Any:
        return self.expect("GET", f"/api/v1/signing-orders/{order_id}")


def person(order: dict[str, Any], party_id: str) -> tuple[str, str]:
    """A party's name and full ID number, as the person knows them (the order masks them)."""
    name = next(p["name"] for p in order["parties"] if p["party_id"] == party_id)
    everyone = [*SELLERS_OF.values(), DEMO_BUYERS]
    number = next(p["id_number"] for group in everyone for p in group if p["name"] == name)
    return name, number
