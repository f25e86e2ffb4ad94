"""The aggregates of the agency side (guide §1): agency accounts (中介机构) with their enterprise
information check, practitioners (从业人员), and the binding of net-sign accounts to the unified
identity platform (统一身份认证平台)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from signing_flow.roles import Actor, Role
from signing_flow.states import AGENCY, PRACTITIONER, agency_offers, practitioner_offers
from signing_flow.vocabulary import (
    AgencyAction,
    AgencyStatus,
    PractitionerAction,
    PractitionerStatus,
)


@dataclass
class Material:
    """收件材料: named and saved first, then one image uploaded (guide §1.2 (二))."""

    id: str
    name: str
    saved: bool = False
    file_id: str | None = None
    content_type: str | None = None
    size: int | None = None
    uploaded_at: datetime | None = None


@dataclass
class ReviewRecord:
    """One step of a submission and its review: submit (with 提交意见), approve, reject, …"""

    action: str
    actor_id: str
    actor_role: str
    at: datetime
    comment: str | None = None


@dataclass
class EnterpriseInfo:
    """企业信息, as on the business license (营业执照)."""

    full_name: str
    uscc: str  # 统一社会信用代码
    legal_representative: str
    address: str
    business_term_to: date  # 营业期限 (end)
    qualification_valid_to: date  # 资质有效期; the business term when there is no certificate
    business_term_from: date | None = None
    qualification_cert_no: str | None = None  # 资质证书编号, optional


@dataclass
class Agency:
    id: str
    name: str
    filing_no: str  # 备案编号 of the paper application, recorded by staff (unique)
    admin_account_id: str
    status: AgencyStatus
    opened_by: str
    opened_at: datetime
    updated_at: datetime
    info: EnterpriseInfo | None = None
    materials: list[Material] = field(default_factory=list)
    history: list[ReviewRecord] = field(default_factory=list)
    version: int = 0

    def allowed_actions(self, role: Role) -> list[str]:
        """What a caller of ``role`` can do with this agency now (``states.agency_offers``)."""
        return agency_offers(self.status, role)

    def ensure_can(self, action: AgencyAction, actor: Actor) -> None:
        """AGENCY_STATE_CONFLICT (409), naming what ``actor`` could take, unless the state
        allows ``action``."""
        AGENCY.ensure(self.status, action, lambda: self.allowed_actions(actor.role))

    def apply(
        self, action: AgencyAction, actor: Actor, at: datetime, comment: str | None = None
    ) -> None:
        """Move along the table; every step but an edit is kept in the history."""
        AGENCY.apply(self, action)
        self.updated_at = at
        if action is not AgencyAction.EDIT:
            self.history.append(
                ReviewRecord(str(action), actor.account_id, actor.role.value, at, comment)
            )


@dataclass
class Practitioner:
    id: str
    agency_id: str
    name: str
    id_number: str
    phone: str
    status: PractitionerStatus
    # The ID number while the person belongs to this agency, "released:<id>" once removed: a
    # unique index on it keeps one person to one agency at a time in both stores.
    person_lock: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    materials: list[Material] = field(default_factory=list)
    history: list[ReviewRecord] = field(default_factory=list)
    account_id: str | None = None  # the net-sign login, created on approval
    username: str | None = None
    approved_at: datetime | None = None
    version: int = 0

    def allowed_actions(self, role: Role, *, account_disabled: bool | None = None) -> list[str]:
        """What a caller of ``role`` can do with this practitioner now
        (``states.practitioner_offers``); ``account_disabled``: its login's, where known."""
        return practitioner_offers(self.status, role, account_disabled=account_disabled)

    def ensure_can(self, action: PractitionerAction, actor: Actor) -> None:
        """PRACTITIONER_STATE_CONFLICT (409), naming what ``actor`` could take, unless the
        state allows ``action``."""
        PRACTITIONER.ensure(self.status, action, lambda: self.allowed_actions(actor.role))

    def apply(
        self, action: PractitionerAction, actor: Actor, at: datetime, comment: str | None = None
    ) -> None:
        """Move along the table; removal releases the person for another agency."""
        PRACTITIONER.apply(self, action)
        self.updated_at = at
        if self.status is PractitionerStatus.REMOVED:
            self.person_lock = f"released:{self.id}"
        if action is not PractitionerAction.EDIT:
            self.history.append(
                ReviewRecord(str(action), actor.account_id, actor.role.value, at, comment)
            )


@dataclass(frozen=True)
class UnifiedPrincipal:
    """A legal-person account of the unified identity platform (统一身份认证平台), as it answers
    a successful login."""

    id: str
    username: str
    enterprise_name: str
    license_verified: bool  # 电子营业执照核验 done (level 四级, formerly L2)


@dataclass
class UnifiedBinding:
    """网签系统账号与统一认证账号关联: strictly one-to-one, both fields unique. A released
    binding (a password reset) keeps its record, its two ids moved under ``released:`` so that
    both sides may bind again (the store deletes nothing)."""

    id: str
    unified_account_id: str
    netsign_account_id: str
    bound_at: datetime
    released_at: datetime | None = None
    version: int = 0
