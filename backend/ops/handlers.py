"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

from aiohttp import web

from backend.appkeys import STORE
from backend.http import respond
from backend.openapi import openapi_document
from backend.ops.schemas import Health
from backend.route import MOUNTED_ROUTES, Route
from signing_flow.errors import DependencyUnavailable


async def healthz(request: web.Request) -> web.Response:
    return respond(Health(status="ok"))


async def readyz(request: web.Request) -> web.Response:
    try:
        await request.app[STORE].ping()
    except DependencyUnavailable:
        return respond(Health(status="unavailable"), status=503)
    return respond(Health(status="ok"))


async def openapi(request: web.Request) -> web.Response:
    mounted: list[Route] = request.app[MOUNTED_ROUTES]
    return web.json_response(openapi_document(tuple(mounted)))
