"""Request ids: the thread from a user's complaint to its log lines (docs/operations.md).

A client's ``X-Request-Id`` is kept when it is 1–64 characters of ``[A-Za-z0-9._-]``, so that
a proxy's id carries through; anything else (a newline forging a log line, a quote breaking a
JSON line, a kilobyte of padding) is replaced by a fresh one, never cleaned up. The id is
answered on every response, written in every log line the request causes and in every error
body (``error.request_id``).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from aiohttp import web

HEADER = "X-Request-Id"
NO_REQUEST = "-"  # the request id of a line no request caused (jobs, start-up)
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")

# The request being handled in this task; the middleware sets it and resets it after.
CURRENT: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
# The same id on the request, for what runs after the handler (the access log, the header).
REQUEST_ID = web.RequestKey("request_id", str)


def well_formed(value: str | None) -> bool:
    return value is not None and _WELL_FORMED.fullmatch(value) is not None


def request_id_for(request: web.BaseRequest) -> str:
    """The client's id when well-formed, else a new one (uuid4, 32 hex digits)."""
    sent = request.headers.get(HEADER)
    return sent if sent is not None and well_formed(sent) else uuid.uuid4().hex


def current_request_id() -> str:
    return CURRENT.get()


async def answer_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: every response names its request, aiohttp's own refusals, the
    static files and the answers handlers prepare themselves included."""
    response.headers[HEADER] = request.get(REQUEST_ID) or request_id_for(request)


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id``: the one the record was given (the access log, which
    runs after the request's context ended), else the current request's, else ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(getattr(record, "request_id", None), str):
            record.request_id = CURRENT.get()
        return True
