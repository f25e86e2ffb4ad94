"""Domain errors → HTTP, in exactly one table, and the middleware that applies it.

Every error response has the shape ``{"error": {"code", "message", "details", "request_id"}}``
(DESIGN §6), including aiohttp's own (unknown route, wrong method, body too large). The request
id is the one the response's ``X-Request-Id`` names (``backend.request_ids``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from backend.log_text import loggable_path
from backend.request_ids import current_request_id
from signing_flow import errors as e

log = logging.getLogger("wangqian.http")

# Most specific first: the first class an error is an instance of decides its status.
STATUS_BY_ERROR: list[tuple[type[e.DomainError], int]] = [
    (e.MalformedRequest, 400),
    (e.NotAuthenticated, 401),
    (e.Forbidden, 403),
    (e.NotFound, 404),
    (e.InvalidState, 409),
    (e.NotEligible, 409),
    (e.AlreadyExists, 409),
    (e.VersionConflict, 409),
    (e.Gone, 410),
    (e.TooLarge, 413),
    (e.UnsupportedMediaType, 415),
    (e.ValidationFailed, 422),
    (e.CheckFailed, 422),
    (e.DependencyUnavailable, 503),
]

# aiohttp's own refusals, in our format; any other is HTTP_ERROR with aiohttp's status. These
# and the domain's codes (``signing_flow.errors.CODES``) are every code the API answers with.
HTTP_CODES = {
    404: ("ROUTE_NOT_FOUND", "没有这个接口 (no such endpoint)"),
    405: ("METHOD_NOT_ALLOWED", "该接口不支持此方法 (method not allowed)"),
    413: ("BODY_TOO_LARGE", "请求体过大 (request body too large)"),
}
OTHER_HTTP_ERROR = "HTTP_ERROR"
INTERNAL_ERROR = "INTERNAL_ERROR"  # 500: a bug; the log has the traceback
# The code a refused request was answered with, for the handshake's metrics (``request_context``).
ERROR_CODE = web.RequestKey("error_code", str)


def status_for(error: e.DomainError) -> int:
    return status_of(type(error))


def status_of(cls: type[e.DomainError]) -> int:
    for base, status in STATUS_BY_ERROR:
        if issubclass(cls, base):
            return status
    return 400


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> web.Response:
    headers = {"Retry-After": "1"} if status == 503 else None
    return web.json_response(
        {
            "error": {
                "code": code,
                "message": message,
                "details": details or {},
                "request_id": current_request_id(),
            }
        },
        status=status,
        headers=headers,
        dumps=_dumps,
    )


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except e.DomainError as err:
        status = status_for(err)
        if status >= 500:
            log.warning(
                "dependency unavailable on %s %s: %s",
                request.method,
                loggable_path(request),
                err.code,
            )
        request[ERROR_CODE] = err.code
        return error_response(status, err.code, err.message, err.details)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code, message = HTTP_CODES.get(exc.status, (OTHER_HTTP_ERROR, exc.reason))
        request[ERROR_CODE] = code
        return error_response(exc.status, code, message)
    except Exception:
        # The traceback names code, not request data; bodies are never logged.
        log.exception("unhandled error on %s %s", request.method, loggable_path(request))
        request[ERROR_CODE] = INTERNAL_ERROR
        return error_response(500, INTERNAL_ERROR, "服务器内部错误 (internal error)")
