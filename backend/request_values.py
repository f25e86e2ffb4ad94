"""Values read from the query string and headers, checked before anything uses them. Imports
nothing of the app, so that every handler module and the status poll can use it."""

from __future__ import annotations

import re

from aiohttp import web

_QUERY_INT = re.compile(r"[0-9]{1,9}")


def query_int(request: web.Request, name: str, default: str | None = None) -> int | None:
    """A query parameter as a non-negative integer: ASCII digits only, at most 9 of them
    (``int()`` would also take ``٣``, ``+3`` or `` 3``, and fail on ``²`` or 5,000 digits).
    Absent: ``default``. Raises ValueError for the caller to report with its own message."""
    value = request.query.get(name, default)
    if value is None:
        return None
    if not _QUERY_INT.fullmatch(value):
        raise ValueError(name)
    return int(value)


def user_agent(request: web.Request) -> str | None:
    """The User-Agent as the audit trail records it: bytes that are not UTF-8 (aiohttp hands
    them over as lone surrogates, which no store can encode) become U+FFFD; at most 512."""
    value = request.headers.get("User-Agent")
    if value is None:
        return None
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")[:512]
