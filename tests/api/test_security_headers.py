"""The headers on every response (issue 13, "Headers"; DESIGN §9). They do not depend on the
store, so these run on SQLite only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from tests.api.conftest import Api, Phone, qr_url, submitted_contract

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


async def answer(api: Api, method: str, path: str, json: Any = None) -> ClientResponse:
    resp = await api.client.request(method, path, json=json, headers=api.headers())
    await resp.read()
    return resp


async def signing(agent: Api) -> tuple[Any, Any]:
    """A contract with a signing order: (contract, order)."""
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    return contract, order


async def test_every_response_says_nosniff_and_names_no_version(agent: Api, anonymous: Api) -> None:
    contract, order = await signing(agent)
    party = contract["sellers"][0]["id"]
    answers = [
        await answer(anonymous, "GET", "/healthz"),
        await answer(anonymous, "GET", "/openapi.json"),
        await answer(anonymous, "GET", "/no/such/route"),
        await answer(anonymous, "POST", "/api/v1/auth/login", {"username": "x", "password": "y"}),
        await answer(agent, "GET", f"/api/v1/contracts/{contract['id']}"),
        await answer(
            agent, "GET", f"/api/v1/signing-orders/{order['id']}/parties/{party}/qrcode.png"
        ),
        await answer(agent, "PUT", "/api/v1/contracts"),  # 405
    ]
    assert [r.status for r in answers] == [200, 200, 404, 401, 200, 200, 405]
    for resp in answers:
        assert resp.headers["X-Content-Type-Options"] == "nosniff", resp.url
        assert resp.headers["Server"] == "wangqian", resp.url
        assert not re.search(r"\d", resp.headers["Server"])


async def test_answers_with_tokens_or_personal_data_are_not_stored_by_caches(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    contract, order = await signing(agent)
    login = await answer(
        anonymous,
        "POST",
        "/api/v1/auth/login",
        {"username": "agent_li", "password": "Wangqian2026"},
    )
    url = await qr_url(agent, order["id"], contract["sellers"][0]["id"])
    phone = Phone(client)
    scan = await answer(phone.api, "POST", "/mp/v1/sessions", {"token": url.split("token=")[1]})
    phone.api.token = (await scan.json())["session_token"]
    personal = [
        login,
        scan,
        await answer(agent, "GET", f"/api/v1/contracts/{contract['id']}"),
        await answer(agent, "GET", "/api/v1/contracts"),
        await answer(agent, "GET", "/api/v1/auth/me"),
        await answer(phone.api, "GET", "/mp/v1/order"),
        await answer(phone.api, "GET", "/mp/v1/document"),
        await answer(anonymous, "GET", f"/api/v1/contracts/{contract['id']}"),  # even a 401
    ]
    assert [r.status for r in personal] == [200, 201, 200, 200, 200, 200, 200, 401]
    for resp in personal:
        assert resp.headers["Cache-Control"] == "no-store", resp.url


async def test_the_status_poll_keeps_revalidating_with_its_etag(agent: Api) -> None:
    _, order = await signing(agent)
    path = f"/api/v1/signing-orders/{order['id']}"
    first = await answer(agent, "GET", path)
    assert first.headers["Cache-Control"] == "no-cache" and "ETag" in first.headers
    again = await agent.client.get(
        path, headers={**agent.headers(), "If-None-Match": first.headers["ETag"]}
    )
    assert again.status == 304
    assert "Cache-Control" not in again.headers  # what the cached 200 said still holds


async def test_print_views_cannot_be_framed_and_run_no_script(agent: Api, anonymous: Api) -> None:
    contract = await submitted_contract(agent, channel="offline")
    staff = await anonymous.login("center_chen")
    base = f"/api/v1/window/contracts/{contract['id']}"
    await staff.post(f"{base}/case", {"purpose": "filing"}, expect=201)
    page = await answer(staff, "GET", f"{base}/forms/filing-application.html")
    assert page.status == 200 and page.content_type == "text/html"
    assert page.headers["X-Frame-Options"] == "DENY"
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
