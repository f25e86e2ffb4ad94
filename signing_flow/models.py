"""The aggregates and their parts, as plain dataclasses.

Each aggregate (Account, Session, RegistryProperty, Contract) is stored as one document with a
``version`` used for compare-and-set. ``status`` fields are changed only through the transition
tables in ``states.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    PRACTITIONER = "practitioner"  # 从业人员: drafts and signs contracts
    AGENCY_ADMIN = "agency_admin"  # 中介机构账号: manages practitioners, reads all agency contracts
    CENTER_STAFF = "center_staff"  # 交易管理事务中心: review and window paths
    PARTY = "party"  # a buyer or seller in the mini-program
    SYSTEM = "system"  # scheduled jobs


ROLE_LABELS = {
    Role.PRACTITIONER: "从业人员",
    Role.AGENCY_ADMIN: "中介机构",
    Role.CENTER_STAFF: "交易中心工作人员",
    Role.PARTY: "买卖双方当事人",
    Role.SYSTEM: "系统",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where (for the audit trail)."""

    account_id: str
    role: Role
    agency_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None


SYSTEM_ACTOR = Actor(account_id="system", role=Role.SYSTEM)


@dataclass
class Account:
    id: str
    username: str
    role: Role
    display_name: str
    password_hash: str
    agency_id: str | None = None
    must_change_password: bool = True
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    version: int = 0


@dataclass
class Session:
    """A bearer session; ``id`` is the SHA-256 of the token, never the token."""

    id: str
    account_id: str
    created_at: datetime
    expires_at: datetime
    revoked: bool = False
    version: int = 0


class TransferStatus(StrEnum):
    NONE = "none"
    ACCEPTED = "accepted"  # 不动产已受理
    TRANSFERRED = "transferred"  # 已过户


@dataclass
class Owner:
    name: str
    id_type: str
    id_number: str


@dataclass
class RegistryProperty:
    """A property as the real-estate registry (不动产登记) holds it."""

    id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    owners: list[Owner]
    co_ownership: str | None = None  # None for a sole owner, else "joint" or "shares"
    seized: bool = False  # 查封
    transfer_status: TransferStatus = TransferStatus.NONE
    version: int = 0


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNING = "signing"
    SIGNED = "signed"
    FILED = "filed"
    WINDOW_REVIEW = "window_review"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    DELETED = "deleted"


class Channel(StrEnum):
    ONLINE = "online"  # 存量房合同签订线上
    OFFLINE = "offline"  # 存量房合同签订线下 (window)


class PartyRole(StrEnum):
    SELLER = "seller"  # 甲方
    BUYER = "buyer"  # 乙方


@dataclass
class PropertySnapshot:
    """The registry record as it was when the contract was created."""

    property_id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    owners: list[Owner]


@dataclass
class Party:
    id: str
    role: PartyRole
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    share_bp: int | None = None  # basis points of ownership when co-ownership is by shares


@dataclass
class Applicant:
    """申请人信息."""

    name: str | None = None
    phone: str | None = None


@dataclass
class Evaluation:
    """好差评: level 1 (非常不满意) to 5 (非常满意)."""

    level: int | None = None
    comment: str | None = None


@dataclass
class FundSupervision:
    """资金监管: escrow with a bank, or a joint waiver statement signed by the parties."""

    enabled: bool | None = None
    bank: str | None = None  # "ccb" (建设银行 龙存管, online) or "zsrcb" (农商银行, at a branch)


@dataclass
class AuditEvent:
    seq: int
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str | None
    ip: str | None
    user_agent: str | None
    prev_hash: str
    hash: str
    data: dict[str, Any] = field(default_factory=dict)


class OrderStatus(StrEnum):
    AWAITING_SIGNATURES = "awaiting_signatures"
    COMPLETED = "completed"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DECLINED = "declined"
    FAILED = "failed"


class OrderPurpose(StrEnum):
    FILING = "filing"  # 网签备案
    CANCELLATION = "cancellation"  # 存量房合同注销


class PartyStep(StrEnum):
    PENDING = "pending"
    OPENED = "opened"
    REVIEWED = "reviewed"
    CONFIRMED = "confirmed"
    IDENTITY_VERIFIED = "identity_verified"
    SIGNED = "signed"
    DECLINED = "declined"
    LOCKED = "locked"


@dataclass
class SignatureReceipt:
    """What the platform signed for one party (DESIGN §7); ``payload`` is signed as canonical JSON."""

    payload: dict[str, Any]
    key_id: str
    signature: str
    alg: str = "Ed25519"


@dataclass
class OrderParty:
    """One seller's or buyer's progress through the mini-program for one order."""

    party_id: str
    role: PartyRole
    name: str
    id_type: str
    id_number: str
    step: PartyStep = PartyStep.PENDING
    step_times: dict[str, datetime] = field(default_factory=dict)
    failed_checks: int = 0
    # The QR token is derived from (order, party, qr_serial) with a server secret, so the same
    # token can be shown again without storing it; only its hash is kept.
    qr_serial: int = 0
    qr_token_hash: str | None = None
    qr_expires_at: datetime | None = None
    qr_used: bool = False
    session_hash: str | None = None
    session_expires_at: datetime | None = None
    verified_at: datetime | None = None
    receipt: SignatureReceipt | None = None
    decline_reason: str | None = None


