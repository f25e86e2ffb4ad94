"""Webhook deliveries against a real receiver, on each store: every event arrives once per
event id, in order per contract, signed; retries, timeouts, redirects; several schedulers."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.feed import move_events
from schedulers.webhooks import run_webhooks
from signing_flow.codec import encode_time
from signing_flow.ports import Ports
from signing_flow.roles import Actor, Role
from signing_flow.usecases import webhooks
from signing_flow.usecases.events import FEED
from signing_flow.webhook_models import DeliveryStatus, EndpointStatus
from tests.conftest import FakeClock
from tests.integration import test_jobs
from tests.integration.test_feed import some_history
from tests.integration.webhook_receiver import Receiver, receiving, with_transport

ports = test_jobs.ports  # the same fixture: seeded store, sandbox providers
ADMIN = Actor("acct-demo_agency", Role.AGENCY_ADMIN, agency_id="agency-demo")


async def register(ports: Ports, receiver: Receiver, types: list[str] | None = None) -> str:
    endpoint, secret = await webhooks.register_endpoint(
        ports, ADMIN, receiver.url, types or [], "测试"
    )
    receiver.secrets.append(secret.value)
    return endpoint.id


async def drain(ports: Ports, *, rounds: int = 40, step: timedelta = timedelta(hours=7)) -> None:
    """Move and deliver until nothing is pending, moving the clock past every backoff."""
    rng = random.Random(7)
    for _ in range(rounds):
        await move_events(ports.store, ports.clock)
        await run_webhooks(ports, rng=rng)
        pending = await ports.store.find(
            "webhook_deliveries", {"status": DeliveryStatus.PENDING.value}, limit=1
        )
        if not pending:
            return
        assert isinstance(ports.clock, FakeClock)
        ports.clock.advance(seconds=step.total_seconds())


async def feed_ids(ports: Ports) -> list[str]:
    return [d["_id"] for d in await ports.store.find(FEED, {}, sort="seq")]


def assert_in_order_per_contract(receiver: Receiver, order: list[str]) -> None:
    """No request for an event went out before every earlier event of its contract was
    accepted."""
    accepted: set[str] = set()
    for request in receiver.requests:
        contract = request.event_id.rpartition("-e")[0]
        earlier = [e for e in order[: order.index(request.event_id)] if e.startswith(contract)]
        assert set(earlier) <= accepted, f"{request.event_id} went out before {earlier}"
        if request.answer == "ok":
            accepted.add(request.event_id)


def flaky(event_id: str, attempt: int) -> str:
    """Each event: a 500, a timeout, a redirect, then success (attempt 4); one event at once."""
    return {1: "fail", 2: "slow", 3: "redirect"}.get(attempt, "ok")


async def test_every_event_arrives_once_in_order_and_signed_through_failures(
    ports: Ports,
) -> None:
    async with receiving(flaky) as receiver, with_transport(ports) as ports:
        await register(ports, receiver)
        await some_history(ports)
        await drain(ports)
    order = await feed_ids(ports)
    ids = [r.event_id for r in receiver.accepted]
    assert Counter(ids) == Counter(order)  # each exactly once
    assert_in_order_per_contract(receiver, order)
    assert receiver.redirected == 0  # the 302 was not followed
    for request in receiver.requests:
        assert receiver.verifies(request, receiver.secrets[0])
    assert {r.attempt for r in receiver.accepted} == {4}
    # Only the order within a contract is promised: find the feed's first event among the bodies.
    body = next(b for b in receiver.accepted_events() if b["id"] == order[0])
    assert body["type"] == "contract.submitted"


async def test_the_delivery_log_keeps_each_attempts_status_and_latency(ports: Ports) -> None:
    async with receiving(flaky) as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        await some_history(ports)
        await drain(ports)
        log = await webhooks.list_deliveries(ports, ADMIN, endpoint_id, 50)
    assert log and all(d.status is DeliveryStatus.DELIVERED for d in log)
    attempts = log[-1].attempts
    assert [a.status_code for a in attempts] == [500, None, 302, 200]
    assert [a.error for a in attempts] == [None, "timeout", "redirect not followed", None]
    assert attempts[1].latency_ms >= 250
    assert attempts[0].response_excerpt == "fail"


async def test_a_later_event_waits_while_an_earlier_one_of_its_contract_fails(
    ports: Ports,
) -> None:
    def script(event_id: str, attempt: int) -> str:
        return "fail" if event_id.endswith("-e3") and attempt < 3 else "ok"

    async with receiving(script) as receiver, with_transport(ports) as ports:
        await register(ports, receiver)
        await some_history(ports)
        await drain(ports)
    assert_in_order_per_contract(receiver, await feed_ids(ports))
    assert Counter(r.event_id for r in receiver.accepted) == Counter(await feed_ids(ports))


async def test_two_schedulers_send_each_attempt_once(ports: Ports, store_url: str) -> None:
    async with (
        receiving() as receiver,
        with_transport(ports) as ports,
        open_store(store_url, SANDBOX_COLLECTIONS) as other_store,
        with_transport(dataclasses.replace(ports, store=other_store)) as other,
    ):
        await register(ports, receiver)
        await some_history(ports)
        await move_events(ports.store, ports.clock)
        for _ in range(3):
            await asyncio.gather(run_webhooks(ports), run_webhooks(other))
    sent = Counter((r.event_id, r.attempt) for r in receiver.requests)
    assert set(sent.values()) == {1}
    assert sorted(e for e, _ in sent) == sorted(await feed_ids(ports))


class Crash(Exception):
    pass


async def test_a_process_killed_between_the_transition_and_the_delivery_loses_nothing(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with receiving() as receiver, with_transport(ports) as live:
        await register(live, receiver)
        # The transitions are written; the process dies before the move (no hand-off).
        await some_history(dataclasses.replace(live, notifier=None))
        await move_events(live.store, live.clock)
        # It dies again during the first delivery, after claiming it.
        assert live.webhooks is not None

        async def dies(*args: Any) -> Any:
            raise Crash

        with monkeypatch.context() as patch:
            patch.setattr(live.webhooks, "post", dies)
            with pytest.raises(Crash):
                await run_webhooks(live)
        assert receiver.requests == []
        # The next process: the claimed delivery is due again once its lease ran out.
        assert isinstance(live.clock, FakeClock)
        live.clock.advance(seconds=31)
        await drain(live)
    assert Counter(r.event_id for r in receiver.accepted) == Counter(await feed_ids(ports))
    assert receiver.requests[0].attempt == 2  # the claimed attempt counted


async def test_an_endpoint_failing_for_three_days_is_disabled_with_an_event(
    ports: Ports,
) -> None:
    async with receiving(lambda e, n: "fail") as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        await some_history(ports)
        await drain(ports, rounds=20, step=timedelta(hours=5))
        endpoint = await webhooks.get_endpoint(ports, ADMIN, endpoint_id)
        assert endpoint.status is EndpointStatus.DISABLED
        assert endpoint.disabled_reason == "failing for 3 days"
        disabled = await ports.store.find(FEED, {"type": "webhook_endpoint.disabled"})
        assert [d["_id"] for d in disabled] == [f"{endpoint_id}-d1"]
        assert disabled[0]["agency_id"] == "agency-demo"
        # no url: it may carry a credential, and the event goes to other endpoints and staff
        assert set(disabled[0]["data"]) == {"failing_since"}
        assert disabled[0]["endpoint_id"] == endpoint_id
        tries = len(receiver.requests)
        assert isinstance(ports.clock, FakeClock)
        ports.clock.advance(days=1)
        await run_webhooks(ports)
        assert len(receiver.requests) == tries  # a disabled endpoint gets nothing
        # Re-enabled, it goes on where it stopped: the feed kept every event.
        receiver.script = lambda e, n: "ok"
        await webhooks.update_endpoint(ports, ADMIN, endpoint_id, enabled=True)
        await drain(ports)
        given_up = await ports.store.find(
            "webhook_deliveries", {"status": DeliveryStatus.FAILED.value}
        )
    delivered = {r.event_id for r in receiver.accepted}
    # the events not given up (3 days of failing each) arrive after the re-enabling
    assert delivered and delivered | {d["event_id"] for d in given_up} == set(
        await feed_ids(ports)
    ) - {f"{endpoint_id}-d1"}


async def test_a_rolled_secret_signs_beside_the_old_one_for_24_hours(ports: Ports) -> None:
    async with receiving() as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        old = receiver.secrets[0]
        _, new = await webhooks.roll_secret(ports, ADMIN, endpoint_id)
        await some_history(ports)
        await drain(ports)
        during = receiver.requests[-1]
        assert receiver.verifies(during, old) and receiver.verifies(during, new.value)
        assert isinstance(ports.clock, FakeClock)
        ports.clock.advance(hours=25)
        await webhooks.redeliver(ports, ADMIN, endpoint_id, during.event_id)
        await run_webhooks(ports)
        after = receiver.requests[-1]
        assert receiver.verifies(after, new.value) and not receiver.verifies(after, old)


async def test_any_event_can_be_redelivered_by_hand(ports: Ports) -> None:
    async with receiving() as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver, ["order.cancelled"])
        await some_history(ports)
        await drain(ports)
        assert [json["type"] for json in receiver.accepted_events()] == ["order.cancelled"]
        submitted = (await ports.store.find(FEED, {"type": "contract.submitted"}))[0]["_id"]
        again = await webhooks.redeliver(ports, ADMIN, endpoint_id, submitted)
        assert again.manual
        await run_webhooks(ports)
    assert receiver.requests[-1].event_id == submitted


async def test_receivers_answers_are_capped_and_dropped_from_the_log_after_7_days(
    ports: Ports,
) -> None:
    async with receiving(lambda e, n: "big") as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        await some_history(ports)
        await drain(ports)
        log = await webhooks.list_deliveries(ports, ADMIN, endpoint_id, 50)
        excerpt = log[0].attempts[0].response_excerpt
        assert excerpt is not None and len(excerpt) == 512
        assert isinstance(ports.clock, FakeClock)
        ports.clock.advance(days=8)
        await run_webhooks(ports)
        log = await webhooks.list_deliveries(ports, ADMIN, endpoint_id, 50)
    assert all(a.response_excerpt is None for d in log for a in d.attempts)
    assert all(a.status_code == 200 for d in log for a in d.attempts)


async def test_after_a_week_disabled_one_failure_gives_up_no_waiting_delivery(
    ports: Ports,
) -> None:
    async with receiving(lambda e, n: "fail") as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        await some_history(ports)
        await drain(ports, rounds=20, step=timedelta(hours=5))
        endpoint = await webhooks.get_endpoint(ports, ADMIN, endpoint_id)
        assert endpoint.status is EndpointStatus.DISABLED
        failed = {"status": DeliveryStatus.FAILED.value}
        given_up = {d["_id"] for d in await ports.store.find("webhook_deliveries", failed)}
        assert isinstance(ports.clock, FakeClock)
        ports.clock.advance(days=7)
        await webhooks.update_endpoint(ports, ADMIN, endpoint_id, enabled=True)
        await run_webhooks(ports)  # the receiver still answers 500
        now = encode_time(ports.clock.now())
        after = {d["_id"] for d in await ports.store.find("webhook_deliveries", failed)}
        pending = {"status": DeliveryStatus.PENDING.value}
        tried = [
            d
            for d in await ports.store.find("webhook_deliveries", pending)
            if d["attempts"] and d["attempts"][-1]["at"] == now
        ]
    # "they go on where they stopped": none given up for the week disabled, 3 days ahead
    assert after == given_up
    assert tried and all(d["failing_since"] == now for d in tried)
