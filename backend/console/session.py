"""The console's cookie session and its CSRF check.

Three ways in, each answering the same body and setting the same cookies: the net-sign login,
the unified identity login and the unified binding (关联本地用户), which signs in as it binds.

The console calls the same ``/api/v1`` routes as any client; only the credential differs. Its
login (``POST /console/session``) answers no token: it sets the session token as an HttpOnly,
SameSite=Strict cookie (Secure over https), so no script of the page can read it, and a second
cookie with a random CSRF token the page *can* read. ``backend.http.agent_token`` takes the
bearer header first and the session cookie otherwise.

CSRF is double-submit (``backend.http.agent_token``): a state-changing request authenticated
by the cookie must carry the CSRF cookie's value in ``X-CSRF-Token``. Another site can make
the browser send the cookies (were SameSite ever relaxed) but cannot read them, so it cannot
set the header. A request with an ``Authorization`` header is not cookie-authenticated and is
left alone: bearer clients, logins and the phone's requests never meet the check.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from aiohttp import web

from backend.accounts.schemas import (
    AccountOut,
    LoginRequest,
    UnifiedBindingRequest,
    UnifiedLoginRequest,
)
from backend.appkeys import PORTS, SETTINGS
from backend.http import CSRF_COOKIE, SESSION_COOKIE, authenticated, parse_body
from signing_flow.errors import DomainError
from signing_flow.usecases import auth, unified
from signing_flow.usecases.auth import LoginResult


def _secure(request: web.Request) -> bool:
    return request.secure or request.app[SETTINGS].public_base_url.startswith("https://")


def _set_cookies(response: web.Response, request: web.Request, token: str, until: datetime) -> None:
    secure = _secure(request)
    max_age = max(0, int((until - request.app[PORTS].clock.now()).total_seconds()))
    common = {"path": "/", "samesite": "Strict", "secure": secure, "max_age": max_age}
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), **common)  # type: ignore[arg-type]


def _clear_cookies(response: web.Response) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.del_cookie(name, path="/")


def _signed_in(request: web.Request, result: LoginResult, status: int = 200) -> web.Response:
    answer = {
        "account": AccountOut.of(result.account).model_dump(mode="json"),
        "must_change_password": result.account.must_change_password,
        "expires_at": result.session.expires_at.isoformat(),
    }
    response = web.json_response(answer, status=status)
    _set_cookies(response, request, result.token, result.session.expires_at)
    return response


async def login(request: web.Request) -> web.Response:
    """登录: the session goes into the cookie, never into the answer."""
    body = await parse_body(request, LoginRequest)
    return _signed_in(request, await auth.login(request.app[PORTS], body.username, body.password))


async def unified_login(request: web.Request) -> web.Response:
    """统一认证登录, as ``POST /api/v1/auth/unified-login`` but into the cookie."""
    body = await parse_body(request, UnifiedLoginRequest)
    result = await unified.unified_login(request.app[PORTS], body.username, body.password)
    return _signed_in(request, result)


async def unified_binding(request: web.Request) -> web.Response:
    """关联本地用户, as ``POST /api/v1/auth/unified-bindings`` but into the cookie: the
    binding signs the net-sign account in, which may then have to change its password."""
    body = await parse_body(request, UnifiedBindingRequest)
    result = await unified.bind_unified_account(
        request.app[PORTS],
        unified_username=body.unified_username,
        unified_password=body.unified_password,
        username=body.username,
        password=body.password,
    )
    return _signed_in(request, result, 201)


async def logout(request: web.Request) -> web.Response:
    """退出登录: the session is revoked if it is still good; the cookies go either way."""
    try:
        current = await authenticated(request, allow_pending_password_change=True)
    except DomainError:
        pass  # no session, an ended one, or no CSRF token: nothing to revoke here
    else:
        await auth.logout(request.app[PORTS], current)
    response = web.Response(status=204)
    _clear_cookies(response)
    return response
