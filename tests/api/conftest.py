"""An app on each store, seeded with the demo data, and a small client that logs in as anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.demo import (
    DEMO_BUYERS,
    DEMO_PASSWORD,
    DEMO_PROPERTIES,
    contract_terms,
    seed_demo,
    seller_fields,
)
from backend.settings import Settings
from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
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
def settings(store_url: str, tmp_path: Path) -> Settings:
    # No scheduler: tests move the clock and run the jobs themselves. No signed PDF either: a
    # filed order still costs about 0.5 s of CPU for its contract and certificate, which every
    # order the suite files would pay; tests/api/test_evidence.py turns it on.
    return Settings(
        store_url=store_url, key_dir=str(tmp_path / "keys"), scheduler=False, evidence_pdf=False
    )


@pytest.fixture
async def client(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock
) -> AsyncIterator[TestClient[Any, Any]]:
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    yield await aiohttp_client(create_app(settings, clock=clock))


@pytest.fixture
def anonymous(client: TestClient[Any, Any]) -> Api:
    return Api(client)


@pytest.fixture
async def other_process(
    aiohttp_client: ClientFactory, settings: Settings, clock: FakeClock, client: object
) -> TestClient[Any, Any]:
    """A second app on the same store, as a second service process would be: it shares
    nothing with ``client`` but the store."""
    return await aiohttp_client(create_app(settings, clock=clock))


@pytest.fixture
async def agent(anonymous: Api) -> Api:
    return await anonymous.login("agent_li")


SOLE = {"cert_no": "粤（2021）中山市不动产权第0123456号", "owner_id_number": "442000198001011239"}


DEMO_BY_ID = {p.id: p for p in DEMO_PROPERTIES}
SOLE_PROPERTY = DEMO_BY_ID["prop-sole"]


def lookup(prop_id: str) -> dict[str, str]:
    """The listing verification of a demo property: its certificate and first owner's number."""
    prop = DEMO_BY_ID[prop_id]
    return {"cert_no": prop.cert_no, "owner_id_number": prop.owners[0].id_number}


def full_contract_fields(**overrides: Any) -> dict[str, Any]:
    """Every field a submit needs, for the sole-owner demo property, with one buyer."""
    return {
        "sellers": seller_fields(SOLE_PROPERTY),
        "buyers": [DEMO_BUYERS[0]],
        **contract_terms(),
        **overrides,
    }


def repriced(price_fen: int) -> dict[str, Any]:
    """An edit of the price that keeps the contract valid: the payment schedule follows it."""
    terms = contract_terms(price_fen=price_fen)
    return {"price_fen": price_fen, "payment": terms["payment"]}


JOINT_PROPERTY = DEMO_BY_ID["prop-joint"]
TWO_BY_SHARES = {
    "buyers": [{**DEMO_BUYERS[0], "share_bp": 6000}, {**DEMO_BUYERS[1], "share_bp": 4000}],
    "co_ownership": "shares",
}


async def submitted_contract(agent: Api, **overrides: Any) -> Any:
    """Two joint sellers and two buyers by shares, submitted: the handshake's usual start."""
    fields = full_contract_fields(
        sellers=seller_fields(JOINT_PROPERTY), **{**TWO_BY_SHARES, **overrides}
    )
    body = {"property": lookup("prop-joint"), **fields}
    draft = await agent.post("/api/v1/contracts", body, expect=201)
    return await agent.post(f"/api/v1/contracts/{draft['id']}/submit")


class Phone:
    """One party's phone in the mini-program, over HTTP."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.api = Api(client)

    async def scan(self, url: str, expect: int = 201) -> Any:
        token = url.split("token=", 1)[1]
        body = await self.api.post("/mp/v1/sessions", {"token": token}, expect=expect)
        if expect == 201:
            self.api.token = body["session_token"]
        return body

    async def step(self, name: str, json: Any = None, expect: int = 200) -> Any:
        return await self.api.post(f"/mp/v1/{name}", json, expect=expect)

    async def sign_through(self, name: str, id_number: str, face: str = "match") -> Any:
        """Every step from review to authorize, each expected to succeed."""
        document = await self.api.get("/mp/v1/document")
        await self.step("review", {"document_sha256": document["sha256"]})
        await self.step("confirm")
        await self.step("police-verification", {"name": name, "id_number": id_number})
        return await self.step("authorize", {"face_sample": face})


async def qr_url(agent: Api, order_id: str, party_id: str) -> str:
    body = await agent.get(f"/api/v1/signing-orders/{order_id}/parties/{party_id}/qrcode")
    return str(body["url"])
