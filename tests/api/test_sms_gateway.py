"""SMS outside the sandbox (issue 13, "Initial passwords"): the practitioner's initial password
goes to the configured HTTP gateway only, and is stored nowhere. The gateway here is a real
aiohttp server on loopback, so each test is a real HTTP exchange."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backend.app import create_app
from backend.demo import seed_demo
from backend.settings import Settings
from backend.sms import HttpSmsGateway
from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.errors import DependencyUnavailable
from tests.api.accounts_helpers import submitted_practitioner
from tests.api.conftest import Api, ClientFactory
from tests.conftest import FakeClock

TOKEN = "gateway-token-1"


class Gateway:
    """An SMS gateway on loopback that records what it was sent and answers ``status``."""

    def __init__(self) -> None:
        self.received: list[tuple[str | None, Any]] = []
        self.status = 200
        app = web.Application()
        app.router.add_post("/send", self.send)
        self.server = TestServer(app)

    async def send(self, request: web.Request) -> web.Response:
        self.received.append((request.headers.get("Authorization"), await request.json()))
        return web.json_response({"echo": "whatever the gateway says"}, status=self.status)

    @property
    def url(self) -> str:
        return str(self.server.make_url("/send"))


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    gw = Gateway()
    await gw.server.start_server()
    yield gw
    await gw.server.close()


async def test_a_message_is_posted_to_the_gateway_with_its_token(gateway: Gateway) -> None:
    async with aiohttp.ClientSession() as session:
        await HttpSmsGateway(session, gateway.url, TOKEN).send(
            "13912340001", "初始密码：abc", purpose="practitioner_login"
        )
    assert gateway.received == [
        (
            f"Bearer {TOKEN}",
            {"phone": "13912340001", "text": "初始密码：abc", "purpose": "practitioner_login"},
        )
    ]


async def test_a_refusing_or_absent_gateway_is_unavailable_and_the_text_is_not_logged(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway.status = 500
    async with aiohttp.ClientSession() as session:
        with pytest.raises(DependencyUnavailable) as refused:
            await HttpSmsGateway(session, gateway.url, TOKEN).send("139", "pw-1", purpose="p")
        url = gateway.url
        await gateway.server.close()
        with pytest.raises(DependencyUnavailable) as absent:
            await HttpSmsGateway(session, url, TOKEN).send("139", "pw-2", purpose="p")
    assert refused.value.code == absent.value.code == "SMS_SERVICE_UNAVAILABLE"
    assert "pw-1" not in caplog.text and "pw-2" not in caplog.text and TOKEN not in caplog.text


async def approve_a_practitioner(client: TestClient[Any, Any], phone: str) -> Any:
    anonymous = Api(client)
    admin = await anonymous.login("demo_agency")
    staff = await anonymous.login("center_chen")
    practitioner_id = await submitted_practitioner(admin, phone=phone)
    return await staff.post(f"/api/v1/practitioners/{practitioner_id}/approve", {})


async def started(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> TestClient[Any, Any]:
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    return await aiohttp_client(create_app(settings, clock=clock))


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_outside_the_sandbox_the_password_goes_to_the_gateway_and_is_stored_nowhere(
    aiohttp_client: ClientFactory,
    store_url: str,
    tmp_path: Path,
    clock: FakeClock,
    gateway: Gateway,
) -> None:
    settings = Settings(
        store_url=store_url,
        key_dir=str(tmp_path / "keys"),
        scheduler=False,
        sms_url=gateway.url,
        sms_token=TOKEN,
    )
    client = await started(aiohttp_client, settings, clock)
    approved = await approve_a_practitioner(client, "13912340007")
    assert approved["password_sms_sent"] is True
    [(authorization, message)] = gateway.received
    assert authorization == f"Bearer {TOKEN}" and message["phone"] == "13912340007"
    found = re.search(r"登录账号：(\w+)，初始密码：(\w+)。", message["text"])
    assert found
    username, password = found.groups()
    await Api(client).login(username, password)  # it is the password
    await client.close()
    database = Path(store_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert username.encode() in stored  # the scan sees what is stored
    assert password.encode() not in stored


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_outside_the_sandbox_without_a_gateway_nothing_is_sent_and_the_approval_says_so(
    aiohttp_client: ClientFactory,
    settings: Settings,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    client = await started(aiohttp_client, settings, clock)
    assert "WANGQIAN_SMS_URL is not set" in caplog.text
    approved = await approve_a_practitioner(client, "13912340008")
    assert approved["password_sms_sent"] is False
    assert approved["practitioner"]["status"] == "approved"
    assert (await Api(client).get("/sandbox/v1/sms", expect=404))["error"]["code"] == (
        "ROUTE_NOT_FOUND"
    )
