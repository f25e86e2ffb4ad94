"""The outermost middleware: names the request (``backend.request_ids``) and counts it
(``backend.metrics``) by its route's template, never by its path: ``/api/v1/contracts/{id}``,
not the contract's id. It runs outside the error middleware, so it sees every answer as the
client does, refusals included."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from backend.appkeys import METRICS
from backend.errors import ERROR_CODE, Handler
from backend.metrics import PASSED, UNMATCHED_ROUTE
from backend.request_ids import CURRENT, REQUEST_ID, request_id_for

CLIENT_CLOSED = 499  # nginx's status for it; no response carries it

# The mini-program's handshake steps (docs/handshake.md), by their route.
STEPS = {
    "/mp/v1/sessions": "open_session",
    "/mp/v1/review": "review",
    "/mp/v1/confirm": "confirm",
    "/mp/v1/police-verification": "police_verification",
    "/mp/v1/authorize": "authorize",
    "/mp/v1/decline": "decline",
}


def route_template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED_ROUTE


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[REQUEST_ID] = request_id = request_id_for(request)
    token = CURRENT.set(request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:  # below 400: the error middleware lets them through
        status = exc.status
        raise
    except asyncio.CancelledError:
        status = CLIENT_CLOSED  # the client left (a long-poll given up): no answer was sent
        raise
    finally:
        CURRENT.reset(token)
        if (metrics := request.app.get(METRICS)) is not None:
            route = route_template(request)
            metrics.request(request.method, route, status, time.perf_counter() - started)
            if request.method == "POST" and (step := STEPS.get(route)) is not None:
                result = PASSED if status < 400 else request.get(ERROR_CODE, str(status))
                metrics.step(step, result)
