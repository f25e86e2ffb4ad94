"""/mp/v1: the mini-program's API, one party per session."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import PORTS
from backend.http import bearer_token, parse_body, respond
from backend.miniapp.schemas import (
    AuthorizeRequest,
    DeclineRequest,
    DocumentOut,
    PartyViewOut,
    PoliceVerificationRequest,
    ReviewRequest,
    SessionOut,
    SessionRequest,
)
from backend.request_values import user_agent
from signing_flow.usecases import party
from signing_flow.usecases.party import PartyContext, Requester


def _origin(request: web.Request) -> Requester:
    return Requester(ip=request.remote, user_agent=user_agent(request))


def _view(ctx: PartyContext) -> PartyViewOut:
    return PartyViewOut.of(ctx.contract, ctx.order, ctx.party, party.MAX_FAILED_CHECKS)


async def open_session(request: web.Request) -> web.Response:
    body = await parse_body(request, SessionRequest)
    session, ctx = await party.open_session(request.app[PORTS], body.token, _origin(request))
    assert ctx.party.session_expires_at is not None
    return respond(
        SessionOut(session_token=session, expires_at=ctx.party.session_expires_at, view=_view(ctx)),
        status=201,
    )


async def order(request: web.Request) -> web.Response:
    ctx = await party.view(request.app[PORTS], bearer_token(request))
    return respond(_view(ctx))


async def document(request: web.Request) -> web.Response:
    ctx = await party.view(request.app[PORTS], bearer_token(request))
    return respond(
        DocumentOut(
            order_id=ctx.order.id, sha256=ctx.order.document_sha256, text=ctx.order.document
        )
    )


async def review(request: web.Request) -> web.Response:
    body = await parse_body(request, ReviewRequest)
    ctx = await party.review(
        request.app[PORTS], bearer_token(request), _origin(request), body.document_sha256
    )
    return respond(_view(ctx))


async def confirm(request: web.Request) -> web.Response:
    ctx = await party.confirm(request.app[PORTS], bearer_token(request), _origin(request))
    return respond(_view(ctx))


async def police_verification(request: web.Request) -> web.Response:
    body = await parse_body(request, PoliceVerificationRequest)
    ctx = await party.verify_identity(
        request.app[PORTS], bearer_token(request), _origin(request), body.name, body.id_number
    )
    return respond(_view(ctx))


async def authorize(request: web.Request) -> web.Response:
    body = await parse_body(request, AuthorizeRequest)
    ctx = await party.authorize(
        request.app[PORTS], bearer_token(request), _origin(request), body.face_sample
    )
    return respond(_view(ctx))


async def decline(request: web.Request) -> web.Response:
    body = await parse_body(request, DeclineRequest)
    ctx = await party.decline(
        request.app[PORTS], bearer_token(request), _origin(request), body.reason
    )
    return respond(_view(ctx))
