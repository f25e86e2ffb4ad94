"""Webhook endpoints written by the admin and by the jobs at once, on each store: neither
writes back the other's old values, nor announces what did not happen."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest

from schedulers.feed import move_events
from schedulers.webhooks import run_webhooks
from signing_flow.ports import DocumentStore, Ports
from signing_flow.usecases import webhooks
from signing_flow.usecases.webhooks import ENDPOINTS
from tests.integration import test_jobs
from tests.integration.test_feed import some_history
from tests.integration.test_webhooks import ADMIN, register
from tests.integration.webhook_receiver import receiving, with_transport

ports = test_jobs.ports  # the same fixture: seeded store, sandbox providers

Between = Callable[[], Awaitable[object]]


class Interleaving:
    """The store, but ``between`` runs once just before the first compare-and-set of an
    endpoint: another writer's turn between this writer's read and its write."""

    def __init__(self, inner: DocumentStore, between: Between) -> None:
        self.inner = inner
        self.between: Between | None = between

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def compare_and_set(
        self, collection: str, doc: dict[str, Any], expected_version: int
    ) -> dict[str, Any]:
        if collection == ENDPOINTS and self.between is not None:
            between, self.between = self.between, None
            await between()
        return await self.inner.compare_and_set(collection, doc, expected_version)


def interleaved(ports: Ports, between: Between) -> Ports:
    return dataclasses.replace(ports, store=cast(DocumentStore, Interleaving(ports.store, between)))


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
