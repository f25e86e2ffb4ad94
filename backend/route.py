"""One route: what the app registers and what the OpenAPI document says of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from backend.request_values import QueryParam

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Upload:
    """A raw request body: the file itself, of one of ``media_types``, at most ``max_bytes``."""

    media_types: tuple[str, ...]
    max_bytes: int


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
    query: tuple[QueryParam, ...] = ()
    upload: Upload | None = None
    # Media types of a body that is not a JSON model (an image, a print view).
    produces: tuple[str, ...] = ()
    # The route answers 304 when If-None-Match names the current ETag.
    not_modified: bool = False


# The routes an app serves, in the order they were mounted: ``GET /openapi.json`` describes these.
MOUNTED_ROUTES = web.AppKey("mounted_routes", list[Route])


def mount(app: web.Application, routes: Sequence[Route]) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
    app.setdefault(MOUNTED_ROUTES, []).extend(routes)
