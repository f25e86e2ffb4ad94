"""The console's cookie session on the same /api/v1 routes (issue 15, "Sign-in"; DESIGN §9):
an HttpOnly, SameSite=Strict session cookie (Secure over https) that no answer reveals, CSRF
double-submit on every cookie-authenticated state change, bearer clients untouched, logout and
a disabled account ending the session at once, and the page's own headers."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from backend.app import create_app
from backend.settings import Settings
from tests.api.conftest import SOLE, Api
from tests.conftest import FakeClock

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
LI = {"username": "agent_li", "password": "Wangqian2026"}


async def console_login(client: TestClient[Any, Any], who: dict[str, str] = LI) -> str:
    """Log in as the console does; the CSRF token the page reads from its cookie."""
    resp = await client.post("/console/session", json=who)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert "token" not in body and body["account"]["username"] == who["username"]
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))["wangqian_csrf"].value


async def test_login_sets_an_httponly_samesite_strict_cookie_and_answers_no_token(
    client: TestClient[Any, Any],
) -> None:
    resp = await client.post("/console/session", json=LI)
    cookies = {c.split("=", 1)[0]: c for c in resp.headers.getall("Set-Cookie")}
    session = cookies["wangqian_session"]
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/" in session
    assert "Secure" not in session  # plain http here
    assert "HttpOnly" not in cookies["wangqian_csrf"]  # the page must read this one
    token = session.split("=", 1)[1].split(";", 1)[0]
    assert token not in await resp.text()
    todo = await client.get("/api/v1/todo")
    assert todo.status == 200, await todo.text()


async def test_the_cookies_are_secure_when_the_service_is_served_over_https(
    aiohttp_client: AiohttpClient, settings: Settings, clock: FakeClock, client: object
) -> None:
    https = replace(settings, public_base_url="https://wangqian.example")
    other = await aiohttp_client(create_app(https, clock=clock))
    resp = await other.post("/console/session", json=LI)
    assert all("Secure" in c for c in resp.headers.getall("Set-Cookie"))


async def test_a_cookie_authenticated_change_without_the_csrf_header_is_refused(
    client: TestClient[Any, Any],
) -> None:
    csrf = await console_login(client)
    for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
        resp = await client.post("/api/v1/properties/verify", json=SOLE, headers=headers)
        assert resp.status == 403
        assert (await resp.json())["error"]["code"] == "CSRF_REFUSED"
    resp = await client.post("/api/v1/properties/verify", json=SOLE, headers={"X-CSRF-Token": csrf})
    assert resp.status == 200, await resp.text()
    # reads need no token
    assert (await client.get("/api/v1/auth/me")).status == 200


async def test_bearer_clients_never_meet_the_csrf_check(agent: Api) -> None:
    await agent.post("/api/v1/properties/verify", SOLE)
    # even with a console cookie beside it, the bearer header decides
    await console_login(agent.client)
    await agent.post("/api/v1/properties/verify", SOLE)


async def test_logout_revokes_the_session_and_clears_both_cookies(
    client: TestClient[Any, Any],
) -> None:
    csrf = await console_login(client)
    jar = client.session.cookie_jar
    token = jar.filter_cookies(client.make_url("/"))["wangqian_session"].value
    resp = await client.post("/console/logout", headers={"X-CSRF-Token": csrf})
    assert resp.status == 204
    assert "wangqian_session" not in jar.filter_cookies(client.make_url("/"))
    stale = await client.get("/api/v1/todo", cookies={"wangqian_session": token})
    assert stale.status == 401


async def test_a_disabled_practitioner_is_signed_out_of_the_console_at_once(
    client: TestClient[Any, Any], anonymous: Api
) -> None:
    await console_login(client)
    assert (await client.get("/api/v1/todo")).status == 200
    admin = await anonymous.login("demo_agency")
    await admin.post("/api/v1/practitioners/prac-agent_li/disable")
    resp = await client.get("/api/v1/todo")
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "ACCOUNT_DISABLED"


async def test_the_first_login_must_change_the_initial_password_through_the_cookie(
    client: TestClient[Any, Any],
) -> None:
    csrf = await console_login(client, {"username": "agent_new", "password": "123456"})
    assert (await client.get("/api/v1/todo")).status == 403
    change = {"old_password": "123456", "new_password": "Xinmima2026"}
    resp = await client.post("/api/v1/auth/password", json=change, headers={"X-CSRF-Token": csrf})
    assert resp.status == 200, await resp.text()
    assert (await client.get("/api/v1/todo")).status == 200


async def test_the_console_page_has_the_page_headers_and_versioned_files(
    client: TestClient[Any, Any],
) -> None:
    page = await client.get("/console")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["Cache-Control"] == "no-store"
    html = await page.text()
    assert "<script>" not in html and " on" not in re.sub(r"\s+", " ", html).replace(" only", "")
    module = re.search(r'src="(/console/static/[0-9a-f]{16}/main\.js)"', html)
    assert module is not None
    resp = await client.get(module.group(1))
    assert resp.status == 200 and resp.content_type == "text/javascript"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    api = module.group(1).replace("main.js", "api.js")
    assert (await client.get(api)).status == 200
    assert (await client.get("/console/static/0000000000000000/main.js")).status == 404
