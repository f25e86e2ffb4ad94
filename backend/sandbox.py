"""Sandbox-only routes (``WANGQIAN_SANDBOX=1``): a clock integrators can move.

The offset lives in this process's memory: the sandbox is one process. Moving the clock runs the
jobs at once, so an integrator sees an order expire or a contract purged without waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web
from pydantic import BaseModel, Field

from backend.appkeys import CLOCK, STORE
from backend.http import parse_body, respond
from backend.sandbox_schemas import TransferStatusRequest
from miniapp_mock.registry import SandboxRegistry
from schedulers.jobs import expire_orders, purge_stale_contracts
from signing_flow.errors import FieldProblem, NotFound, ValidationFailed
from signing_flow.models import TransferStatus


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """The system clock plus an offset that only moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class ClockMove(BaseModel):
    model_config = {"extra": "forbid"}
    advance_seconds: int | None = Field(default=None, ge=1, le=366 * 24 * 3600)
    to: datetime | None = Field(default=None, description="a later time, ISO 8601 with offset")


class ClockState(BaseModel):
    now: datetime
    offset_seconds: float
    expired_orders: list[str]
    purged_contracts: list[str]


async def _state(request: web.Request) -> web.Response:
    clock = request.app[CLOCK]
    assert isinstance(clock, MovableClock)
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
    clock = request.app[CLOCK]
    assert isinstance(clock, MovableClock)
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
    clock = request.app[CLOCK]
    assert isinstance(clock, MovableClock)
    clock.offset = timedelta(0)
    return await _state(request)


async def set_transfer_status(request: web.Request) -> web.Response:
    """The registry accepting (不动产已受理) or completing (已过户) a property's transfer."""
    body = await parse_body(request, TransferStatusRequest)
    try:
        await SandboxRegistry(request.app[STORE]).set_transfer_status(
            request.match_info["pid"], TransferStatus(body.transfer_status)
        )
    except KeyError as exc:
        raise NotFound("登记簿中没有该房屋 (no such property)", code="PROPERTY_NOT_FOUND") from exc
    return web.Response(status=204)
