"""/api/v1/signing-orders and order creation: the agent's side of the handshake."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from backend.appkeys import CHANGES, POLL_ANSWERS, PORTS, QR_CACHE, SIGNER
from backend.http import actor_of, bearer_token, respond
from backend.poll_answers import PollAnswer
from backend.signing.schemas import OrderOut, QrLinkOut, SigningKey, SigningKeys
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Contract, SigningOrder
from signing_flow.secrets import token_digest
from signing_flow.usecases import signing

MAX_WAIT_SECONDS = 30
# A long-poll re-reads the store this often, to see changes made by other processes.
STORE_POLL_SECONDS = 0.5


def _order_response(request: web.Request, contract: Contract, order: SigningOrder) -> web.Response:
    return _order_json(_etag(contract, order), _render(contract, order))


def _render(contract: Contract, order: SigningOrder) -> bytes:
    return OrderOut.of(contract, order).model_dump_json().encode()


def _order_json(etag: str, body: bytes) -> web.Response:
    headers = {"Content-Type": "application/json", "ETag": etag, "Cache-Control": "no-cache"}
    return web.Response(body=body, headers=headers)


def _status_answer(request: web.Request, etag: str, body: bytes) -> web.Response:
    """签名状态's answer: 304 while the agent's copy is current."""
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return _order_json(etag, body)


def _etag(contract: Contract, order: SigningOrder) -> str:
    # The answer shows the contract's status too, which can move while the order stays put
    # (a purge after the order ended), so both versions are in the tag.
    return f'"{order.id}.v{order.version}.c{contract.version}"'


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
    token = bearer_token(request)
    # Agents poll all day: while the documents the last answer was decided on keep their
    # versions (one store read, so a logout or a change counts at once), it is given again.
    answers, key = request.app[POLL_ANSWERS], (token_digest(token), order_id)
    known = answers.get(key) if not request.query_string else None
    if known is not None and await known.basis.holds(ports):
        return _status_answer(request, known.etag, known.body)
    actor, contract, order, basis = await signing.poll_signing_order(
        ports, token, order_id, ip=request.remote, user_agent=request.headers.get("User-Agent")
    )
    wait, seen = _wait_params(request)
    if seen is None:
        answer = PollAnswer(basis, _etag(contract, order), _render(contract, order))
        answers.put(key, answer)
        return _status_answer(request, answer.etag, answer.body)
    deadline = time.monotonic() + wait
    while order.version <= seen and (remaining := deadline - time.monotonic()) > 0:
        await request.app[CHANGES].wait(contract.id, min(remaining, STORE_POLL_SECONDS))
        contract, order = await signing.get_signing_order(ports, actor, order_id)
    return _status_answer(request, _etag(contract, order), _render(contract, order))


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
