"""Request parsing and response writing shared by every handler."""

from __future__ import annotations

import hmac
import json
import re
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from backend.appkeys import PORTS, SNAPSHOTS
from backend.request_values import user_agent
from signing_flow.errors import (
    FieldProblem,
    Forbidden,
    MalformedRequest,
    NotAuthenticated,
    UnsupportedMediaType,
    ValidationFailed,
)
from signing_flow.roles import Actor
from signing_flow.secrets import token_digest
from signing_flow.usecases.auth import Authenticated, check_session

M = TypeVar("M", bound=BaseModel)
# The console's HttpOnly session cookie and its CSRF double-submit (``backend/console/session.py``).
SESSION_COOKIE = "wangqian_session"
CSRF_COOKIE = "wangqian_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _code(error_type: str) -> str:
    # A field's code is public API: the vocabulary's fields were Literals before they were
    # enums, and their refusals keep the code they had.
    return "LITERAL_ERROR" if error_type == "enum" else error_type.upper()


async def parse_body(request: web.Request, model: type[M]) -> M:
    """The JSON body as ``model``: 415 for another media type, 400 for broken JSON, 422 with
    every invalid field for the rest."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType(
            "请求体须为 JSON (send Content-Type: application/json)",
            details={"content_type": request.content_type},
        )
    raw = await request.read()
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise MalformedRequest(f"请求体不是有效的 JSON (malformed JSON: {exc})") from exc
    except RecursionError as exc:
        raise MalformedRequest("请求体嵌套过深 (JSON nested too deeply)") from exc
    except ValueError as exc:
        # Bytes that are not UTF-8, NaN/Infinity, an integer past Python's 4300-digit limit.
        raise MalformedRequest(
            "请求体不是有效的 JSON (malformed JSON: not UTF-8, NaN, or a number too long)"
        ) from exc
    if not isinstance(data, dict):
        raise MalformedRequest("请求体须为 JSON 对象 (the body must be a JSON object)")
    try:
        # Strict, from the JSON text: `true` or `"5"` is not an integer, `"yes"` not a boolean,
        # a number not a time, as the OpenAPI document says (pydantic's lax mode took them).
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        raise ValidationFailed(
            [
                FieldProblem(_path(err["loc"]), _code(err["type"]), err["msg"])
                for err in exc.errors(include_url=False)
            ]
        ) from exc


async def optional_body(request: web.Request, model: type[M]) -> M:
    """The JSON body, or the model's defaults when the request has no body at all."""
    if not request.can_read_body:
        return model()
    return await parse_body(request, model)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def respond(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        body=model.model_dump_json().encode(),
        status=status,
        content_type="application/json",
    )


# RFC 6750 b64token. aiohttp decodes header bytes that are not UTF-8 to lone surrogates, which
# hashing the token could not encode: refuse anything else here, as no credentials.
_BEARER = re.compile(r"[A-Za-z0-9\-._~+/]{1,512}=*")


def bearer_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _BEARER.fullmatch(token):
        raise NotAuthenticated(
            "请先登录 (send Authorization: Bearer <token>)", code="NOT_AUTHENTICATED"
        )
    return token


def agent_token(request: web.Request) -> str:
    """An agent's credential: the bearer header, else the console's session cookie. A state
    change the cookie authenticates must carry the CSRF cookie's value in ``X-CSRF-Token``
    (403 CSRF_REFUSED): checked here, where the cookie is taken as the credential, so bearer
    clients, logins and the phone's own requests never meet the check."""
    if "Authorization" not in request.headers:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if _BEARER.fullmatch(cookie):
            if request.method not in SAFE_METHODS:
                _check_csrf(request)
            return cookie
    return bearer_token(request)


def _check_csrf(request: web.Request) -> None:
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise Forbidden(
            "请求缺少有效的 CSRF 令牌，请刷新页面后重试 (send the csrf cookie in X-CSRF-Token)",
            code="CSRF_REFUSED",
        )


async def authenticated(
    request: web.Request, *, allow_pending_password_change: bool = False
) -> Authenticated:
    """The session and account behind the agent's token, from this process's snapshots (one
    version read while they are held), checked by the domain's rule."""
    session_id = token_digest(agent_token(request))
    session, account, _ = await request.app[SNAPSHOTS].signed_in(session_id)
    return check_session(
        session,
        account,
        request.app[PORTS].clock.now(),
        allow_pending_password_change=allow_pending_password_change,
    )


async def actor_of(request: web.Request) -> Actor:
    auth = await authenticated(request)
    return auth.actor(ip=request.remote, user_agent=user_agent(request))


async def read_upload(request: web.Request, limit: int) -> bytes:
    """A raw upload body (any declared type: the use case sniffs the bytes). Reads at most one
    byte past ``limit`` so an oversized file is refused without buffering all of it."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await request.content.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
