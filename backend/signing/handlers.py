"""/api/v1/signing-orders and order creation: the agent's side of the handshake."""

from __future__ import annotations

import asyncio

from aiohttp import web

from backend.appkeys import PORTS, QR_CACHE, SIGNER, STATUS_POLL
from backend.http import actor_of, agent_token, respond
from backend.signing.schemas import QrLinkOut, SigningKey, SigningKeys
from backend.status_poll import order_etag, order_json, render_order
from signing_flow.models import Contract, SigningOrder
from signing_flow.usecases import signing


def _order_response(request: web.Request, contract: Contract, order: SigningOrder) -> web.Response:
    return order_json(order_etag(contract, order), render_order(contract, order))


async def create(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract, order = await signing.create_signing_order(
        request.app[PORTS], actor, request.match_info["id"]
    )
    response = _order_response(request, contract, order)
    response.set_status(201)
    return response


async def status(request: web.Request) -> web.StreamResponse:
    """签名状态, answered by the poll's read side (``backend.status_poll``)."""
    return await request.app[STATUS_POLL].respond(request, agent_token(request))


async def qrcode(request: web.Request) -> web.Response:
    """查看二维码: JSON ``{url, expires_at}``, or the image for ``.png`` / ``.svg``."""
    actor = await actor_of(request)
    link = await signing.party_qr_link(
        request.app[PORTS], actor, request.match_info["oid"], request.match_info["pid"]
    )
    fmt = request.match_info.get("fmt")
    headers = {"Cache-Control": "no-store"}
    if not fmt:
        return web.Response(
            body=QrLinkOut(url=link.url, expires_at=link.expires_at).model_dump_json(),
            content_type="application/json",
            headers=headers,
        )
    image = await asyncio.to_thread(request.app[QR_CACHE].image, link.token_hash, link.url, fmt)
    return web.Response(
        body=image,
        content_type="image/svg+xml" if fmt == "svg" else "image/png",
        headers={**headers, "X-QR-Expires-At": link.expires_at.isoformat()},
    )


async def cancel(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract, order = await signing.cancel_signing_order(
        request.app[PORTS], actor, request.match_info["oid"]
    )
    return _order_response(request, contract, order)


async def submit(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract, order = await signing.submit_signing_order(
        request.app[PORTS], actor, request.match_info["oid"]
    )
    return _order_response(request, contract, order)


async def signing_keys(request: web.Request) -> web.Response:
    return respond(SigningKeys(keys=[SigningKey(**request.app[SIGNER].public_key())]))
