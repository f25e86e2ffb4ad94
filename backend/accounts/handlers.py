"""/api/v1/auth: login, password change, logout."""

from __future__ import annotations

from aiohttp import web

from backend.accounts.schemas import AccountOut, LoginRequest, LoginResponse, PasswordChangeRequest
from backend.appkeys import PORTS
from backend.http import authenticated, parse_body, respond
from signing_flow.usecases import auth


async def login(request: web.Request) -> web.Response:
    body = await parse_body(request, LoginRequest)
    result = await auth.login(request.app[PORTS], body.username, body.password)
    return respond(
        LoginResponse(
            token=result.token,
            expires_at=result.session.expires_at,
            must_change_password=result.account.must_change_password,
            account=AccountOut.of(result.account),
        )
    )


async def change_password(request: web.Request) -> web.Response:
    current = await authenticated(request, allow_pending_password_change=True)
    body = await parse_body(request, PasswordChangeRequest)
    account = await auth.change_password(
        request.app[PORTS], current, body.old_password, body.new_password
    )
    return respond(AccountOut.of(account))


async def logout(request: web.Request) -> web.Response:
    current = await authenticated(request, allow_pending_password_change=True)
    await auth.logout(request.app[PORTS], current)
    return web.Response(status=204)


async def me(request: web.Request) -> web.Response:
    current = await authenticated(request, allow_pending_password_change=True)
    return respond(AccountOut.of(current.account))
