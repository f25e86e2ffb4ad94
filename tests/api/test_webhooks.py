"""/api/v1/webhook-endpoints and the sandbox's webhook inbox."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.appkeys import PORTS
from backend.demo import seed_demo
from backend.settings import Settings
from backend.signing_keys import Ed25519Signer
from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.feed import move_events
from schedulers.webhooks import run_webhooks
from signing_flow.usecases.webhooks import endpoints
from signing_flow.webhook_models import FAILING_REASON, EndpointStatus
from signing_flow.webhook_rules import endpoint_secret
from tests.api.conftest import Api, ClientFactory, submitted_contract
from tests.api.test_events import other_agency_admin
from tests.conftest import FakeClock

HOOK = "https://hooks.example.com/wangqian"


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    # The allow-list names the test's host: no DNS is asked.
    return Settings(
        store_url=store_url,
        key_dir=str(tmp_path / "keys"),
        scheduler=False,
        webhook_allow=("hooks.example.com",),
    )


@pytest.fixture
async def admin(anonymous: Api) -> Api:
    return await anonymous.login("demo_agency")


async def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(
    admin: Api, client: TestClient[Any, Any]
) -> None:
    body = {"url": HOOK, "event_types": ["party.signed"], "description": "ERP 对接"}
    created = await admin.post("/api/v1/webhook-endpoints", body, expect=201)
    assert created["secret"].startswith("whsec_")
    assert created["status"] == "enabled" and created["status_label"] == "启用"
    assert created["event_types"] == ["party.signed"]
    read = await admin.get(f"/api/v1/webhook-endpoints/{created['id']}")
    assert "secret" not in read
    listed = await admin.get("/api/v1/webhook-endpoints")
    assert [e["id"] for e in listed["endpoints"]] == [created["id"]]
    # Not in the database either: derived from the platform key, which a copy does not hold.
    stored = await client.server.app[PORTS].store.get("webhook_endpoints", created["id"])
    assert stored is not None and created["secret"] not in str(stored)
    other_key = Ed25519Signer(os.urandom(32))
    assert endpoint_secret(other_key, created["id"], stored["secret_salt"]) != created["secret"]


async def test_rolling_the_secret_keeps_the_old_one_for_24_hours(
    admin: Api, clock: FakeClock
) -> None:
    created = await admin.post("/api/v1/webhook-endpoints", {"url": HOOK}, expect=201)
    rolled = await admin.post(f"/api/v1/webhook-endpoints/{created['id']}/secret")
    assert rolled["secret"].startswith("whsec_") and rolled["secret"] != created["secret"]
    assert rolled["old_secret_valid_until"].startswith("2026-11-26T02:00:00")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/x", "SCHEME_NOT_ALLOWED"),
        ("https://127.0.0.1/x", "ADDRESS_NOT_ALLOWED"),
        ("https://169.254.169.254/latest/meta-data", "ADDRESS_NOT_ALLOWED"),
        ("https://[::1]/x", "ADDRESS_NOT_ALLOWED"),
    ],
)
async def test_outside_the_sandbox_plain_http_and_private_addresses_are_refused(
    admin: Api, url: str, code: str
) -> None:
    body = await admin.post("/api/v1/webhook-endpoints", {"url": url}, expect=422)
    assert body["error"]["details"]["fields"][0] == {
        "path": "url",
        "code": code,
        "message": body["error"]["details"]["fields"][0]["message"],
    }


async def test_only_the_agencys_admin_manages_its_endpoints(
    admin: Api, agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    created = await admin.post("/api/v1/webhook-endpoints", {"url": HOOK}, expect=201)
    path = f"/api/v1/webhook-endpoints/{created['id']}"
    assert (await agent.get(path, expect=403))["error"]["code"] == "ROLE_NOT_ALLOWED"
    stranger = await other_agency_admin(client, anonymous)
    assert (await stranger.get(path, expect=404))["error"]["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"
    await stranger.patch(path, {"enabled": False}, expect=404)
    assert (await stranger.get("/api/v1/webhook-endpoints"))["endpoints"] == []


async def test_an_endpoint_can_be_disabled_and_enabled_again(admin: Api) -> None:
    created = await admin.post("/api/v1/webhook-endpoints", {"url": HOOK}, expect=201)
    path = f"/api/v1/webhook-endpoints/{created['id']}"
    off = await admin.patch(path, {"enabled": False})
    assert off["status"] == "disabled" and off["todo"] is None  # the admin's own choice
    on = await admin.patch(path, {"enabled": True, "description": "改"})
    assert (on["status"], on["description"]) == ("enabled", "改")


async def test_redelivering_an_unknown_or_anothers_event_is_404(admin: Api) -> None:
    created = await admin.post("/api/v1/webhook-endpoints", {"url": HOOK}, expect=201)
    body = await admin.post(
        f"/api/v1/webhook-endpoints/{created['id']}/redeliveries", {"event_id": "x-e1"}, expect=404
    )
    assert body["error"]["code"] == "EVENT_NOT_FOUND"


async def test_the_sandbox_inbox_receives_signed_deliveries(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> None:
    sandbox = replace(settings, sandbox=True)
    async with open_store(sandbox.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    client = await aiohttp_client(create_app(sandbox, clock=clock))
    admin = await Api(client).login("demo_agency")
    agent = await Api(client).login("agent_li")
    inbox = str(client.make_url("/sandbox/v1/webhook-inbox"))
    created = await admin.post("/api/v1/webhook-endpoints", {"url": inbox}, expect=201)
    contract = await submitted_contract(agent)
    ports = client.server.app[PORTS]
    await move_events(ports.store, ports.clock)
    await run_webhooks(ports)
    received = (await Api(client).get("/sandbox/v1/webhook-inbox"))["received"]
    assert len(received) == 1
    assert received[0]["signature_valid"] is True
    assert received[0]["attempt"] == "1"
    assert f'"contract_id":"{contract["id"]}"' in received[0]["body"]
    log = await admin.get(f"/api/v1/webhook-endpoints/{created['id']}/deliveries")
    (delivery,) = log["deliveries"]
    assert delivery["status"] == "delivered" and delivery["status_label"] == "已送达"
    assert delivery["attempts"][0]["status_code"] == 200
    again = await admin.post(
        f"/api/v1/webhook-endpoints/{created['id']}/redeliveries",
        {"event_id": delivery["event_id"]},
        expect=202,
    )
    assert again["manual"] is True and again["status"] == "pending"
    await run_webhooks(ports)
    received = (await Api(client).get("/sandbox/v1/webhook-inbox"))["received"]
    assert sorted(r["attempt"] for r in received) == ["1", "2"]  # one time: the test clock


async def test_an_endpoints_url_is_vetted_only_for_who_may_change_it(
    admin: Api, agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    # Vetting resolves the name: its answer (private, unresolvable) must not reach anybody
    # who may not edit the endpoint, or any account could probe the platform's DNS.
    created = await admin.post("/api/v1/webhook-endpoints", {"url": HOOK}, expect=201)
    path = f"/api/v1/webhook-endpoints/{created['id']}"
    private = {"url": "https://127.0.0.1/x"}
    assert (await agent.patch(path, private, expect=403))["error"]["code"] == "ROLE_NOT_ALLOWED"
    stranger = await other_agency_admin(client, anonymous)
    refused = await stranger.patch(path, private, expect=404)
    assert refused["error"]["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"
    await stranger.patch("/api/v1/webhook-endpoints/wh-none", private, expect=404)


@pytest.mark.parametrize("host", ["a" * 64 + ".com", "a..com"])
async def test_a_host_the_resolver_cannot_take_is_refused_not_a_crash(
    admin: Api, host: str
) -> None:
    url = f"https://{host}/hook"
    body = await admin.post("/api/v1/webhook-endpoints", {"url": url}, expect=422)
    assert [(p["path"], p["code"]) for p in body["error"]["details"]["fields"]] == [
        ("url", "INVALID")
    ]


async def test_an_endpoint_the_jobs_disabled_is_on_the_admins_todo_until_enabled(
    admin: Api, client: TestClient[Any, Any]
) -> None:
    created = await admin.post("/api/v1/webhook-endpoints", {"url": HOOK}, expect=201)
    ports = client.server.app[PORTS]
    # what the jobs write after 3 days of failures (tests/integration/test_webhooks.py runs them)
    endpoint = await endpoints(ports).get(created["id"])
    assert endpoint is not None
    endpoint.status, endpoint.disabled_reason = EndpointStatus.DISABLED, FAILING_REASON
    endpoint.disabled_at = ports.clock.now()
    await endpoints(ports).save(endpoint)

    todo = await admin.get("/api/v1/todo")
    assert todo["items"] == []
    assert [(t["endpoint_id"], t["todo"]) for t in todo["webhook_endpoints"]] == [
        (created["id"], "回调地址连续 3 天发送失败，已停用：请检查接收服务后重新启用")
    ]
    await admin.patch(f"/api/v1/webhook-endpoints/{created['id']}", {"enabled": True})
    assert (await admin.get("/api/v1/todo"))["webhook_endpoints"] == []
