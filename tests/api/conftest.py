"""An app on each store, seeded with the demo data, and a small client that logs in as anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.demo import DEMO_BUYERS, DEMO_PASSWORD, seed_demo
from backend.settings import Settings
from backend.storage import open_store
from tests.conftest import FakeClock

ClientFactory = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


class Api:
    """One logged-in user (or nobody) talking JSON to the app."""

    def __init__(self, client: TestClient[Any, Any], token: str | None = None) -> None:
        self.client = client
        self.token = token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def call(
        self, method: str, path: str, json: Any = None, expect: int | None = None
    ) -> tuple[int, Any]:
        resp = await self.client.request(method, path, json=json, headers=self.headers())
        body = await resp.json() if resp.content_type == "application/json" else await resp.text()
        if expect is not None:
            assert resp.status == expect, (resp.status, body)
        return resp.status, body

    async def get(self, path: str, expect: int | None = 200) -> Any:
        return (await self.call("GET", path, expect=expect))[1]

    async def post(self, path: str, json: Any = None, expect: int | None = 200) -> Any:
        return (
            await self.call("POST", path, json=json if json is not None else {}, expect=expect)
        )[1]

    async def patch(self, path: str, json: Any, expect: int | None = 200) -> Any:
        return (await self.call("PATCH", path, json=json, expect=expect))[1]

    async def delete(self, path: str, expect: int | None = 200) -> Any:
        return (await self.call("DELETE", path, expect=expect))[1]

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> Api:
        body = await Api(self.client).post(
            "/api/v1/auth/login", {"username": username, "password": password}
        )
        return Api(self.client, body["token"])


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, store_url: str, clock: FakeClock
) -> AsyncIterator[TestClient[Any, Any]]:
    async with open_store(store_url) as store:
        await seed_demo(store)
    yield await aiohttp_client(create_app(Settings(store_url=store_url), clock=clock))


@pytest.fixture
def anonymous(client: TestClient[Any, Any]) -> Api:
    return Api(client)


@pytest.fixture
async def agent(anonymous: Api) -> Api:
    return await anonymous.login("agent_li")


SOLE = {"cert_no": "粤（2021）中山市不动产权第0123456号", "owner_id_number": "442000198001011239"}


def full_contract_fields(**overrides: Any) -> dict[str, Any]:
    """Every field a submit needs, for the sole-owner demo property, with one buyer."""
    fields: dict[str, Any] = {
        "sellers": [
            {
                "name": "张伟",
                "id_type": "resident_id",
                "id_number": SOLE["owner_id_number"],
                "phone": "13900139000",
            }
        ],
        "buyers": [DEMO_BUYERS[0]],
        "price_fen": 150_000_000,
        "payment_method": "lump_sum",
        "delivery_date": "2026-12-31",
        "applicant": {"name": "李经纪", "phone": "13700137000"},
        "evaluation": {"level": 5},
        "fund_supervision": {"enabled": True, "bank": "ccb"},
        "acknowledgements": {
            "parties_consent": True,
            "information_accurate": True,
            "deadline_known": True,
        },
    }
    fields.update(overrides)
    return fields
