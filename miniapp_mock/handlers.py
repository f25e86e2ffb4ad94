"""The sandbox's other routes: the SMS outbox, the unified identity platform's registration (so
integrators can onboard a practitioner end to end) and the registry's transfer status."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import CLOCK, PORTS, STORE
from backend.http import parse_body, respond
from backend.request_values import query_int
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.schemas import (
    SmsOut,
    SmsOutbox,
    TransferStatusRequest,
    UnifiedAccountOut,
    UnifiedRegistration,
)
from miniapp_mock.sms import read_outbox
from miniapp_mock.unified_identity import SandboxUnifiedIdentity
from signing_flow.errors import FieldProblem, NotFound, ValidationFailed
from signing_flow.vocabulary import TransferStatus


async def sms_outbox(request: web.Request) -> web.Response:
    """The messages the service sent, newest first (``?phone=`` to filter, ``?limit=`` ≤ 200)."""
    try:
        limit = query_int(request, "limit", "50") or 0
    except ValueError:
        limit = 0
    if not 1 <= limit <= 200:
        raise ValidationFailed([FieldProblem("limit", "INVALID", "an integer from 1 to 200")])
    messages = await read_outbox(
        request.app[STORE], phone=request.query.get("phone") or None, limit=limit
    )
    return respond(SmsOutbox(messages=[SmsOut.of(m) for m in messages]))


async def register_unified_account(request: web.Request) -> web.Response:
    body = await parse_body(request, UnifiedRegistration)
    platform = SandboxUnifiedIdentity(
        request.app[STORE], request.app[CLOCK], request.app[PORTS].passwords
    )
    account = await platform.register(
        username=body.username,
        password=body.password,
        applicant_name=body.applicant_name,
        enterprise_name=body.enterprise_name,
        uscc=body.uscc,
        license_verified=body.license_verified,
    )
    return respond(UnifiedAccountOut.of(account), 201)


async def set_transfer_status(request: web.Request) -> web.Response:
    """The registry accepting (不动产已受理) or completing (已过户) a property's transfer."""
    body = await parse_body(request, TransferStatusRequest)
    try:
        await SandboxRegistry(request.app[STORE]).set_transfer_status(
            request.match_info["pid"], TransferStatus(body.transfer_status)
        )
    except KeyError as exc:
        raise NotFound("登记簿中没有该房屋 (no such property)", code="PROPERTY_NOT_FOUND") from exc
    return web.Response(status=204)
