"""/api/v1/signing-orders and order creation: the agent's side of the handshake."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from backend.appkeys import CHANGES, ORDER_BODIES, PORTS, QR_CACHE, SIGNER
from backend.http import actor_of, bearer_token, respond
from backend.schemas import OrderOut, QrLinkOut, SigningKey, SigningKeys
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Contract, SigningOrder
from signing_flow.usecases import signing

MAX_WAIT_SECONDS = 30
# A long-poll re-reads the store this often, to see changes made by other processes.
STORE_POLL_SECONDS = 0.5


def _order_response(request: web.Request, contract: Contract, order: SigningOrder) -> web.Response:
    # The answer is a function of the contract's stored state alone, so agents polling an
    # unchanged order get the bytes rendered for the first of them.
    key = (order.id, contract.version)
    body = request.app[ORDER_BODIES].get(key)
    if body is None:
        body = OrderOut.of(contract, order).model_dump_json().encode()
        request.app[ORDER_BODIES].put(key, body)
    return web.Response(
        body=body,
        content_type="application/json",
        headers={"ETag": _etag(order), "Cache-Control": "no-cache"},
    )


def _etag(order: SigningOrder) -> str:
    return f'"{order.id}.v{order.version}"'


async def create(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract, order = await signing.create_signing_order(
        request.app[PORTS], actor, request.match_info["id"]
    )
    response = _order_response(request, contract, order)
    response.set_status(201)
    return response


def _wait_params(request: web.Request) -> tuple[float, int | None]:
    if not request.query_string:  # the plain poll: nothing to parse
        return 0.0, None
    wait, version = request.query.get("wait"), request.query.get("version")
    problems = []
    if wait is not None and not (wait.isdigit() and 0 <= int(wait) <= MAX_WAIT_SECONDS):
        problems.append(FieldProblem("wait", "INVALID", f"seconds, 0 to {MAX_WAIT_SECONDS}"))
    if version is not None and not version.isdigit():
        problems.append(FieldProblem("version", "INVALID", "the order version last seen"))
    if wait is not None and version is None:
        problems.append(FieldProblem("version", "REQUIRED", "wait needs the version last seen"))
    if problems:
        raise ValidationFailed(problems)
    return float(wait or 0), int(version) if version is not None else None


async def status(request: web.Request) -> web.StreamResponse:
    """签名状态. ``If-None-Match`` answers 304 while nothing changed; ``?wait=S&version=N``
    holds the request until the version moves past N or S seconds pass."""
    ports, order_id = request.app[PORTS], request.match_info["oid"]
    actor, contract, order = await signing.poll_signing_order(
        ports,
        bearer_token(request),
        order_id,
        ip=request.remote,
        user_agent=request.headers.get("User-Agent"),
    )
    wait, seen = _wait_params(request)
    deadline = time.monotonic() + wait
    while seen is not None and order.version <= seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        await request.app[CHANGES].wait(contract.id, min(remaining, STORE_POLL_SECONDS))
        contract, order = await signing.get_signing_order(ports, actor, order_id)
    if request.headers.get("If-None-Match") == _etag(order):
        return web.Response(status=304, headers={"ETag": _etag(order)})
    return _order_response(request, contract, order)


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
