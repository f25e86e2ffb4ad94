"""Webhook endpoints written by the admin and by the jobs at once, on each store: neither
writes back the other's old values, nor announces what did not happen."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest

from schedulers.feed import move_events
from schedulers.webhooks import run_webhooks
from signing_flow.errors import InvalidState
from signing_flow.ports import DocumentStore, Ports
from signing_flow.usecases import webhooks
from signing_flow.usecases.events import FEED
from signing_flow.usecases.webhooks import ENDPOINTS
from signing_flow.webhook_models import FAILING_REASON, EndpointStatus
from tests.conftest import FakeClock
from tests.integration import test_jobs
from tests.integration.test_feed import some_history
from tests.integration.test_webhooks import ADMIN, register
from tests.integration.webhook_receiver import receiving, with_transport

ports = test_jobs.ports  # the same fixture: seeded store, sandbox providers

Between = Callable[[], Awaitable[object]]
Doc = dict[str, Any]


class Interleaving:
    """The store, but ``between`` runs once just before the first compare-and-set of an
    endpoint (that ``when`` picks): another writer's turn between this writer's read and its
    write."""

    def __init__(
        self, inner: DocumentStore, between: Between, when: Callable[[Doc], bool] | None = None
    ) -> None:
        self.inner = inner
        self.between: Between | None = between
        self.when = when or (lambda doc: True)
        self.turn = asyncio.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def compare_and_set(
        self, collection: str, doc: dict[str, Any], expected_version: int
    ) -> dict[str, Any]:
        if collection == ENDPOINTS and self.when(doc):
            async with self.turn:  # the other writes it picks wait for the other writer's turn
                if self.between is not None:
                    between, self.between = self.between, None
                    await between()
        return await self.inner.compare_and_set(collection, doc, expected_version)


def interleaved(ports: Ports, between: Between, when: Callable[[Doc], bool] | None = None) -> Ports:
    store = Interleaving(ports.store, between, when)
    return dataclasses.replace(ports, store=cast(DocumentStore, store))


async def stored(ports: Ports, endpoint_id: str) -> dict[str, Any]:
    doc = await ports.store.get(ENDPOINTS, endpoint_id)
    assert doc is not None
    return doc


@pytest.mark.parametrize("write", ["update", "roll"])
async def test_an_admins_write_keeps_the_failure_and_cursor_the_jobs_wrote_meanwhile(
    ports: Ports, write: str
) -> None:
    async with receiving(lambda e, n: "fail") as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        await some_history(ports)
        await move_events(ports.store, ports.clock)

        async def job() -> None:  # plans deliveries (the cursor) and fails them (failing_since)
            assert (await run_webhooks(ports)).failed > 0

        admin_ports = interleaved(ports, job)
        if write == "update":
            await webhooks.update_endpoint(admin_ports, ADMIN, endpoint_id, description="改")
        else:
            await webhooks.roll_secret(admin_ports, ADMIN, endpoint_id)
        doc = await stored(ports, endpoint_id)
    assert doc["failing_since"] is not None and doc["cursor"] > 0
    assert doc["description"] == "改" if write == "update" else doc["old_secret_salt"]


def disabling(doc: Doc) -> bool:
    return bool(doc["status"] == "disabled")


async def disabled_events(ports: Ports) -> list[Doc]:
    return await ports.store.find(FEED, {"type": "webhook_endpoint.disabled"})


@pytest.mark.parametrize("meanwhile", ["success", "edit"])
async def test_a_disablement_is_announced_only_once_it_is_written(
    ports: Ports, meanwhile: str
) -> None:
    async with receiving(lambda e, n: "fail") as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        await some_history(ports)
        fired: list[bool] = []

        async def other_writer() -> None:
            fired.append(True)
            endpoint = await webhooks.endpoints(ports).get(endpoint_id)
            assert endpoint is not None
            if meanwhile == "success":  # another process's delivery got through
                endpoint.failing_since = None
            else:  # the admin changes something else
                endpoint.description = "改"
            await webhooks.endpoints(ports).save(endpoint)
            assert await disabled_events(ports) == []  # nothing announced before the write

        jobs = interleaved(ports, other_writer, disabling)
        assert isinstance(ports.clock, FakeClock)
        while not fired:
            await move_events(ports.store, ports.clock)
            await run_webhooks(jobs, rng=random.Random(7))
            ports.clock.advance(hours=5)
        endpoint = await webhooks.get_endpoint(ports, ADMIN, endpoint_id)
        events = await disabled_events(ports)
    if meanwhile == "success":  # not failing for 3 days after all: no false announcement
        assert endpoint.status is EndpointStatus.ENABLED and events == []
    else:  # decided again on the re-read endpoint: disabled, announced once
        assert endpoint.status is EndpointStatus.DISABLED and endpoint.description == "改"
        assert [e["_id"] for e in events] == [f"{endpoint_id}-d1"]


async def test_a_disablement_whose_event_a_crash_lost_is_announced_by_the_next_run(
    ports: Ports,
) -> None:
    async with receiving() as receiver, with_transport(ports) as ports:
        endpoint_id = await register(ports, receiver)
        endpoint = await webhooks.endpoints(ports).get(endpoint_id)
        assert endpoint is not None
        # what _disable wrote before its process died, without the event
        endpoint.status, endpoint.disablements = EndpointStatus.DISABLED, 1
        endpoint.disabled_at, endpoint.disabled_reason = ports.clock.now(), FAILING_REASON
        await webhooks.endpoints(ports).save(endpoint)
        await run_webhooks(ports)
        await run_webhooks(ports)
        events = await disabled_events(ports)
    assert [(e["_id"], e["endpoint_id"]) for e in events] == [(f"{endpoint_id}-d1", endpoint_id)]


class SlowReads:
    """The store, but a read of the endpoints is slow: every registration at once counts
    before any inserts."""

    def __init__(self, inner: DocumentStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def find(self, collection: str, where: Doc, **options: Any) -> list[Doc]:
        found = await self.inner.find(collection, where, **options)
        if collection == ENDPOINTS:
            await asyncio.sleep(0.05)
        return found


async def test_registrations_at_once_never_exceed_the_cap(ports: Ports) -> None:
    async with receiving() as receiver, with_transport(ports) as ports:
        slow = dataclasses.replace(ports, store=cast(DocumentStore, SlowReads(ports.store)))
        tries = [
            webhooks.register_endpoint(slow, ADMIN, receiver.url, [], str(n))
            for n in range(webhooks.MAX_ENDPOINTS + 5)
        ]
        outcomes = await asyncio.gather(*tries, return_exceptions=True)
        made = await webhooks.list_endpoints(ports, ADMIN)
    refused = [o for o in outcomes if isinstance(o, InvalidState)]
    assert len(made) == webhooks.MAX_ENDPOINTS
    assert len(refused) == 5 and {r.code for r in refused} == {"TOO_MANY_WEBHOOK_ENDPOINTS"}
