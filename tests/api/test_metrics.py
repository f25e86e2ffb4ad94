"""``GET /metrics``: what it counts after a whole handshake, that no label carries an id, a token
or a contract number, and who may scrape it."""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
from dataclasses import replace
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from backend.app import create_app
from backend.appkeys import METRICS, STORE
from backend.demo import seed_demo
from backend.settings import Settings
from backend.storage import open_store
from backend.storage.sweeps import StoreSweeps
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.jobs import expire_orders
from schedulers.observe import observed
from tests.api.conftest import Api, ClientFactory, Phone, qr_url, submitted_contract
from tests.conftest import FakeClock

TOKEN = "scrape-secret-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
# What an id, a token or a number looks like: no label value may.
SECRET_LIKE = [
    re.compile(r"[0-9a-f]{12,}"),  # ids (new_id: 24 hex digits), digests
    re.compile(r"[A-Za-z0-9_-]{32,}"),  # tokens (43 URL-safe characters)
    re.compile(r"\d{6,}"),  # contract numbers, ID numbers, phone numbers
]

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def app_with(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock, **changes: Any
) -> TestClient[Any, Any]:
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    return await aiohttp_client(create_app(replace(settings, **changes), clock=clock))


@pytest.fixture
async def scraped(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> TestClient[Any, Any]:
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    return await app_with(aiohttp_client, settings, clock, metrics_token_sha256=digest)


async def scrape(client: TestClient[Any, Any]) -> str:
    resp = await client.get("/metrics", headers=SCRAPER)
    assert resp.status == 200
    assert resp.content_type == "text/plain"
    return await resp.text()


async def test_a_whole_handshake_is_counted_and_no_label_names_anything_of_it(
    scraped: TestClient[Any, Any],
) -> None:
    agent = await Api(scraped).login("agent_li")
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    seen = {contract["id"], contract["number"], order["id"], str(agent.token)}
    parties = {
        p["id"]: (p["name"], p["id_number"]) for p in contract["sellers"] + contract["buyers"]
    }
    for n, (party_id, (name, id_number)) in enumerate(parties.items()):
        phone = Phone(scraped)
        url = await qr_url(agent, order["id"], party_id)
        await phone.scan(url)
        seen |= {url.split("token=", 1)[1], str(phone.api.token), id_number, name}
        if n == 0:  # one wrong ID number first: a failed step, by its code
            document = await phone.api.get("/mp/v1/document")
            await phone.step("review", {"document_sha256": document["sha256"]})
            await phone.step("confirm")
            wrong = {"name": name, "id_number": "110101199003074514"}
            await phone.step("police-verification", wrong, expect=422)
            await phone.step("police-verification", {"name": name, "id_number": id_number})
            await phone.step("authorize", {"face_sample": "match"})
        else:
            await phone.sign_through(name, id_number)
    await agent.get(f"/api/v1/signing-orders/{order['id']}")
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    await agent.get(f"/api/v1/contracts/{contract['number']}", expect=404)
    await scraped.get(f"/no/such/{contract['id']}")

    text = await scrape(scraped)
    found = samples(text)
    assert value(found, "wangqian_handshake_steps_total", step="authorize", result="passed") == 4
    assert value(found, "wangqian_handshake_steps_total", step="open_session", result="passed") == 4
    assert (
        value(
            found,
            "wangqian_handshake_steps_total",
            step="police_verification",
            result="POLICE_MISMATCH",
        )
        == 1
    )
    # one order, signed by all then filed: counted once, at its terminal status
    assert value(found, "wangqian_orders_ended_total", status="completed") == 0
    assert value(found, "wangqian_orders_ended_total", status="submitted") == 1
    poll = {"method": "GET", "route": "/api/v1/signing-orders/{oid}", "status": "200"}
    assert value(found, "wangqian_http_requests_total", **poll) == 1
    unmatched = {"method": "GET", "route": "(unmatched)", "status": "404"}
    assert value(found, "wangqian_http_requests_total", **unmatched) == 1
    latency = {"method": "POST", "route": "/mp/v1/authorize"}
    assert value(found, "wangqian_http_request_duration_seconds_count", **latency) == 4
    for what in seen:
        assert what not in text
    labels = {v for (_, pairs) in found for k, v in pairs if k != "le"}
    for label in labels:
        assert not any(p.search(label) for p in SECRET_LIKE), label


async def test_a_long_poll_is_a_waiter_while_it_waits(scraped: TestClient[Any, Any]) -> None:
    agent = await Api(scraped).login("agent_li")
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    path = f"/api/v1/signing-orders/{order['id']}?wait=5&version={order['version']}"
    poll = asyncio.create_task(scraped.get(path, headers=agent.headers()))
    for _ in range(100):
        found = samples(await scrape(scraped))
        if value(found, "wangqian_long_poll_waiters", feed="signing_order") == 1:
            break
        await asyncio.sleep(0.02)
    assert value(found, "wangqian_long_poll_waiters", feed="signing_order") == 1
    await agent.post(f"/api/v1/signing-orders/{order['id']}/cancel")
    assert (await poll).status == 200
    found = samples(await scrape(scraped))
    assert value(found, "wangqian_long_poll_waiters", feed="signing_order") == 0
    assert value(found, "wangqian_orders_ended_total", status="cancelled") == 1


# -- protection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic x"}],
)
async def test_without_the_token_metrics_is_not_there(
    scraped: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    resp = await scraped.get("/metrics", headers=headers)
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "ROUTE_NOT_FOUND"


async def test_with_no_setting_metrics_is_not_there_outside_the_sandbox(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> None:
    client = await app_with(aiohttp_client, settings, clock)
    assert (await client.get("/metrics")).status == 404
    assert (await client.get("/metrics", headers=SCRAPER)).status == 404


async def test_the_sandbox_serves_metrics_to_anyone_when_nothing_is_set(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> None:
    client = await app_with(aiohttp_client, settings, clock, sandbox=True)
    resp = await client.get("/metrics")
    assert resp.status == 200 and "wangqian_http_requests_total" in await resp.text()


async def test_metrics_is_not_in_the_openapi_document(scraped: TestClient[Any, Any]) -> None:
    document = await (await scraped.get("/openapi.json")).json()
    assert "/metrics" not in document["paths"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_metrics_address_gets_a_listener_of_its_own(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> None:
    port = free_port()
    client = await app_with(aiohttp_client, settings, clock, metrics_address=f"127.0.0.1:{port}")
    await client.get("/healthz")
    assert (await client.get("/metrics")).status == 404  # not on the service's port
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
            assert resp.status == 200
            text = await resp.text()
        async with session.get(f"http://127.0.0.1:{port}/healthz") as other:
            assert other.status == 404  # the listener answers /metrics alone
    route = {"method": "GET", "route": "/healthz", "status": "200"}
    assert value(samples(text), "wangqian_http_requests_total", **route) == 1


async def test_a_metrics_address_with_a_token_asks_for_it(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> None:
    port = free_port()
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    await app_with(
        aiohttp_client,
        settings,
        clock,
        metrics_address=f"127.0.0.1:{port}",
        metrics_token_sha256=digest,
    )
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
            assert resp.status == 404
        async with session.get(f"http://127.0.0.1:{port}/metrics", headers=SCRAPER) as resp:
            assert resp.status == 200


def test_the_token_is_kept_as_its_digest_only() -> None:
    settings = Settings.from_env({"WANGQIAN_METRICS_TOKEN": TOKEN})
    assert settings.metrics_token_sha256 == hashlib.sha256(TOKEN.encode()).hexdigest()
    assert TOKEN not in repr(settings)
    digest = hashlib.sha256(b"x").hexdigest()
    by_digest = Settings.from_env({"WANGQIAN_METRICS_TOKEN_SHA256": digest.upper()})
    assert by_digest.metrics_token_sha256 == digest
    with pytest.raises(ValueError, match="WANGQIAN_METRICS_TOKEN_SHA256"):
        Settings.from_env({"WANGQIAN_METRICS_TOKEN_SHA256": "not-a-digest"})


async def test_an_order_the_expiry_job_ends_is_counted_with_the_run(
    scraped: TestClient[Any, Any], clock: FakeClock
) -> None:
    agent = await Api(scraped).login("agent_li")
    contract = await submitted_contract(agent)
    await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    clock.advance(hours=25)
    metrics = scraped.app[METRICS]
    sweeps = StoreSweeps(scraped.app[STORE], metrics)
    await observed("expire_orders", expire_orders, metrics)(sweeps, clock)
    found = samples(await scrape(scraped))
    assert value(found, "wangqian_orders_ended_total", status="expired") == 1
    assert value(found, "wangqian_job_runs_total", job="expire_orders", result="ok") == 1
    assert value(found, "wangqian_job_changes_total", job="expire_orders", what="changed") == 1
