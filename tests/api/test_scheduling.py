"""Jobs running without anyone calling an endpoint, and the sandbox clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.appkeys import STORE
from backend.demo import seed_demo
from backend.settings import Settings
from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.ports import Lifetimes
from tests.api.conftest import Api, ClientFactory, submitted_contract


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, settings: Settings
) -> AsyncIterator[TestClient[Any, Any]]:
    """The app as deployed: the system clock, the scheduler on, a short expiry interval."""
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    real = replace(
        settings, scheduler=True, expiry_interval_seconds=0.2, lifetimes=Lifetimes(order=1)
    )
    yield await aiohttp_client(create_app(real))


async def test_the_running_app_expires_an_order_with_no_call(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent)
    await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    store = client.app[STORE]
    # Read the store directly: a GET of the order would expire it on its own.
    for _ in range(50):
        doc = await store.get("contracts", contract["id"])
        assert doc is not None
        if doc["orders"][0]["status"] == "expired":
            break
        await asyncio.sleep(0.1)
    assert doc["orders"][0]["status"] == "expired" and doc["status"] == "submitted"
    assert doc["events"][-1]["actor_id"] == "system"
