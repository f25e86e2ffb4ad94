"""Net-sign account ⇄ unified identity account (guide §1.4): binding and login through it.

The guide: a unified legal-person account is linked to exactly one net-sign account and a
net-sign account to exactly one unified account (so every practitioner registers its own). The
link is made by logging in to the unified platform and then entering the net-sign username and
password (关联本地用户); afterwards the unified login opens the net-sign system directly.
"""

from __future__ import annotations

from signing_flow.agency_models import UnifiedBinding, UnifiedPrincipal
from signing_flow.errors import (
    AlreadyExists,
    DuplicateKey,
    Forbidden,
    InvalidState,
    NotAuthenticated,
)
from signing_flow.models import Account
from signing_flow.ports import Ports
from signing_flow.repository import accounts, agencies, unified_bindings
from signing_flow.roles import Role
from signing_flow.secrets import new_id
from signing_flow.usecases.auth import Authenticated, LoginResult, login, logout, start_session

BINDABLE_ROLES = (Role.AGENCY_ADMIN, Role.PRACTITIONER)


async def _principal(ports: Ports, username: str, password: str) -> UnifiedPrincipal:
    principal = await ports.unified_identity.authenticate(username, password)
    if principal is None:
        raise NotAuthenticated(
            "统一认证账号或密码错误，或账号已锁定 15 分钟 "
            "(wrong unified account username or password, or the account is locked)",
            code="UNIFIED_INVALID_CREDENTIALS",
        )
    return principal


def _unified_taken() -> AlreadyExists:
    return AlreadyExists(
        "该统一认证账号已关联其他网签账号，一个统一认证账号只能关联一个网签账号 "
        "(this unified account is already bound to a net-sign account)",
        code="UNIFIED_ACCOUNT_ALREADY_BOUND",
    )


def _netsign_taken() -> AlreadyExists:
    return AlreadyExists(
        "该网签账号已关联统一认证账号，每个网签账号须另外注册一个统一认证账号 "
        "(this net-sign account is already bound to a unified account)",
        code="NETSIGN_ACCOUNT_ALREADY_BOUND",
    )


async def bind_unified_account(
    ports: Ports,
    *,
    unified_username: str,
    unified_password: str,
    username: str,
    password: str,
) -> LoginResult:
    """关联本地用户: check both logins, link them, and log in (the guide's automatic jump into
    the net-sign system). The net-sign password is checked like a login (lock-out included).
    An agency admin's username (the company name) and initial password 123456 are public, so
    a binding needs the password changed first and the unified account's enterprise to be the
    agency itself; otherwise any verified unified account could take a fresh account for good."""
    principal = await _principal(ports, unified_username, unified_password)
    if not principal.license_verified:
        raise InvalidState(
            "统一认证账号须先完成「电子营业执照核验」升级后才能关联 "
            "(verify the account with the electronic business license first)",
            current="unverified",
            allowed=["license_verification"],
            code="UNIFIED_ACCOUNT_NOT_VERIFIED",
        )
    bindings = unified_bindings(ports.store)
    if await bindings.find({"unified_account_id": principal.id}, limit=1):
        raise _unified_taken()
    result = await login(ports, username, password)
    auth = Authenticated(account=result.account, session=result.session)
    if result.account.role not in BINDABLE_ROLES:
        await logout(ports, auth)
        raise Forbidden(
            "只有中介机构账号和从业人员账号可以关联统一认证账号 "
            "(only agency and practitioner accounts bind unified accounts)",
            code="ROLE_NOT_ALLOWED",
        )
    try:
        await _ensure_bindable(ports, principal, result.account)
    except Exception:
        await logout(ports, auth)
        raise
    binding = UnifiedBinding(
        id=new_id(),
        unified_account_id=principal.id,
        netsign_account_id=result.account.id,
        bound_at=ports.clock.now(),
    )
    try:
        # Both fields are unique: this one insert decides a race from either side.
        await bindings.insert(binding)
    except DuplicateKey as exc:
        await logout(ports, auth)
        if exc.key == "unified_account_id":
            raise _unified_taken() from exc
        if exc.key == "netsign_account_id":
            raise _netsign_taken() from exc
        if await bindings.find({"unified_account_id": principal.id}, limit=1):
            raise _unified_taken() from exc
        raise _netsign_taken() from exc
    return result


async def _ensure_bindable(ports: Ports, principal: UnifiedPrincipal, account: Account) -> None:
    if account.must_change_password:
        raise InvalidState(
            "请先用初始密码登录网签系统并修改密码，再关联统一认证账号 "
            "(change the initial net-sign password before binding)",
            current="must_change_password",
            allowed=["change_password"],
            code="BINDING_NEEDS_PASSWORD_CHANGE",
        )
    # The unified platform answers no person, only the enterprise: a practitioner's account is
    # registered for its agency too (guide §1.4.2), so both roles match the agency's name.
    agency = await agencies(ports.store).get(account.agency_id or "")
    if agency is None or principal.enterprise_name.strip() != agency.name.strip():
        raise Forbidden(
            "统一认证账号的企业名称与该网签账号所属中介机构的登记名称不一致 "
            "(the unified account's enterprise is not this account's agency)",
            code="UNIFIED_ENTERPRISE_MISMATCH",
        )


async def release_bindings(ports: Ports, netsign_account_id: str) -> None:
    """Unbind a net-sign account (its password was reset: whoever bound it may not keep a
    passwordless way in). Both ids move under ``released:`` so that each side may bind anew."""
    repo = unified_bindings(ports.store)
    for binding in await repo.find({"netsign_account_id": netsign_account_id}):
        prefix = f"released:{binding.id}:"
        binding.unified_account_id = prefix + binding.unified_account_id
        binding.netsign_account_id = prefix + binding.netsign_account_id
        binding.released_at = ports.clock.now()
        await repo.save(binding)


async def unified_login(ports: Ports, username: str, password: str) -> LoginResult:
    """统一认证登录: the unified account's credentials open a session of its net-sign account."""
    principal = await _principal(ports, username, password)
    found = await unified_bindings(ports.store).find({"unified_account_id": principal.id}, limit=1)
    if not found:
        raise InvalidState(
            "该统一认证账号尚未关联网签账号，请先关联本地用户 "
            "(bind this unified account to a net-sign account first)",
            current="unbound",
            allowed=["bind"],
            code="UNIFIED_ACCOUNT_NOT_BOUND",
        )
    account = await accounts(ports.store).get(found[0].netsign_account_id)
    if account is None or account.disabled:
        raise NotAuthenticated("账号已停用 (this account is disabled)", code="ACCOUNT_DISABLED")
    return await start_session(ports, account)
