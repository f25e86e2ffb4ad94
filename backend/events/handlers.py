"""``GET /api/v1/events``: the caller's events after a cursor, with a long-poll."""

from __future__ import annotations

import time

from aiohttp import web

from backend.appkeys import EVENTS, PORTS
from backend.events.runtime import FEED_KEY
from backend.events.schemas import EventOut, EventPage
from backend.http import actor_of, respond
from backend.request_values import MAX_QUERY_DIGITS, QueryParam
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.events import PublicType
from signing_flow.usecases.events import list_events

MAX_WAIT_SECONDS = 30
# A waiting request re-reads the store this often, to see what other processes moved.
STORE_POLL_SECONDS = 0.5

FEED_QUERY = (
    AFTER := QueryParam(
        "after", "游标：上次读到的最后一个事件的 cursor（从头读为 0）",
        maximum=10**MAX_QUERY_DIGITS - 1, default=0,
    ),
    LIMIT := QueryParam("limit", "最多返回条数", minimum=1, maximum=500, default=100),
    TYPE := QueryParam(
        "type", "只要这些类型的事件（可重复）", choices=tuple(t.value for t in PublicType)
    ),
    WAIT := QueryParam("wait", "长轮询：没有新事件时最多等待的秒数", maximum=MAX_WAIT_SECONDS, default=0),
)  # fmt: skip


def _query(request: web.Request) -> tuple[int, int, list[str], int]:
    problems: list[FieldProblem] = []
    values: dict[str, int] = {}
    for param in (AFTER, LIMIT, WAIT):
        try:
            values[param.name] = param.read_int(request) or 0
        except ValueError:
            bounds = f"{param.minimum} to {param.maximum}"
            problems.append(FieldProblem(param.name, "INVALID", f"an integer, {bounds}"))
    types = request.query.getall(TYPE.name, [])
    for kind in types:
        if kind not in (TYPE.choices or ()):
            problems.append(FieldProblem(TYPE.name, "INVALID", f"not an event type: {kind!r}"))
    if problems:
        raise ValidationFailed(problems)
    return values["after"], values["limit"], types, values["wait"]


async def feed(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    after, limit, types, wait = _query(request)
    ports, runtime = request.app[PORTS], request.app[EVENTS]
    deadline = time.monotonic() + wait
    page = await list_events(ports, actor, after, limit, types)
    while (
        not page.events
        and not runtime.signal.closed  # shutting down: answer now (backend.shutdown)
        and (remaining := deadline - time.monotonic()) > 0
    ):
        await runtime.signal.wait(FEED_KEY, min(remaining, STORE_POLL_SECONDS))
        actor = await actor_of(request)  # the session may have ended meanwhile
        page = await list_events(ports, actor, after, limit, types)
    return respond(
        EventPage(
            events=[EventOut.of(e) for e in page.events],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
        )
    )
