"""/api/v1/properties and /api/v1/contracts: listing verification, drafting, submitting."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import PORTS
from backend.contracts.property_schemas import (
    PropertyLookupBody,
    PropertyOut,
    VerifyPropertyResponse,
)
from backend.contracts.sale_out import AnnexFileOut
from backend.contracts.schemas import (
    ContractCreateRequest,
    ContractFields,
    ContractList,
    ContractOut,
    ContractSummary,
)
from backend.contracts.todo_schemas import TodoItem, TodoList
from backend.http import actor_of, parse_body, read_upload, respond
from backend.request_values import QueryParam
from backend.webhooks.schemas import EndpointTodo
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.roles import Role
from signing_flow.uploads import IMAGE_LIMIT
from signing_flow.usecases import contracts, webhooks
from signing_flow.usecases.annexes import upload_annex_image
from signing_flow.usecases.properties import verify_property
from signing_flow.vocabulary import ContractStatus


async def verify(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, PropertyLookupBody)
    prop = await verify_property(request.app[PORTS], actor, body.to_domain())
    return respond(VerifyPropertyResponse(property=PropertyOut.of(prop)))


async def create(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, ContractCreateRequest)
    contract = await contracts.create_contract(
        request.app[PORTS], actor, body.property.to_domain(), body.changes()
    )
    return respond(ContractOut.of(contract, actor.role), status=201)


async def read(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract = await contracts.get_contract(request.app[PORTS], actor, request.match_info["id"])
    return respond(ContractOut.of(contract, actor.role))


async def update(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, ContractFields)
    contract = await contracts.update_contract(
        request.app[PORTS], actor, request.match_info["id"], body.changes()
    )
    return respond(ContractOut.of(contract, actor.role))


async def delete(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract = await contracts.delete_contract(request.app[PORTS], actor, request.match_info["id"])
    return respond(ContractOut.of(contract, actor.role))


async def submit(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract = await contracts.submit_contract(request.app[PORTS], actor, request.match_info["id"])
    return respond(ContractOut.of(contract, actor.role))


async def upload_annex_file(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    data = await read_upload(request, IMAGE_LIMIT)
    stored = await upload_annex_image(request.app[PORTS], actor, data)
    out = AnnexFileOut(
        file_id=stored.id, content_type=stored.content_type, size=stored.size, sha256=stored.sha256
    )
    return respond(out, status=201)


# The list's query, declared once: the route table documents these and ``list_all`` reads them.
LIST_QUERY = (
    STATUS := QueryParam(
        "status", "只列出此状态的合同", choices=tuple(s.value for s in ContractStatus)
    ),
    NUMBER := QueryParam("number", "合同编号"),
    LIMIT := QueryParam("limit", "最多返回条数", minimum=1, maximum=200, default=50),
)


async def list_all(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    problems = []
    status = limit = None
    try:
        found_status = STATUS.read_str(request)
        status = ContractStatus(found_status) if found_status is not None else None
    except ValueError:
        problems.append(FieldProblem("status", "INVALID", f"one of {list(STATUS.choices or ())}"))
    try:
        limit = LIMIT.read_int(request)
    except ValueError:
        problems.append(FieldProblem("limit", "INVALID", "an integer from 1 to 200"))
    if problems or limit is None:
        raise ValidationFailed(problems)
    found = await contracts.list_contracts(
        request.app[PORTS], actor, status=status, number=NUMBER.read_str(request), limit=limit
    )
    return respond(ContractList(items=[ContractSummary.of(c) for c in found]))


async def todo(request: web.Request) -> web.Response:
    """待办业务: a practitioner's contracts; an agency admin's endpoints to mend."""
    actor = await actor_of(request)
    ports = request.app[PORTS]
    if actor.role is Role.AGENCY_ADMIN:
        mend = await webhooks.endpoints_to_mend(ports, actor)
        return respond(TodoList(items=[], webhook_endpoints=[EndpointTodo.of(e) for e in mend]))
    found = await contracts.list_todo(ports, actor)
    return respond(TodoList(items=[TodoItem.of(c) for c in found]))
