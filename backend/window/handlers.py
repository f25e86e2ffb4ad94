"""/api/v1/window: the center staff's window paths, and the agent's online cancellation."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import PORTS
from backend.contracts.schemas import ContractOut
from backend.http import actor_of, parse_body, read_upload, respond
from backend.window.print_views import FORMS, available_forms, render_form
from backend.window.schemas import (
    AppearanceRequest,
    CancellationRequest,
    FormList,
    RejectRequest,
    WindowCaseRequest,
)
from signing_flow.errors import NotFound
from signing_flow.uploads import SCAN_LIMIT
from signing_flow.usecases import window
from signing_flow.usecases.cancellation import request_online_cancellation
from signing_flow.vocabulary import OrderPurpose, WindowDocument


async def request_cancellation(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, CancellationRequest)
    contract = await request_online_cancellation(
        request.app[PORTS], actor, request.match_info["id"], body.reason
    )
    return respond(ContractOut.of(contract, actor.role), status=201)


async def open_case(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, WindowCaseRequest)
    contract = await window.open_window_case(
        request.app[PORTS], actor, request.match_info["id"], OrderPurpose(body.purpose), body.reason
    )
    return respond(ContractOut.of(contract, actor.role), status=201)


async def appearance(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, AppearanceRequest)
    contract = await window.record_appearance(
        request.app[PORTS],
        actor,
        request.match_info["id"],
        request.match_info["pid"],
        body.to_domain(),
    )
    return respond(ContractOut.of(contract, actor.role))


async def party_document(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    try:
        kind = WindowDocument(request.match_info["kind"])
    except ValueError as exc:
        raise NotFound(
            "没有这种材料 (unknown document kind)", code="DOCUMENT_KIND_NOT_FOUND"
        ) from exc
    data = await read_upload(request, SCAN_LIMIT)
    contract = await window.upload_party_document(
        request.app[PORTS], actor, request.match_info["id"], request.match_info["pid"], kind, data
    )
    return respond(ContractOut.of(contract, actor.role))


async def signed_pages(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    data = await read_upload(request, SCAN_LIMIT)
    contract = await window.upload_signed_pages(
        request.app[PORTS], actor, request.match_info["id"], data
    )
    return respond(ContractOut.of(contract, actor.role))


async def submit(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract = await window.submit_window_case(request.app[PORTS], actor, request.match_info["id"])
    return respond(ContractOut.of(contract, actor.role))


async def approve(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract = await window.decide_window_case(
        request.app[PORTS], actor, request.match_info["id"], approve=True, reason=None
    )
    return respond(ContractOut.of(contract, actor.role))


async def reject(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, RejectRequest)
    contract = await window.decide_window_case(
        request.app[PORTS], actor, request.match_info["id"], approve=False, reason=body.reason
    )
    return respond(ContractOut.of(contract, actor.role))


async def forms(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract = await window.get_window_contract(request.app[PORTS], actor, request.match_info["id"])
    return respond(FormList(forms={key: FORMS[key] for key in available_forms(contract)}))


async def form(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    key = request.match_info["form"]
    read = window.get_contract_to_print if key == "contract" else window.get_window_contract
    contract = await read(request.app[PORTS], actor, request.match_info["id"])
    if key not in available_forms(contract):
        raise NotFound("没有这份表格 (no such form for this contract)", code="FORM_NOT_FOUND")
    return web.Response(text=render_form(contract, key), content_type="text/html", charset="utf-8")
