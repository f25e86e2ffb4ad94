"""The access log: a line per request without query strings, except successful status polls,
which are counted and summed up once a minute."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from backend.access_log import POLL_TALLY, AccessLogger, poll_summaries
from backend.app import create_app
from backend.demo import seed_demo
from backend.settings import Settings
from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from tests.api.conftest import Api, submitted_contract
from tests.conftest import FakeClock


@pytest.fixture
async def logged(aiohttp_client: Any, settings: Settings, clock: FakeClock) -> TestClient[Any, Any]:
    """The app served with the service's access logger, as ``wangqian serve`` runs it."""
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    server = TestServer(create_app(settings, clock=clock))
    await server.start_server(access_log_class=AccessLogger)
    client: TestClient[Any, Any] = await aiohttp_client(server)
    return client


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]


async def test_successful_polls_are_counted_not_logged_one_by_one(
    logged: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    agent = await Api(logged).login("agent_li")
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    path = f"/api/v1/signing-orders/{order['id']}"
    first = await logged.get(path, headers=agent.headers())
    await logged.get(path, headers={**agent.headers(), "If-None-Match": first.headers["ETag"]})
    await logged.get(f"{path}?wait=0&version=0", headers=agent.headers())
    await agent.get("/api/v1/signing-orders/nope-o1", expect=404)

    lines = access_lines(caplog)
    assert not [line for line in lines if line.startswith(f"GET {path}")]
    assert [line for line in lines if line.startswith("GET /api/v1/signing-orders/nope-o1 404")]
    assert [line for line in lines if line.startswith("POST /api/v1/auth/login 200")]
    assert all("?" not in line for line in lines)
    summary = logged.app[POLL_TALLY].take_summary()
    assert summary == "GET /api/v1/signing-orders/{oid}: 3 polls (200: 2, 304: 1)"
    assert logged.app[POLL_TALLY].take_summary() is None


async def test_the_tally_left_at_shutdown_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    app = create_app(Settings(store_url="sqlite:///:memory:", scheduler=False))
    summaries = poll_summaries(app)
    await anext(summaries)
    app[POLL_TALLY].add(200)
    with pytest.raises(StopAsyncIteration):
        await anext(summaries)
    assert access_lines(caplog) == [
        "GET /api/v1/signing-orders/{oid}: 1 polls (200: 1) before shutdown"
    ]


async def test_an_encoded_newline_or_bidi_override_in_the_path_cannot_forge_a_log_line(
    logged: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    forged = "/api/v1/x%0D%0AGET%20/api/v1/contracts%20200%201.0ms%E2%80%AE%09end"
    assert (await logged.get(forged)).status == 404
    [line] = [line for line in access_lines(caplog) if line.startswith("GET /api/v1/x")]
    assert line.startswith(f"GET {forged} 404 ")  # as it was on the wire
    assert line.isprintable() and line.isascii()


async def test_the_qr_token_in_the_phone_page_link_is_never_logged(
    logged: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = "QrTokenThatMustNotBeLogged0123456789abcdefg"
    assert (await logged.get(f"/mp/scan?token={token}")).status == 200
    assert "GET /mp/scan 200" in " ".join(access_lines(caplog))
    assert not [r for r in caplog.records if token in r.getMessage()]
