"""One route: what the app registers and what the OpenAPI document says of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from backend.request_values import QueryParam
from signing_flow.errors import FieldProblem, ValidationFailed

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
    # The values a path parameter takes, where it is a closed set the handler checks itself
    # (its own 404 code for anything else): (name, values) pairs.
    path_choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    upload: Upload | None = None
    # Media types of a body that is not a JSON model (an image, a print view).
    produces: tuple[str, ...] = ()
    # The route answers 304 when If-None-Match names the current ETag.
    not_modified: bool = False


# The routes an app serves, in the order they were mounted: ``GET /openapi.json`` describes these.
MOUNTED_ROUTES = web.AppKey("mounted_routes", list[Route])


# The query parameters each registered route declares, for ``only_declared_query``.
DECLARED_QUERY = web.AppKey("declared_query", dict[web.AbstractRoute, frozenset[str]])


def mount(app: web.Application, routes: Sequence[Route]) -> None:
    if DECLARED_QUERY not in app:
        app[DECLARED_QUERY] = {}
        app.middlewares.append(only_declared_query)
    for route in routes:
        added = app.router.add_route(route.method, route.path, route.handler)
        app[DECLARED_QUERY][added] = frozenset(param.name for param in route.query)
    app.setdefault(MOUNTED_ROUTES, []).extend(routes)


@web.middleware
async def only_declared_query(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A query parameter the route does not declare is refused (422, each one named) rather than
    silently ignored: a misspelt ``?limt=5`` or ``?stauts=filed`` would otherwise be answered as
    if it were not there."""
    declared = request.app[DECLARED_QUERY].get(request.match_info.route)
    if declared is not None and request.query:
        unknown = [name for name in dict.fromkeys(request.query) if name not in declared]
        if unknown:
            raise ValidationFailed(
                [
                    FieldProblem(name, "EXTRA_FORBIDDEN", "not a query parameter of this route")
                    for name in unknown
                ]
            )
    return await handler(request)
