"""The sandbox clock: one integrators can move (``POST /sandbox/v1/clock``).

The offset is kept in the store (collection ``sandbox_clock``, one document), so every process of
the sandbox and ``wangqian purge --dry-run`` see the same moved clock. ``now()`` never reads the
store: it adds the offset last read. The offset is read again
- at the start of every request (``refresh_clock``, a middleware mounted with the sandbox routes):
  one read of one small document by id, sandbox only. Reading per request rather than every N ms
  is what makes two processes agree exactly: once a move has been answered, any request to any
  process runs on the moved clock (a throttled read would leave a window of N ms in which another
  process answers on the old time). The production clock (``backend.clock``) reads nothing.
- every ``REFRESH_SECONDS`` in the background, for the scheduler's jobs, which run outside
  requests.

The clock only moves forward and at most ``MAX_AHEAD`` past the real time, so that every date the
service derives from it (session, order and purge deadlines) stays representable. Moving the clock
runs the jobs at once, so an integrator sees an order expire or a contract purged without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web

from backend.appkeys import CLOCK, STORE
from backend.http import parse_body, respond
from backend.storage.sweeps import StoreSweeps
from miniapp_mock.schemas import ClockMove, ClockState
from schedulers.jobs import expire_orders, purge_stale_contracts
from signing_flow.errors import (
    DependencyUnavailable,
    DuplicateKey,
    FieldProblem,
    ValidationFailed,
    VersionConflict,
)
from signing_flow.ports import CollectionSpec, DocumentStore
from signing_flow.repository import with_retries

log = logging.getLogger("wangqian.sandbox")

COLLECTION = "sandbox_clock"
SPEC = CollectionSpec()
_DOC_ID = "offset"
# About three years: far enough for any deadline a test needs, near enough for every date
# computed from the clock (a session's 12 h, a contract's purge time) to stay valid.
MAX_AHEAD = timedelta(days=1096)
REFRESH_SECONDS = 1.0


def _bounded(seconds: float) -> timedelta:
    """The stored offset, held within the bounds whatever the store holds."""
    if not seconds >= 0:  # also NaN
        return timedelta(0)
    return timedelta(seconds=min(seconds, MAX_AHEAD.total_seconds()))


class MovableClock:
    """The system clock plus an offset, shared through the store, that only moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def refresh(self, store: DocumentStore) -> None:
        doc = await store.get(COLLECTION, _DOC_ID)
        self.offset = _bounded(float(doc["offset_seconds"])) if doc else timedelta(0)

    async def change(self, store: DocumentStore, decide: Callable[[timedelta], timedelta]) -> None:
        """Set the offset to ``decide(current offset)``, compare-and-set against other processes
        moving it at the same time (``decide`` runs again on the fresh offset)."""

        async def attempt() -> None:
            doc = await store.get(COLLECTION, _DOC_ID)
            current = _bounded(float(doc["offset_seconds"])) if doc else timedelta(0)
            new = decide(current)
            body = {"_id": _DOC_ID, "offset_seconds": new.total_seconds()}
            if doc is None:
                try:
                    await store.insert(COLLECTION, {**body, "version": 0})
                except DuplicateKey as exc:  # another process wrote it first: decide again
                    raise VersionConflict("the clock moved meanwhile") from exc
            else:
                await store.compare_and_set(
                    COLLECTION, {**body, "version": doc["version"]}, doc["version"]
                )
            self.offset = new

        await with_retries(attempt)


def _movable(request: web.Request) -> MovableClock:
    clock = request.app[CLOCK]
    assert isinstance(clock, MovableClock)
    return clock


@web.middleware
async def refresh_clock(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every request runs on the offset the store holds now (see the module's docstring)."""
    clock = request.app[CLOCK]
    if isinstance(clock, MovableClock) and STORE in request.app:
        # A store outage is the handler's to report; the clock keeps its last offset.
        with contextlib.suppress(DependencyUnavailable):
            await clock.refresh(request.app[STORE])
    return await handler(request)


async def keep_clock_fresh(app: web.Application) -> AsyncIterator[None]:
    """For the scheduler's jobs, which run outside requests."""
    clock = app[CLOCK]
    if not isinstance(clock, MovableClock):
        yield
        return

    async def loop() -> None:
        while True:
            try:
                await clock.refresh(app[STORE])
            except Exception:  # keep refreshing; a store outage is logged elsewhere
                log.debug("sandbox clock refresh failed", exc_info=True)
            await asyncio.sleep(REFRESH_SECONDS)

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _state(request: web.Request) -> web.Response:
    clock = _movable(request)
    sweeps = StoreSweeps(request.app[STORE])
    expired = await expire_orders(sweeps, clock)
    purged = await purge_stale_contracts(sweeps, clock)
    return respond(
        ClockState(
            now=clock.now(),
            offset_seconds=clock.offset.total_seconds(),
            expired_orders=expired.changed,
            purged_contracts=purged.changed,
        )
    )


def _too_far(field: str) -> ValidationFailed:
    days = MAX_AHEAD.days
    return ValidationFailed(
        [FieldProblem(field, "TOO_FAR", f"the clock moves at most {days} days past the real time")]
    )


async def move_clock(request: web.Request) -> web.Response:
    body = await parse_body(request, ClockMove)
    if (body.advance_seconds is None) == (body.to is None):
        raise ValidationFailed([FieldProblem("", "ONE_OF", "give advance_seconds or to")])
    if body.to is not None and body.to.tzinfo is None:
        raise ValidationFailed([FieldProblem("to", "NO_OFFSET", "include the UTC offset")])

    def decide(offset: timedelta) -> timedelta:
        real = datetime.now(UTC)
        if body.to is not None:
            if body.to - (real + offset) <= timedelta(0):
                raise ValidationFailed(
                    [FieldProblem("to", "IN_THE_PAST", "the clock only moves on")]
                )
            new, field = body.to - real, "to"
        else:
            new, field = offset + timedelta(seconds=body.advance_seconds or 0), "advance_seconds"
        if new > MAX_AHEAD:
            raise _too_far(field)
        return new

    await _movable(request).change(request.app[STORE], decide)
    return await _state(request)


async def reset_clock(request: web.Request) -> web.Response:
    await _movable(request).change(request.app[STORE], lambda _: timedelta(0))
    return await _state(request)
