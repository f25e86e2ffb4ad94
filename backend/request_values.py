"""Values read from the query string and headers, checked before anything uses them. Imports
nothing of the app, so that every handler module and the status poll can use it.

A query parameter is declared once, as a ``QueryParam``: the route table hands it to the OpenAPI
document and the handler reads the request through it, so the two cannot disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

MAX_QUERY_DIGITS = 9
_QUERY_INT = re.compile(rf"[0-9]{{1,{MAX_QUERY_DIGITS}}}")


@dataclass(frozen=True)
class QueryParam:
    """One query parameter: an integer when ``maximum`` is set (ASCII digits only, from
    ``minimum`` to ``maximum``), else a string, restricted to ``choices`` when given."""

    name: str
    description: str
    minimum: int = 0
    maximum: int | None = None
    default: int | None = None
    choices: tuple[str, ...] | None = None

    def schema(self) -> dict[str, Any]:
        if self.maximum is not None:
            schema: dict[str, Any] = {
                "type": "integer",
                "minimum": self.minimum,
                "maximum": self.maximum,
            }
            if self.default is not None:
                schema["default"] = self.default
            return schema
        if self.choices is not None:
            return {"type": "string", "enum": list(self.choices)}
        return {"type": "string"}

    def document(self) -> dict[str, Any]:
        """The parameter object of the OpenAPI document."""
        return {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": self.schema(),
        }

    def read_int(self, request: web.Request) -> int | None:
        """The integer, or ``default`` when absent. Raises ValueError for the caller to report
        with its own message."""
        assert self.maximum is not None, f"{self.name} is not an integer parameter"
        value = query_int(request, self.name, None)
        if value is None:
            return self.default
        if not self.minimum <= value <= self.maximum:
            raise ValueError(self.name)
        return value

    def read_str(self, request: web.Request) -> str | None:
        """The string, or None when absent. Raises ValueError outside ``choices``."""
        value = request.query.get(self.name)
        if value is not None and self.choices is not None and value not in self.choices:
            raise ValueError(self.name)
        return value


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
