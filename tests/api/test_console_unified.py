"""The console's unified identity way in (guide §1.4): 关联本地用户 and 统一认证登录 put the
session into the console's HttpOnly cookie, as its password login does, and answer no token;
the API's refusals come through unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.settings import Settings
from tests.api.accounts_helpers import register_unified, sandbox_settings
from tests.api.conftest import Api

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
BIND = {
    "unified_username": "li_unified",
    "unified_password": "Unified2026",
    "username": "agent_li",
    "password": "Wangqian2026",
}


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return sandbox_settings(store_url, tmp_path)


def session_cookie(resp: Any) -> str:
    cookies = {c.split("=", 1)[0]: c for c in resp.headers.getall("Set-Cookie")}
    assert "HttpOnly" in cookies["wangqian_session"]
    assert "SameSite=Strict" in cookies["wangqian_session"]
    return cookies["wangqian_session"].split("=", 1)[1].split(";", 1)[0]


async def test_binding_in_the_console_signs_in_by_cookie_and_answers_no_token(
    anonymous: Api, client: TestClient[Any, Any]
) -> None:
    await register_unified(anonymous, "li_unified")
    resp = await client.post("/console/unified-binding", json=BIND)
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert "token" not in body and body["account"]["username"] == "agent_li"
    assert session_cookie(resp) not in await resp.text()
    me = await client.get("/api/v1/auth/me")
    assert (await me.json())["username"] == "agent_li"


async def test_the_unified_login_in_the_console_signs_in_the_bound_account_by_cookie(
    anonymous: Api, client: TestClient[Any, Any]
) -> None:
    await register_unified(anonymous, "li_unified")
    await anonymous.post("/api/v1/auth/unified-bindings", BIND, expect=201)
    resp = await client.post(
        "/console/unified-session", json={"username": "li_unified", "password": "Unified2026"}
    )
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert "token" not in body and body["account"]["username"] == "agent_li"
    session_cookie(resp)
    assert (await client.get("/api/v1/contracts")).status == 200


async def test_the_console_shows_the_apis_refusals_of_the_unified_way_in(
    anonymous: Api, client: TestClient[Any, Any]
) -> None:
    await register_unified(anonymous, "li_unified")
    resp = await client.post(
        "/console/unified-session", json={"username": "li_unified", "password": "Unified2026"}
    )
    assert (resp.status, (await resp.json())["error"]["code"]) == (409, "UNIFIED_ACCOUNT_NOT_BOUND")
    assert "Set-Cookie" not in resp.headers
    wrong = {**BIND, "unified_password": "not-it-2026"}
    resp = await client.post("/console/unified-binding", json=wrong)
    assert (resp.status, (await resp.json())["error"]["code"]) == (
        401,
        "UNIFIED_INVALID_CREDENTIALS",
    )
    assert (await client.get("/api/v1/auth/me")).status == 401
