"""The sandbox's other routes: the SMS outbox, the unified identity platform's registration (so
integrators can onboard a practitioner end to end) and the registry's transfer status."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import CLOCK, PORTS, STORE
from backend.http import parse_body, respond
from backend.request_values import QueryParam
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

OUTBOX_QUERY = (
    PHONE := QueryParam("phone", "只列出发往此号码的短信"),
    LIMIT := QueryParam("limit", "最多返回条数", minimum=1, maximum=200, default=50),
)


async def sms_outbox(request: web.Request) -> web.Response:
    """The messages the service sent, newest first (``?phone=`` to filter, ``?limit=`` ≤ 200)."""
    try:
        limit = LIMIT.read_int(request)
    except ValueError:
        limit = None
    if limit is None:
        raise ValidationFailed([FieldProblem("limit", "INVALID", "an integer from 1 to 200")])
    messages = await read_outbox(
        request.app[STORE], phone=PHONE.read_str(request) or None, limit=limit
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
