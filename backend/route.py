"""One route: what the app registers and what the OpenAPI document says of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    request: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    auth: bool = True
    tag: str = "agent"


# The routes an app serves, in the order they were mounted: ``GET /openapi.json`` describes these.
MOUNTED_ROUTES = web.AppKey("mounted_routes", list[Route])


def mount(app: web.Application, routes: Sequence[Route]) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
    app.setdefault(MOUNTED_ROUTES, []).extend(routes)
