"""The handshake over HTTP, step by step, as an agent and the parties' phones drive it."""

from __future__ import annotations

import asyncio
from typing import Any

from backend.demo import DEMO_PASSWORD
from bench.client import Http
from bench.fixtures import bench_property, contract_body, people

AGENT = "agent_li"


async def login(http: Http, username: str = AGENT) -> str:
    body = await http.call(
        "login",
        "POST",
        "/api/v1/auth/login",
        json_body={"username": username, "password": DEMO_PASSWORD},
    )
    return str(body["token"])


async def open_order(http: Http, agent: str, prop_index: int) -> tuple[dict[str, Any], Any]:
    """Verify the property, draft and submit the contract, generate the signing order."""
    body = contract_body(bench_property(prop_index))
    await http.call(
        "verify", "POST", "/api/v1/properties/verify", token=agent, json_body=body["property"]
    )
    draft = await http.call(
        "create", "POST", "/api/v1/contracts", token=agent, json_body=body, expect=201
    )
    await http.call("submit", "POST", f"/api/v1/contracts/{draft['id']}/submit", token=agent)
    order = await http.call(
        "order", "POST", f"/api/v1/contracts/{draft['id']}/signing-orders", token=agent, expect=201
    )
    return body, order


async def show_qr(http: Http, agent: str, order_id: str, party_id: str, lane: str) -> str:
    """查看二维码: the link, the image, and the image again (a refresh: served from the cache)."""
    path = f"/api/v1/signing-orders/{order_id}/parties/{party_id}/qrcode"
    link = await http.call("qr", "GET", path, token=agent, lane=lane)
    await http.call("qr_png", "GET", path + ".png", token=agent, lane=lane)
    await http.call("qr_png_again", "GET", path + ".png", token=agent, lane=lane)
    return str(link["url"]).split("token=", 1)[1]


async def scan(http: Http, qr_token: str, lane: str) -> str:
    session = await http.call(
        "scan", "POST", "/mp/v1/sessions", json_body={"token": qr_token}, expect=201, lane=lane
    )
    return str(session["session_token"])


async def sign(http: Http, agent: str, order_id: str, party_id: str, who: tuple[str, str]) -> None:
    """One party: the agent shows its QR code, the phone scans it and goes through every step."""
    session = await scan(http, await show_qr(http, agent, order_id, party_id, party_id), party_id)
    document = await http.call("document", "GET", "/mp/v1/document", token=session, lane=party_id)
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("review", "review", {"document_sha256": document["sha256"]}),
        ("confirm", "confirm", {}),
        ("police", "police-verification", {"name": who[0], "id_number": who[1]}),
        ("authorize", "authorize", {"face_sample": "match"}),
    ]
    for step, path, payload in steps:
        await http.call(
            step, "POST", f"/mp/v1/{path}", token=session, json_body=payload, lane=party_id
        )


async def handshake(http: Http, agent: str, prop_index: int) -> None:
    """Contract → order → every party signs, all at once → the agent sees it complete and files."""
    body, order = await open_order(http, agent, prop_index)
    await asyncio.gather(
        *(sign(http, agent, order["id"], pid, who) for pid, who in people(body).items())
    )
    path = f"/api/v1/signing-orders/{order['id']}"
    done = await http.call("status", "GET", path, token=agent, lane="finish")
    if done["status"] != "completed":
        raise RuntimeError(f"order {order['id']} is {done['status']} after every party signed")
    await http.call("file", "POST", path + "/submit", token=agent, lane="finish")
