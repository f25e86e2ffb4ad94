"""Login, sessions and passwords (DESIGN §9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from signing_flow.errors import FieldProblem, Forbidden, NotAuthenticated, ValidationFailed
from signing_flow.lockout import check_password
from signing_flow.models import Account, Session
from signing_flow.ports import Ports
from signing_flow.repository import accounts, sessions, with_retries
from signing_flow.roles import Actor
from signing_flow.secrets import new_token, token_digest

INITIAL_PASSWORD = "123456"  # the guide's initial password; it must be changed at first login


@dataclass(frozen=True)
class LoginResult:
    token: str
    session: Session
    account: Account


@dataclass(frozen=True)
class Authenticated:
    account: Account
    session: Session

    def actor(self, ip: str | None = None, user_agent: str | None = None) -> Actor:
        return Actor(
            account_id=self.account.id,
            role=self.account.role,
            agency_id=self.account.agency_id,
            ip=ip,
            user_agent=user_agent,
        )


async def login(ports: Ports, username: str, password: str) -> LoginResult:
    """A session for the right password. A wrong password, an unknown username and a locked
    account get the same answer (``signing_flow.lockout``)."""
    repo = accounts(ports.store)
    found = await repo.find({"username": username}, limit=1)
    account = await check_password(
        repo, found[0] if found else None, password, ports.passwords, ports.clock
    )
    if account is None:
        raise _bad_credentials()
    if account.disabled:
        raise NotAuthenticated("账号已停用 (this account is disabled)", code="ACCOUNT_DISABLED")
    return await start_session(ports, account)


async def start_session(ports: Ports, account: Account) -> LoginResult:
    """A new bearer session for an account whose credentials were just checked."""
    now = ports.clock.now()
    token = new_token()
    session = Session(
        id=token_digest(token),
        account_id=account.id,
        created_at=now,
        expires_at=now + timedelta(seconds=ports.lifetimes.agent_session),
    )
    await sessions(ports.store).insert(session)
    return LoginResult(token=token, session=session, account=account)


def _bad_credentials() -> NotAuthenticated:
    return NotAuthenticated(
        "用户名或密码错误，或因连续 5 次密码错误账号已锁定 15 分钟 "
        "(wrong username or password, or the account is locked for 15 minutes after 5 failures)",
        code="INVALID_CREDENTIALS",
    )


def check_session(
    session: Session | None,
    account: Account | None,
    now: datetime,
    *,
    allow_pending_password_change: bool = False,
) -> Authenticated:
    """Who a bearer session speaks for at ``now``, or why it may not: the session must be
    known, unrevoked and unexpired, its account enabled, and an account still on its initial
    password may only change it (and log out) until it does. The caller reads the session (by
    the token's digest) and its account; the backend reads them from its snapshots
    (``backend.storage.snapshots``), so a logout or a disabled account counts at once."""
    if session is None or session.revoked or session.expires_at <= now:
        raise NotAuthenticated(
            "登录已失效，请重新登录 (the session is unknown, expired or ended)",
            code="SESSION_INVALID",
        )
    if account is None or account.disabled:
        raise NotAuthenticated("账号已停用 (this account is disabled)", code="ACCOUNT_DISABLED")
    if account.must_change_password and not allow_pending_password_change:
        raise Forbidden(
            "首次登录请先修改初始密码 (change the initial password first: POST /api/v1/auth/password)",
            code="PASSWORD_CHANGE_REQUIRED",
        )
    return Authenticated(account=account, session=session)


async def logout(ports: Ports, auth: Authenticated) -> None:
    await _revoke(ports, auth.session.id)


async def change_password(
    ports: Ports, auth: Authenticated, old_password: str, new_password: str
) -> Account:
    """Set a new password; every other session of the account ends."""
    problems = []
    if not await ports.passwords.verify(old_password, auth.account.password_hash):
        problems.append(FieldProblem("old_password", "MISMATCH", "原密码不正确 (wrong password)"))
    problems += [FieldProblem("new_password", code, msg) for code, msg in _weaknesses(new_password)]
    if new_password == old_password:
        problems.append(
            FieldProblem("new_password", "UNCHANGED", "新密码不能与原密码相同 (must differ)")
        )
    if problems:
        raise ValidationFailed(problems)

    password_hash = await ports.passwords.hash(new_password)

    async def update() -> Account:
        account = await accounts(ports.store).get(auth.account.id)
        assert account is not None
        account.password_hash = password_hash
        account.must_change_password = False
        await accounts(ports.store).save(account)
        return account

    account = await with_retries(update)
    others = await sessions(ports.store).find({"account_id": account.id, "revoked": False})
    for other in others:
        if other.id != auth.session.id:
            await _revoke(ports, other.id)
    return account


def _weaknesses(password: str) -> list[tuple[str, str]]:
    found = []
    if len(password) < 8:
        found.append(("TOO_SHORT", "至少 8 位 (at least 8 characters)"))
    if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
        found.append(("TOO_SIMPLE", "须同时包含字母和数字 (letters and digits)"))
    return found


async def _revoke(ports: Ports, session_id: str) -> None:
    async def revoke() -> None:
        repo = sessions(ports.store)
        session = await repo.get(session_id)
        if session is not None and not session.revoked:
            session.revoked = True
            await repo.save(session)

    await with_retries(revoke)
