"""The access log: method, path, status and time, never query strings or headers (they can
carry tokens). The path is percent-encoded again (``backend.log_text``): decoded, a ``%0A``
would forge a log line.

Agents poll the signature status all day, and a line per poll would drown every other line and
cost the poll a fifth of its CPU (bench: 35 of 145 µs). Successful polls are therefore tallied
and summed up once a minute; a poll that fails (4xx/5xx) still gets its own line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from backend.log_text import loggable_path
from backend.request_ids import NO_REQUEST, REQUEST_ID
from backend.signing import handlers as signing

# handlers whose successful answers are tallied instead of logged one by one
TALLIED = frozenset({signing.status})
SUMMARY_SECONDS = 60

log = logging.getLogger("aiohttp.access")


@dataclass
class PollTally:
    statuses: Counter[int] = field(default_factory=Counter)

    def add(self, status: int) -> None:
        self.statuses[status] += 1

    def take_summary(self) -> str | None:
        """The line for what was tallied since the last one (None if nothing), and start over."""
        if not self.statuses:
            return None
        by_status = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        line = f"GET /api/v1/signing-orders/{{oid}}: {self.statuses.total()} polls ({by_status})"
        self.statuses.clear()
        return line


POLL_TALLY = web.AppKey("poll_tally", PollTally)


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if (
            response.status < 400
            and isinstance(request, web.Request)
            and request.match_info.route.handler in TALLIED
            and (tally := request.app.get(POLL_TALLY)) is not None
        ):
            tally.add(response.status)
            return
        path, duration_ms = loggable_path(request), round(time * 1000, 1)
        self.logger.info(
            "%s %s %s %.1fms",
            request.method,
            path,
            response.status,
            duration_ms,
            # Fields of their own for the JSON lines; the request's id, as its context ended
            # before this line is written. The method is aiohttp's, a token of RFC 9110 chars.
            extra={
                "request_id": request.get(REQUEST_ID, NO_REQUEST),
                "method": request.method,
                "path": path,
                "status": response.status,
                "duration_ms": duration_ms,
            },
        )


async def poll_summaries(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: log the tally every ``SUMMARY_SECONDS``, and what is left at shutdown."""
    tally = app[POLL_TALLY] = PollTally()

    async def every_minute() -> None:
        while True:
            await asyncio.sleep(SUMMARY_SECONDS)
            if line := tally.take_summary():
                log.info("%s in the last %ss", line, SUMMARY_SECONDS)

    task = asyncio.create_task(every_minute())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    if line := tally.take_summary():
        log.info("%s before shutdown", line)
