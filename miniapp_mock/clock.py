"""The sandbox clock: one integrators can move (``POST /sandbox/v1/clock``).

The offset lives in this process's memory: the sandbox is one process. Moving the clock runs the
jobs at once, so an integrator sees an order expire or a contract purged without waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web

from backend.appkeys import CLOCK, STORE
from backend.http import parse_body, respond
from miniapp_mock.schemas import ClockMove, ClockState
from schedulers.jobs import expire_orders, purge_stale_contracts
from signing_flow.errors import FieldProblem, ValidationFailed


class MovableClock:
    """The system clock plus an offset that only moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _movable(request: web.Request) -> MovableClock:
    clock = request.app[CLOCK]
    assert isinstance(clock, MovableClock)
    return clock


async def _state(request: web.Request) -> web.Response:
    clock = _movable(request)
    store = request.app[STORE]
    expired = await expire_orders(store, clock)
    purged = await purge_stale_contracts(store, clock)
    return respond(
        ClockState(
            now=clock.now(),
            offset_seconds=clock.offset.total_seconds(),
            expired_orders=expired.changed,
            purged_contracts=purged.changed,
        )
    )


async def move_clock(request: web.Request) -> web.Response:
    body = await parse_body(request, ClockMove)
    clock = _movable(request)
    if (body.advance_seconds is None) == (body.to is None):
        raise ValidationFailed([FieldProblem("", "ONE_OF", "give advance_seconds or to")])
    if body.to is not None:
        if body.to.tzinfo is None:
            raise ValidationFailed([FieldProblem("to", "NO_OFFSET", "include the UTC offset")])
        step = body.to - clock.now()
        if step <= timedelta(0):
            raise ValidationFailed([FieldProblem("to", "IN_THE_PAST", "the clock only moves on")])
    else:
        step = timedelta(seconds=body.advance_seconds or 0)
    clock.offset += step
    return await _state(request)


async def reset_clock(request: web.Request) -> web.Response:
    _movable(request).offset = timedelta(0)
    return await _state(request)
