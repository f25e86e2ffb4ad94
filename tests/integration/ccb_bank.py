"""The sandbox CCB running as a server of its own, the HTTP adapter pointed at it, and a
platform's callback endpoint that keeps what the bank posts: the pieces of the bank tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.banks.ccb import CcbBank
from backend.banks.keys import PLATFORM_FILE, published
from backend.banks.signing import public_key
from backend.signing_keys import Ed25519Signer, load_signer
from miniapp_mock.ccb.server import RunningBank, running_bank
from signing_flow.fund_supervision import ApplicationRequest

APP_ID = "wangqian-test"
CALLBACK_PATH = "/api/v1/callbacks/banks/ccb"


@dataclass
class Posted:
    headers: dict[str, str]
    body: bytes


@dataclass
class Platform:
    """The platform's side: its key, its callback endpoint, and the adapter."""

    key: Ed25519Signer
    notify_url: str = ""
    posted: list[Posted] = field(default_factory=list)

    async def receive(self, request: web.Request) -> web.Response:
        self.posted.append(Posted(dict(request.headers), await request.read()))
        return web.Response(text="ok")


@dataclass
class Setup:
    platform: Platform
    bank: RunningBank
    adapter: CcbBank

    def request(self, amount_fen: int = 100_000_000, buyers: int = 1) -> ApplicationRequest:
        return ApplicationRequest(
            contract_id="c-1",
            contract_number="CL20260000001",
            amount_fen=amount_fen,
            property_address="中山市东区示范路1号1201房",
            seller_names=("张伟",),
            buyer_names=("孙丽", "吴斌")[:buyers],
            notify_url=self.platform.notify_url,
            return_url="http://127.0.0.1:9/console",
        )

    async def confirm_all(
        self, application_id: str, amount_fen: int | None = None
    ) -> dict[str, Any]:
        """Every party confirms on the bank's page (its JSON routes), as a phone would."""
        base = self.bank.url + f"/pages/{application_id}"
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/state") as resp:
                state = await resp.json()
            answer: dict[str, Any] = state
            for party in state["parties"]:
                body = {
                    "party": party["key"],
                    "amount_fen": amount_fen or state["amount_fen"],
                    "seller_account": "6217000000000000001",
                    "buyer_account": "6217000000000000002",
                }
                async with http.post(base + "/confirm", json=body) as resp:
                    assert resp.status == 200, await resp.text()
                    answer = await resp.json()
        return answer


@asynccontextmanager
async def bank_setup(store_url: str, tmp: Path) -> AsyncIterator[Setup]:
    platform = Platform(load_signer(None, str(tmp / "platform"), PLATFORM_FILE))
    receiver = web.Application()
    receiver.router.add_post(CALLBACK_PATH, platform.receive)
    server = TestServer(receiver, host="127.0.0.1")
    await server.start_server()
    platform.notify_url = str(server.make_url(CALLBACK_PATH))
    keys = {APP_ID: [public_key(published(platform.key))]}
    try:
        async with (
            running_bank(store_url, keys, str(tmp / "bank")) as bank,
            aiohttp.ClientSession() as session,
        ):
            adapter = CcbBank(
                session,
                bank.url,
                APP_ID,
                platform.key,
                [public_key(bank.public_key)],
                timeout=2,
                require_https=False,  # the sandbox bank on a local port
            )
            yield Setup(platform, bank, adapter)
    finally:
        await server.close()
