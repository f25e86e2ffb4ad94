"""The sandbox service's own CCB 龙存管: the bank adapter the service runs with reaches the bank
the service serves, over HTTP, and the parties' page is a page of ours (Chinese, CSP, hashed
files). Outside the sandbox, with no bank configured, nothing is opened or believed."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.app import create_app
from backend.providers import providers
from backend.settings import Settings
from backend.storage import open_store
from signing_flow.fund_supervision import (
    ApplicationRequest,
    BankApplicationStatus,
    BankUnavailable,
    CallbackRefused,
)
from signing_flow.secrets import InlineHasher


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(notify_url: str) -> ApplicationRequest:
    return ApplicationRequest(
        contract_id="c-1",
        contract_number="CL20260000001",
        amount_fen=128_000_000,
        property_address="中山市东区示范路1号1201房",
        seller_names=("张伟",),
        buyer_names=("孙丽",),
        notify_url=notify_url,
        return_url="http://127.0.0.1:9/console",
    )


async def test_the_sandbox_service_serves_the_bank_its_adapter_talks_to(
    store_url: str, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(
        store_url=store_url,
        key_dir=str(tmp_path / "keys"),
        sandbox=True,
        scheduler=False,
        public_base_url=f"http://127.0.0.1:{port}",
    )
    posted: list[tuple[dict[str, str], bytes]] = []

    async def receive(req: web.Request) -> web.Response:
        posted.append((dict(req.headers), await req.read()))
        return web.Response(text="ok")

    receiver = web.Application()
    receiver.router.add_post("/notify", receive)
    service = TestServer(create_app(settings), host="127.0.0.1", port=port)
    platform = TestServer(receiver, host="127.0.0.1")
    await service.start_server()
    await platform.start_server()
    chosen = providers(settings)
    try:
        async with (
            open_store(store_url, chosen.collections) as store,
            chosen.services(store, InlineHasher()) as services,
            aiohttp.ClientSession() as http,
        ):
            opened = await services.bank.open_application(
                request(str(platform.make_url("/notify")))
            )
            assert opened.redirect_url == (
                f"http://127.0.0.1:{port}/sandbox/v1/banks/ccb/pages/{opened.application_id}"
            )
            async with http.get(opened.redirect_url) as resp:
                html = await resp.text()
                policy = resp.headers["Content-Security-Policy"]
            assert "龙存管" in html and "监管金额" in html and "卖方收款账号" in html
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
            assert "<script>" not in html
            for asset in re.findall(r'(?:src|href)="(/sandbox/v1/banks/ccb/static/[^"]+)"', html):
                assert re.search(r"\.[0-9a-f]{16}\.(js|css)$", asset)
                async with http.get(f"http://127.0.0.1:{port}{asset}") as resp:
                    assert resp.status == 200
                    assert "immutable" in resp.headers["Cache-Control"]

            page = f"{opened.redirect_url}/confirm"
            for party in ("seller-1", "buyer-1"):
                body = {
                    "party": party,
                    "amount_fen": 128_000_000,
                    "seller_account": "621700000000000001",
                    "buyer_account": "621700000000000002",
                }
                async with http.post(page, json=body) as resp:
                    assert resp.status == 200, await resp.text()

            [(headers, body)] = posted
            notice = services.bank.parse_callback(headers, body)
            assert notice.status is BankApplicationStatus.SIGNED
            queried = await services.bank.query_application(opened.application_id)
            assert queried.agreement_number == notice.agreement_number
    finally:
        await platform.close()
        await service.close()


async def test_outside_the_sandbox_with_no_bank_configured_nothing_is_opened_or_believed(
    tmp_path: Path,
) -> None:
    settings = Settings(store_url=f"sqlite:///{tmp_path}/w.db", key_dir=str(tmp_path / "keys"))
    chosen = providers(settings)
    async with (
        open_store(settings.store_url, chosen.collections) as store,
        chosen.services(store, InlineHasher()) as services,
    ):
        with pytest.raises(BankUnavailable):
            await services.bank.open_application(request("http://127.0.0.1:9/notify"))
        with pytest.raises(CallbackRefused):
            services.bank.parse_callback({}, b"{}")


def test_the_bank_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "WANGQIAN_CCB_URL": "https://open.ccb.example/lcg",
            "WANGQIAN_CCB_APP_ID": "zs-wangqian",
            "WANGQIAN_CCB_PUBLIC_KEYS": "a, b",
            "WANGQIAN_CCB_TIMEOUT": "3",
        }
    )
    assert (settings.ccb_url, settings.ccb_app_id, settings.ccb_public_keys) == (
        "https://open.ccb.example/lcg",
        "zs-wangqian",
        ("a", "b"),
    )
    assert settings.ccb_timeout == 3
