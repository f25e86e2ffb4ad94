"""The sandbox unified identity platform (统一身份认证平台), legal-person accounts (guide §1.4.1).

Implements ``signing_flow.ports.UnifiedIdentity``. The real platform registers a legal-person
account (username, password, the enterprise), has the applicant scan a QR code, and upgrades the
account to level 四级 (formerly L2) by checking the electronic business license (电子营业执照核验).
Here ``register`` does all of that at once: the license check passes when the unified social
credit code is valid, unless the integrator asks for an account without it
(``license_verified=False``) to see the binding refused.

Like the net-sign login, five wrong passwords lock an account for 15 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from signing_flow.errors import (
    AlreadyExists,
    DuplicateKey,
    FieldProblem,
    TooManyAttempts,
    ValidationFailed,
)
from signing_flow.lockout import count_failed_login, verify_for_unknown_user
from signing_flow.models import UnifiedPrincipal
from signing_flow.ports import Clock, CollectionSpec, DocumentStore
from signing_flow.repository import Repository, with_retries
from signing_flow.secrets import hash_password, new_id, verify_password
from signing_flow.validators import check_uscc

COLLECTION = "unified_accounts"
SPEC = CollectionSpec(unique=("username",))


@dataclass
class UnifiedAccount:
    id: str
    username: str
    password_hash: str
    applicant_name: str
    enterprise_name: str
    uscc: str
    license_verified: bool
    registered_at: datetime
    failed_logins: int = 0
    locked_until: datetime | None = None
    version: int = 0

    def principal(self) -> UnifiedPrincipal:
        return UnifiedPrincipal(
            id=self.id,
            username=self.username,
            enterprise_name=self.enterprise_name,
            license_verified=self.license_verified,
        )


def unified_accounts(store: DocumentStore) -> Repository[UnifiedAccount]:
    return Repository(store, COLLECTION, UnifiedAccount)


class SandboxUnifiedIdentity:
    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def register(
        self,
        *,
        username: str,
        password: str,
        applicant_name: str,
        enterprise_name: str,
        uscc: str,
        license_verified: bool = True,
    ) -> UnifiedAccount:
        problems = []
        if reason := check_uscc(uscc):
            problems.append(FieldProblem("uscc", "INVALID", f"统一社会信用代码有误 ({reason})"))
        if len(password) < 8:
            problems.append(FieldProblem("password", "TOO_SHORT", "至少 8 位 (at least 8)"))
        if problems:
            raise ValidationFailed(problems)
        account = UnifiedAccount(
            id=new_id(),
            username=username,
            password_hash=hash_password(password),
            applicant_name=applicant_name,
            enterprise_name=enterprise_name,
            uscc=uscc.strip().upper(),
            license_verified=license_verified,
            registered_at=self._clock.now(),
        )
        try:
            await unified_accounts(self._store).insert(account)
        except DuplicateKey as exc:
            raise AlreadyExists(
                "该统一认证账号名已被注册 (this unified account username is taken)",
                code="UNIFIED_USERNAME_TAKEN",
            ) from exc
        return account

    async def authenticate(self, username: str, password: str) -> UnifiedPrincipal | None:
        repo = unified_accounts(self._store)
        found = await repo.find({"username": username}, limit=1)
        if not found:
            verify_for_unknown_user(password)
            return None
        account = found[0]
        now = self._clock.now()
        if account.locked_until is not None and account.locked_until > now:
            raise TooManyAttempts(
                "统一认证账号密码错误次数过多，已锁定 15 分钟 "
                "(too many failed logins on the unified account; try again later)",
                code="UNIFIED_ACCOUNT_LOCKED",
                details={"locked_until": account.locked_until.isoformat()},
            )
        if not verify_password(password, account.password_hash):
            await with_retries(lambda: count_failed_login(repo, account.id, now))
            return None
        if account.failed_logins:
            account.failed_logins, account.locked_until = 0, None
            await repo.save(account)
        return account.principal()
