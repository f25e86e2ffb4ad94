"""/api/v1/webhook-endpoints: an agency admin's endpoints, their secrets and delivery log."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from backend.appkeys import PORTS
from backend.http import actor_of, parse_body, respond
from backend.request_values import QueryParam
from backend.webhooks.schemas import (
    DeliveryList,
    DeliveryOut,
    EndpointCreate,
    EndpointCreated,
    EndpointList,
    EndpointOut,
    EndpointUpdate,
    RedeliveryRequest,
    SecretRolled,
)
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.usecases import webhooks
from signing_flow.webhook_models import DeliveryStatus

LOG_QUERY = (
    LIMIT := QueryParam("limit", "最多返回条数（最新的在前）", minimum=1, maximum=200, default=50),
    STATUS := QueryParam(
        "status", "只列出此状态的发送记录", choices=tuple(s.value for s in DeliveryStatus)
    ),
)


async def create(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, EndpointCreate)
    endpoint, secret = await webhooks.register_endpoint(
        request.app[PORTS], actor, body.url, [str(t) for t in body.event_types], body.description
    )
    out = EndpointOut.of(endpoint).model_dump()
    return respond(EndpointCreated(**out, secret=secret.value), status=201)


async def list_all(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    found = await webhooks.list_endpoints(request.app[PORTS], actor)
    return respond(EndpointList(endpoints=[EndpointOut.of(e) for e in found]))


async def read(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    endpoint = await webhooks.get_endpoint(request.app[PORTS], actor, request.match_info["eid"])
    return respond(EndpointOut.of(endpoint))


async def update(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, EndpointUpdate)
    changes: dict[str, Any] = body.changes()
    if "event_types" in changes and changes["event_types"] is not None:
        changes["event_types"] = [str(t) for t in changes["event_types"]]
    endpoint = await webhooks.update_endpoint(
        request.app[PORTS], actor, request.match_info["eid"], **changes
    )
    return respond(EndpointOut.of(endpoint))


async def roll_secret(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    _, secret = await webhooks.roll_secret(request.app[PORTS], actor, request.match_info["eid"])
    assert secret.old_valid_until is not None
    return respond(SecretRolled(secret=secret.value, old_secret_valid_until=secret.old_valid_until))


async def delivery_log(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    try:
        limit, status = LIMIT.read_int(request), STATUS.read_str(request)
    except ValueError as exc:
        raise ValidationFailed(
            [FieldProblem(str(exc), "INVALID", "see the route's parameters")]
        ) from exc
    found = await webhooks.list_deliveries(
        request.app[PORTS], actor, request.match_info["eid"], limit or 50, status
    )
    return respond(DeliveryList(deliveries=[DeliveryOut.of(d) for d in found]))


async def redeliver(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    body = await parse_body(request, RedeliveryRequest)
    delivery = await webhooks.redeliver(
        request.app[PORTS], actor, request.match_info["eid"], body.event_id
    )
    return respond(DeliveryOut.of(delivery), status=202)
