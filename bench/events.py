"""The events part: how fast the outbox is moved into the feed, and how long a change takes to
reach a healthy webhook receiver (DESIGN §10: p99 under 2 s).

* **Move.** ``contracts`` copies of a contract awaiting signatures (its trail: created, edited,
  submitted, signing started, order created: 2 public events of 5) are written with their
  events pending, then one ``move_events`` run copies them into the feed; events moved per
  second (each is one insert, so one commit: on SQLite an fsync).
* **Deliver.** In one process, as the service runs it: the hand-off wakes the mover, a move wakes
  the webhook job, which posts to a receiver on loopback (an aiohttp server answering 204). A
  practitioner submits a draft (``contract.submitted``) then edits it back (internal), over and
  over; the latency is from just before the submit's write to the receiver's arrival.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.events.runtime import EventsRuntime
from backend.signing_keys import Ed25519Signer
from backend.storage import open_store
from backend.webhooks.transport import http_transport
from bench.stats import percentile
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.feed import move_events
from signing_flow.ports import Ports
from signing_flow.roles import Actor, Role
from signing_flow.usecases.contracts import submit_contract, update_contract
from signing_flow.usecases.webhooks import register_endpoint
from signing_flow.webhook_rules import UrlPolicy

ADMIN = Actor("acct-demo_agency", Role.AGENCY_ADMIN, agency_id="agency-demo")


def _ports(store: Any, clock: Any) -> Ports:
    from tests.integration.test_jobs import SandboxFace, SandboxPolice, SandboxRegistry

    return Ports(
        store=store,
        clock=clock,
        registry=SandboxRegistry(store),
        police=SandboxPolice(),
        face=SandboxFace(),
        signer=Ed25519Signer(b"\x01" * 32),
        sms=None,  # type: ignore[arg-type]  # nothing is texted here
        unified_identity=None,  # type: ignore[arg-type]
    )


async def _template(url: str) -> dict[str, Any]:
    """A contract with an order and one party part-way, as stored."""
    from backend.clock import SystemClock
    from backend.demo import seed_demo
    from tests.integration.test_jobs import signing_contract

    async with open_store(url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
        ports = _ports(store, SystemClock())
        contract_id, _ = await signing_contract(ports)
        doc = await store.get("contracts", contract_id)
        assert doc is not None
        return doc


async def move_rate(url: str, contracts: int) -> dict[str, Any]:
    template = await _template(url.replace(".db", "-t.db") if url.startswith("sqlite") else url)
    async with open_store(url, SANDBOX_COLLECTIONS) as store:
        for i in range(contracts):
            copy = {
                **template,
                "_id": f"bench{i:07d}",
                "number": f"CLB{i:09d}",
                "property_lock": f"released:bench{i}",
                "events": [{k: v for k, v in e.items() if k != "_id"} for e in template["events"]],
                "feed_pending": True,
                "events_moved": 0,
            }
            await store.insert("contracts", copy)
        from backend.clock import SystemClock

        started = time.perf_counter()
        report = await move_events(store, SystemClock())
        seconds = time.perf_counter() - started
    return {"contracts": contracts, "events": report.moved, "seconds": seconds,
            "per_second": report.moved / seconds if seconds else float("nan")}  # fmt: skip


async def delivery_latency(url: str, changes: int) -> dict[str, Any]:
    from backend.clock import SystemClock
    from backend.demo import seed_demo
    from signing_flow.usecases.signing import cancel_signing_order
    from tests.integration.test_jobs import AGENT, signing_contract

    arrivals: dict[str, float] = {}
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        arrivals[request.headers["Wangqian-Event-Id"]] = time.perf_counter()
        arrived.set()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", receive)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    runtime = EventsRuntime()
    sent: dict[int, float] = {}
    try:
        async with (
            open_store(url, SANDBOX_COLLECTIONS) as store,
            http_transport(UrlPolicy(sandbox=True)) as transport,
        ):
            await seed_demo(store)
            ports = dataclasses.replace(
                _ports(store, SystemClock()), notifier=runtime, webhooks=transport
            )
            # a draft with every field a submit needs (its order cancelled sends it back)
            contract_id, order_id = await signing_contract(ports, prop_id="prop-sole-2")
            await cancel_signing_order(ports, AGENT, order_id)
            await register_endpoint(ports, ADMIN, str(server.make_url("/hook")), [], "bench")
            async with runtime.running(ports):
                for _ in range(changes):
                    stored = await store.get("contracts", contract_id)
                    assert stored is not None
                    seq = len(stored["events"]) + 1  # the submit's event
                    sent[seq] = time.perf_counter()
                    await submit_contract(ports, AGENT, contract_id)
                    await update_contract(ports, AGENT, contract_id, {"price_fen": 99_000_000})
                    await asyncio.sleep(0.02)
                expected = {f"{contract_id}-e{seq}" for seq in sent}
                deadline = time.monotonic() + 10
                while not expected <= arrivals.keys() and time.monotonic() < deadline:
                    arrived.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(arrived.wait(), deadline - time.monotonic())
    finally:
        await server.close()
    latencies = [
        (arrivals[f"{contract_id}-e{seq}"] - at) * 1000
        for seq, at in sent.items()
        if f"{contract_id}-e{seq}" in arrivals
    ]
    return {
        "changes": changes,
        "arrived": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies, default=float("nan")),
    }


def run(store: str, url_for: Any, contracts: int, changes: int) -> list[dict[str, Any]]:
    move = asyncio.run(move_rate(url_for("events_move"), contracts))
    deliver = asyncio.run(delivery_latency(url_for("events_deliver"), changes))
    return [{"part": "events", "store": store, **move, **deliver}]
