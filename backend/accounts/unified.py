"""/api/v1/auth/unified-*: binding a unified identity account and logging in through it."""

from __future__ import annotations

from aiohttp import web

from backend.accounts.schemas import (
    AccountOut,
    LoginResponse,
    UnifiedBindingRequest,
    UnifiedLoginRequest,
)
from backend.appkeys import PORTS
from backend.http import parse_body, respond
from signing_flow.usecases import unified
from signing_flow.usecases.auth import LoginResult


def _login_response(result: LoginResult) -> LoginResponse:
    return LoginResponse(
        token=result.token,
        expires_at=result.session.expires_at,
        must_change_password=result.account.must_change_password,
        account=AccountOut.of(result.account),
    )


async def bind(request: web.Request) -> web.Response:
    body = await parse_body(request, UnifiedBindingRequest)
    result = await unified.bind_unified_account(
        request.app[PORTS],
        unified_username=body.unified_username,
        unified_password=body.unified_password,
        username=body.username,
        password=body.password,
    )
    return respond(_login_response(result), 201)


async def login(request: web.Request) -> web.Response:
    body = await parse_body(request, UnifiedLoginRequest)
    result = await unified.unified_login(request.app[PORTS], body.username, body.password)
    return respond(_login_response(result))
