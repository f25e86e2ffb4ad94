"""Input that used to answer 500 (issue 13, "Bad input that gets 500 today"): each gets 400, 401
or 422 in the error format and changes nothing, on both stores."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.appkeys import STORE
from tests.api.conftest import SOLE, Api, full_contract_fields, submitted_contract
from tests.api.store_dump import everything


def fields_of(body: Any) -> set[str]:
    return {f["path"] for f in body["error"]["details"]["fields"]}


async def raw_json(api: Api, path: str, text: str) -> tuple[int, Any]:
    resp = await api.client.post(
        path, data=text.encode(), headers={**api.headers(), "Content-Type": "application/json"}
    )
    return resp.status, await resp.json()


@pytest.mark.parametrize(
    "username",
    ["[" * 50_000 + "]" * 50_000, "9" * 5_000, "NaN"],
    ids=["nested-50000-deep", "5000-digit-integer", "NaN"],
)
async def test_a_login_body_json_cannot_hold_gets_400(
    anonymous: Api, client: TestClient[Any, Any], username: str
) -> None:
    before = await everything(client)
    status, body = await raw_json(
        anonymous, "/api/v1/auth/login", f'{{"username": {username}, "password": "x"}}'
    )
    assert (status, body["error"]["code"]) == (400, "MALFORMED_REQUEST")
    assert await everything(client) == before


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"price_fen": 2**100}, "price_fen"),
        ({"price_fen": 2**63}, "price_fen"),
        ({"price_fen": 10**13 + 1}, "price_fen"),
        ({"buyers": [{"name": "孙丽", "share_bp": 1e25}]}, "buyers[0].share_bp"),
        ({"buyers": [{"name": "孙丽", "share_bp": 2**63}]}, "buyers[0].share_bp"),
    ],
    ids=["price-2^100", "price-2^63", "price-over-bound", "share-1e25", "share-2^63"],
)
async def test_an_integer_past_its_bound_gets_422_on_create(
    agent: Api, client: TestClient[Any, Any], fields: dict[str, Any], path: str
) -> None:
    before = await everything(client)
    body = await agent.post("/api/v1/contracts", {"property": SOLE, **fields}, expect=422)
    assert body["error"]["code"] == "VALIDATION_FAILED"
    assert path in fields_of(body)
    assert await everything(client) == before


async def test_a_price_of_2_63_gets_422_on_a_draft_and_the_bound_itself_is_stored(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    draft = await agent.post("/api/v1/contracts", {"property": SOLE}, expect=201)
    path = f"/api/v1/contracts/{draft['id']}"
    before = await everything(client)
    body = await agent.patch(path, {"price_fen": 2**63}, expect=422)
    assert (body["error"]["code"], fields_of(body)) == ("VALIDATION_FAILED", {"price_fen"})
    assert await everything(client) == before
    stored = await agent.patch(path, full_contract_fields(price_fen=10**13))
    assert stored["price_fen"] == 10**13


@pytest.mark.parametrize("limit", ["²", "9" * 5_000, "٣", "+3", " 3", "0"])
async def test_a_limit_that_is_not_ascii_digits_gets_422(agent: Api, limit: str) -> None:
    body = await agent.get(f"/api/v1/contracts?limit={limit}", expect=422)
    assert (body["error"]["code"], fields_of(body)) == ("VALIDATION_FAILED", {"limit"})


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("wait=²&version=1", "wait"),
        (f"wait={'9' * 5_000}&version=1", "wait"),
        ("wait=٣&version=1", "wait"),
        ("wait=1&version=²", "version"),
        (f"wait=1&version={'9' * 5_000}", "version"),
        ("version=²", "version"),
        (f"version={'9' * 5_000}", "version"),
    ],
)
async def test_a_wait_or_version_that_is_not_ascii_digits_gets_422(
    agent: Api, client: TestClient[Any, Any], query: str, path: str
) -> None:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    before = await everything(client)
    body = await agent.get(f"/api/v1/signing-orders/{order['id']}?{query}", expect=422)
    assert (body["error"]["code"], fields_of(body)) == ("VALIDATION_FAILED", {path})
    assert await everything(client) == before


async def raw_request(client: TestClient[Any, Any], head: bytes, body: bytes = b"") -> bytes:
    """Bytes on the wire, as no HTTP client library would send them."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(head + b"Connection: close\r\n\r\n" + body)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_a_bearer_token_with_a_raw_ff_byte_gets_401(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    before = await everything(client)
    answer = await raw_request(
        client,
        b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + agent.token.encode() + b"\xff\r\n",  # type: ignore[union-attr]
    )
    assert answer.startswith(b"HTTP/1.1 401 ")
    assert b'"code": "NOT_AUTHENTICATED"' in answer
    assert await everything(client) == before


async def test_a_user_agent_with_a_raw_ff_byte_is_recorded_as_a_replacement_character(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    body = b'{"property": {"cert_no": "%s", "owner_id_number": "%s"}}' % (
        SOLE["cert_no"].encode(),
        SOLE["owner_id_number"].encode(),
    )
    answer = await raw_request(
        client,
        b"POST /api/v1/contracts HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + agent.token.encode() + b"\r\n"  # type: ignore[union-attr]
        b"User-Agent: phone\xff\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n" % len(body),
        body,
    )
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]
    created = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    stored = await client.server.app[STORE].get("contracts", created["id"])
    assert stored is not None
    assert stored["events"][-1]["user_agent"] == "phone\ufffd"