@dataclass
class SigningOrder:
    id: str
    purpose: OrderPurpose
    status: OrderStatus
    created_at: datetime
    expires_at: datetime
    document: str
    document_sha256: str
    parties: list[OrderParty]
    version: int = 1  # bumped on every change of the order; the agent's ETag and long-poll key
    ended_at: datetime | None = None
    reason: str | None = None

    def party(self, party_id: str) -> OrderParty | None:
        return next((p for p in self.parties if p.party_id == party_id), None)


class WindowDocument(StrEnum):
    """What staff upload for one party at the window (guide §3.2 (六), §5)."""

    PHOTO = "photo"  # 现场照片采集 (cancellation)
    POWER_OF_ATTORNEY = "power_of_attorney"  # 经公证的委托书
    MINOR_GUARANTEE = "minor_guarantee"  # 未成年人保证书
    KINSHIP_PROOF = "kinship_proof"  # 户口本或出生证明


@dataclass
class Appearance:
    """How one party took part at the window: in person with a valid ID, or through a proxy."""

    party_id: str
    appeared: bool = False
    id_checked: bool = False  # 有效身份证件原件 seen
    proxy_name: str | None = None
    proxy_id_number: str | None = None
    poa_notarised: bool = False
    poa_names_matter: bool = False  # the notarised POA names this very matter
    father_present: bool = False
    mother_present: bool = False
    documents: dict[str, str] = field(default_factory=dict)  # WindowDocument → file id


@dataclass
class WindowCase:
    """A filing or cancellation handled by center staff at the window."""

    purpose: OrderPurpose
    opened_by: str
    opened_at: datetime
    appearances: list[Appearance]
    in_review: bool = False
    signed_pages: list[str] = field(default_factory=list)  # file ids
    reason: str | None = None  # the cancellation's reason
    rejection: str | None = None  # the last review's reason for sending it back

    def appearance(self, party_id: str) -> Appearance | None:
        return next((a for a in self.appearances if a.party_id == party_id), None)


@dataclass
class Contract:
    id: str
    number: str
    status: ContractStatus
    channel: Channel
    agency_id: str
    practitioner_id: str
    property: PropertySnapshot
    # Set to the property id while the contract is active and to "released:<id>" afterwards:
    # a unique index on it is what keeps a property to one active contract in both stores.
    property_lock: str
    created_at: datetime
    updated_at: datetime
    purge_at: datetime
    sellers: list[Party] = field(default_factory=list)
    buyers: list[Party] = field(default_factory=list)
    co_ownership: str | None = None  # buyers' mode when more than one: "joint" or "shares"
    price_fen: int | None = None
    payment_method: str | None = None
    delivery_date: date | None = None
    applicant: Applicant = field(default_factory=Applicant)
    evaluation: Evaluation = field(default_factory=Evaluation)
    fund_supervision: FundSupervision = field(default_factory=FundSupervision)
    acknowledgements: dict[str, bool] = field(default_factory=dict)
    orders: list[SigningOrder] = field(default_factory=list)
    open_order_id: str | None = None  # the order awaiting signatures or submission, if any
    order_expires_at: datetime | None = None  # copied from the open order, for the expiry sweep
    cancellation_reason: str | None = None
    filed_via: Channel | None = None  # how it was filed: decides how it may be cancelled
    window_case: WindowCase | None = None
    events: list[AuditEvent] = field(default_factory=list)
    version: int = 0

    def order(self, order_id: str) -> SigningOrder | None:
        return next((o for o in self.orders if o.id == order_id), None)

    def parties(self) -> list[Party]:
        return [*self.sellers, *self.buyers]


# ---- agency accounts (中介机构), practitioners (从业人员), unified identity (guide §1) ------------


class AgencyStatus(StrEnum):
    """The agency's enterprise information check (中介服务机构信息核查)."""

    INCOMPLETE = "incomplete"  # 待完善企业信息: opened by staff, the admin fills the information
    SUBMITTED = "submitted"  # 已提交，待审核
    APPROVED = "approved"  # 审核通过: the admin may add practitioners
    REJECTED = "rejected"  # 审核不通过: the admin corrects and submits again


class PractitionerStatus(StrEnum):
    DRAFT = "draft"  # 待提交
    SUBMITTED = "submitted"  # 已提交，待审核
    APPROVED = "approved"  # 审核通过: has a net-sign login
    REJECTED = "rejected"  # 审核不通过
    REMOVED = "removed"  # 已注销: the person may join another agency


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
    """网签系统账号与统一认证账号关联: strictly one-to-one, both fields unique."""

    id: str
    unified_account_id: str
    netsign_account_id: str
    bound_at: datetime
    version: int = 0
