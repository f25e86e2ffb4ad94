"""The phone page as the server serves it (issue 14): its headers, its files under hashed names,
and a GET that spends no token. The page's behaviour is walked in a real browser in
``tests/browser/``. These do not depend on the store, so they run on SQLite only."""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from miniapp_mock.check_answers import FACE_SAMPLES
from tests.api.conftest import Api, Phone, qr_url, submitted_contract

pytestmark = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


async def test_the_scan_page_runs_only_its_own_files_and_cannot_be_framed(
    client: TestClient[Any, Any],
) -> None:
    resp = await client.get("/mp/scan?token=not-a-real-token-0123456789")
    page = await resp.text()
    assert resp.status == 200 and resp.content_type == "text/html"
    policy = dict(
        part.strip().split(" ", 1) for part in resp.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # no inline script, handler or style: the policy would refuse them anyway
    assert re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.DOTALL) == [""]
    assert re.search(r'<script type="module" src="/mp/static/phone\.[0-9a-f]{16}\.js">', page)
    assert not re.search(r"\son\w+=|javascript:|<style|\sstyle=", page, re.IGNORECASE)
    assert "not-a-real-token" not in page


async def test_opening_the_page_spends_no_token_and_shows_nothing_personal(
    client: TestClient[Any, Any], agent: Api
) -> None:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    url = await qr_url(agent, order["id"], "s1")
    token = url.split("token=")[1]

    with_token = await (await client.get(f"/mp/scan?token={token}")).text()
    assert with_token == await (await client.get("/mp/scan")).text()
    for personal in (token, "李娜", contract["number"]):
        assert personal not in with_token
    # a link preview fetching the page leaves the token to the phone that opens it
    await Phone(client).scan(url, expect=201)


async def test_the_module_and_the_stylesheet_are_named_by_their_content_and_kept_a_year(
    client: TestClient[Any, Any],
) -> None:
    page = await (await client.get("/mp/scan")).text()
    urls = re.findall(r'(?:src|href)="(/mp/static/[^"]+)"', page)
    assert sorted(u.rsplit(".", 1)[1] for u in urls) == ["css", "js"]
    for url in urls:
        resp = await client.get(url)
        body = await resp.read()
        assert resp.status == 200
        assert (
            resp.content_type == {"js": "text/javascript", "css": "text/css"}[url.rsplit(".", 1)[1]]
        )
        assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert url.split(".")[-2] == hashlib.sha256(body).hexdigest()[:16]
    assert (await client.get("/mp/static/phone.0000000000000000.js")).status == 404


async def test_every_sandbox_face_sample_is_offered_with_its_outcome(
    client: TestClient[Any, Any],
) -> None:
    page = html.unescape(await (await client.get("/mp/scan")).text())
    offered = re.findall(r'name="face_sample" value="([^"]+)"', page)
    assert offered == list(FACE_SAMPLES)
    for answer in FACE_SAMPLES.values():
        if answer is not None:
            assert answer.message.split(" (")[0] in page
    assert "不计入失败次数" in page and "计入失败次数" in page
