"""The sandbox unified identity platform (统一身份认证平台), legal-person accounts (guide §1.4.1).

Implements ``signing_flow.ports.UnifiedIdentity``. The real platform registers a legal-person
account (username, password, the enterprise), has the applicant scan a QR code, and upgrades the
account to level 四级 (formerly L2) by checking the electronic business license (电子营业执照核验).
Here ``register`` does all of that at once: the license check passes when the unified social
credit code is valid, unless the integrator asks for an account without it
(``license_verified=False``) to see the binding refused.

Like the net-sign login (``signing_flow.lockout``), five wrong passwords lock an account for 15
minutes, and a locked account is answered like a wrong password or an unknown username.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from signing_flow.agency_models import UnifiedPrincipal
from signing_flow.errors import AlreadyExists, DuplicateKey, FieldProblem, ValidationFailed
from signing_flow.lockout import check_password
from signing_flow.ports import Clock, CollectionSpec, DocumentStore, PasswordHasher
from signing_flow.repository import Repository
from signing_flow.secrets import InlineHasher, new_id
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
    logins_in_flight: int = 0
    login_claimed_at: datetime | None = None
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
    def __init__(
        self, store: DocumentStore, clock: Clock, passwords: PasswordHasher | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._passwords = passwords or InlineHasher()

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
            password_hash=await self._passwords.hash(password),
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
        account = await check_password(
            repo, found[0] if found else None, password, self._passwords, self._clock
        )
        return account.principal() if account is not None else None
