"""Request and response bodies (pydantic, at the boundary only) and their conversions.

The OpenAPI document is generated from these same classes (``backend/openapi.py``).
Request models check types and shapes; the rules of the guide live in ``signing_flow``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from signing_flow.audit import public_view
from signing_flow.codec import to_doc
from signing_flow.contract_rules import (
    BANKS,
    CO_OWNERSHIP,
    EVALUATION_LEVELS,
    ID_TYPES,
    PAYMENT_METHODS,
)
from signing_flow.models import (
    ROLE_LABELS,
    Account,
    Applicant,
    Channel,
    Contract,
    Evaluation,
    FundSupervision,
    OrderParty,
    OrderPurpose,
    Party,
    PartyRole,
    RegistryProperty,
    SigningOrder,
)
from signing_flow.roles import Role
from signing_flow.states import NEXT_STEP
from signing_flow.usecases.contracts import TODO_NEXT_STEP
from signing_flow.usecases.properties import PropertyLookup
from signing_flow.usecases.window import AppearanceInput
from signing_flow.validators import mask_id_number
from signing_flow.vocabulary import CONTRACT_LABELS, ORDER_LABELS, PARTY_LABELS

IdType = Literal[
    "resident_id",
    "hmt_residence_permit",
    "hk_macao_pass",
    "taiwan_pass",
    "passport",
    "foreign_permanent_residence",
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


PARTY_ROLE_LABELS = {PartyRole.SELLER: "甲方（卖方）", PartyRole.BUYER: "乙方（买方）"}
PURPOSE_LABELS = {OrderPurpose.FILING: "网签备案", OrderPurpose.CANCELLATION: "注销网签备案"}


# ---- requests ----------------------------------------------------------------------------


class LoginRequest(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordChangeRequest(Body):
    old_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class PropertyLookupBody(Body):
    """By 房产证号/不动产权证号 + an owner's ID number, or by 不动产单元号 + an owner's name."""

    cert_no: str | None = Field(
        default=None, max_length=64, examples=["粤（2021）中山市不动产权第0123456号"]
    )
    owner_id_number: str | None = Field(default=None, max_length=32)
    first_gen_id: bool = Field(
        default=False,
        description="勾选：产权证书上的证件号码为一代身份证（15 位）。否则不要勾选。",
    )
    unit_no: str | None = Field(default=None, max_length=40)
    owner_name: str | None = Field(default=None, max_length=64)

    def to_domain(self) -> PropertyLookup:
        return PropertyLookup(**self.model_dump())


class PartyBody(Body):
    """One person per entry (每一格只能填写一个人的信息)."""

    name: str | None = Field(default=None, max_length=64)
    id_type: IdType | None = None
    id_number: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=20)
    share_bp: int | None = Field(default=None, description="按份共有的份额，万分比 (1–9999)")


class ApplicantBody(Body):
    name: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=20)


class EvaluationBody(Body):
    level: int | None = Field(default=None, ge=1, le=5, description="1 非常不满意 … 5 非常满意")
    comment: str | None = Field(default=None, max_length=500)


class FundSupervisionBody(Body):
    enabled: bool | None = None
    bank: Literal["ccb", "zsrcb"] | None = None


class ContractFields(Body):
    """The fields an agent fills in; all optional while drafting, checked on submit."""

    channel: Literal["online", "offline"] | None = None
    sellers: list[PartyBody] | None = Field(default=None, max_length=20)
    buyers: list[PartyBody] | None = Field(default=None, max_length=20)
    co_ownership: Literal["joint", "shares"] | None = None
    price_fen: int | None = Field(default=None, ge=0, description="成交价，单位：分")
    payment_method: Literal["lump_sum", "installment", "mortgage"] | None = None
    delivery_date: date | None = None
    applicant: ApplicantBody | None = None
    evaluation: EvaluationBody | None = None
    fund_supervision: FundSupervisionBody | None = None
    acknowledgements: (
        dict[Literal["parties_consent", "information_accurate", "deadline_known"], bool] | None
    ) = None

    def changes(self) -> dict[str, Any]:
        """The fields the request named, converted to domain values (PATCH semantics)."""
        out: dict[str, Any] = {}
        for name in self.model_fields_set & ContractFields.model_fields.keys():
            value = getattr(self, name)
            if name == "channel":
                value = Channel(value) if value is not None else Channel.ONLINE
            elif name in ("sellers", "buyers"):
                role = PartyRole.SELLER if name == "sellers" else PartyRole.BUYER
                value = [Party(id="", role=role, **p.model_dump()) for p in value or []]
            elif name == "applicant":
                value = Applicant(**value.model_dump()) if value else Applicant()
            elif name == "evaluation":
                value = Evaluation(**value.model_dump()) if value else Evaluation()
            elif name == "fund_supervision":
                value = FundSupervision(**value.model_dump()) if value else FundSupervision()
            elif name == "acknowledgements":
                value = dict(value or {})
            out[name] = value
        return out


class ContractCreateRequest(ContractFields):
    property: PropertyLookupBody


# ---- responses ---------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class ErrorResponse(BaseModel):
    error: ErrorDetail


class AccountOut(BaseModel):
    id: str
    username: str
    role: str
    role_label: str
    display_name: str
    agency_id: str | None
    must_change_password: bool

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        return cls(
            id=a.id,
            username=a.username,
            role=a.role.value,
            role_label=ROLE_LABELS[a.role],
            display_name=a.display_name,
            agency_id=a.agency_id,
            must_change_password=a.must_change_password,
        )


class LoginResponse(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime
    must_change_password: bool
    account: AccountOut


class OwnerOut(BaseModel):
    name: str
    id_type: str
    id_type_label: str
    id_number_masked: str


class PropertyOut(BaseModel):
    id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    owners: list[OwnerOut]
    co_ownership: str | None
    co_ownership_label: str | None

    @classmethod
    def of(cls, p: RegistryProperty) -> PropertyOut:
        return cls(
            id=p.id,
            cert_no=p.cert_no,
            unit_no=p.unit_no,
            address=p.address,
            area_m2=p.area_m2,
            owners=[
                OwnerOut(
                    name=o.name,
                    id_type=o.id_type,
                    id_type_label=ID_TYPES.get(o.id_type, o.id_type),
                    id_number_masked=mask_id_number(o.id_number),
                )
                for o in p.owners
            ],
            co_ownership=p.co_ownership,
            co_ownership_label=CO_OWNERSHIP.get(p.co_ownership or ""),
        )


class VerifyPropertyResponse(BaseModel):
    verified: Literal[True] = True
    property: PropertyOut


class PartyOut(BaseModel):
    id: str
    role: str
    role_label: str
    name: str | None
    id_type: str | None
    id_type_label: str | None
    id_number: str | None
    phone: str | None
    share_bp: int | None


class EventOut(BaseModel):
    """An audit event as anyone who may read the contract sees it (``audit.public_view``):
    every field the v2 digest covers, verbatim. docs/audit.md says how to check the chain."""

    id: str
    type: str
    seq: int
    at: str = Field(
        json_schema_extra={"format": "date-time"},
        description="UTC, always YYYY-MM-DDTHH:MM:SS.ffffff+00:00: the text the digest covers",
    )
    actor_id: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str | None
    data: dict[str, Any]
    prev_hash: str
    client_sha256: str | None = Field(
        description="v2: SHA-256 commitment to the caller's IP and user agent (not served)"
    )
    digest_v: int = Field(description="2: hash covers every field served; 1: older events")
    hash: str


class OrderRef(BaseModel):
    id: str
    purpose: str
    purpose_label: str
    status: str
    status_label: str
    created_at: datetime

    @classmethod
    def of(cls, o: SigningOrder) -> OrderRef:
        return cls(
            id=o.id,
            purpose=o.purpose.value,
            purpose_label=PURPOSE_LABELS[o.purpose],
            status=o.status.value,
            status_label=ORDER_LABELS[o.status],
            created_at=o.created_at,
        )


class ContractOut(BaseModel):
    id: str
    number: str
    status: str
    status_label: str
    allowed_actions: list[str]
    channel: str
    channel_label: str
    agency_id: str
    practitioner_id: str
    property: dict[str, Any]
    sellers: list[PartyOut]
    buyers: list[PartyOut]
    co_ownership: str | None
    co_ownership_label: str | None
    price_fen: int | None
    payment_method: str | None
    payment_method_label: str | None
    delivery_date: date | None
    applicant: dict[str, Any]
    evaluation: dict[str, Any]
    evaluation_label: str | None
    fund_supervision: dict[str, Any]
    fund_supervision_label: str | None
    acknowledgements: dict[str, bool]
    created_at: datetime
    updated_at: datetime
    purge_at: datetime | None = Field(
        description="未完成电子签名或备案时自动删除的时间；已签字、备案、注销或删除后为 null"
    )
    filed_via: str | None
    cancellation_reason: str | None
    window_case: dict[str, Any] | None
    version: int
    orders: list[OrderRef] = Field(
        description="签名订单，按生成顺序（GET /api/v1/signing-orders/{id}）"
    )
    open_order_id: str | None = Field(description="待签字或待提交的订单；没有则为 null")
    events: list[EventOut]

    @classmethod
    def of(cls, c: Contract, viewer: Role) -> ContractOut:
        """The contract as ``viewer`` sees it: ``allowed_actions`` are the ones it can take."""
        fund = c.fund_supervision
        fund_label = None
        if fund.enabled is not None:
            fund_label = (
                BANKS.get(fund.bank or "", "")
                if fund.enabled
                else "不监管（签署自愿放弃资金监管共同声明）"
            )
        return cls(
            id=c.id,
            number=c.number,
            status=c.status.value,
            status_label=CONTRACT_LABELS[c.status],
            allowed_actions=c.allowed_actions(viewer),
            channel=c.channel.value,
            channel_label="线上" if c.channel is Channel.ONLINE else "线下（窗口办理）",
            agency_id=c.agency_id,
            practitioner_id=c.practitioner_id,
            property={
                "property_id": c.property.property_id,
                "cert_no": c.property.cert_no,
                "unit_no": c.property.unit_no,
                "address": c.property.address,
                "area_m2": c.property.area_m2,
            },
            sellers=[_party_out(p) for p in c.sellers],
            buyers=[_party_out(p) for p in c.buyers],
            co_ownership=c.co_ownership,
            co_ownership_label=CO_OWNERSHIP.get(c.co_ownership or ""),
            price_fen=c.price_fen,
            payment_method=c.payment_method,
            payment_method_label=PAYMENT_METHODS.get(c.payment_method or ""),
            delivery_date=c.delivery_date,
            applicant={"name": c.applicant.name, "phone": c.applicant.phone},
            evaluation={"level": c.evaluation.level, "comment": c.evaluation.comment},
            evaluation_label=EVALUATION_LEVELS.get(c.evaluation.level or 0),
            fund_supervision={"enabled": fund.enabled, "bank": fund.bank},
            fund_supervision_label=fund_label,
            acknowledgements=c.acknowledgements,
            created_at=c.created_at,
            updated_at=c.updated_at,
            purge_at=c.purge_deadline(),
            filed_via=c.filed_via.value if c.filed_via else None,
            cancellation_reason=c.cancellation_reason,
            window_case=to_doc(c.window_case) if c.window_case else None,
            version=c.version,
            orders=[OrderRef.of(o) for o in c.orders],
            open_order_id=c.open_order_id,
            events=[EventOut(**public_view(ev)) for ev in c.events],
        )


def _party_out(p: Party) -> PartyOut:
    return PartyOut(
        id=p.id,
        role=p.role.value,
        role_label=PARTY_ROLE_LABELS[p.role],
        name=p.name,
        id_type=p.id_type,
        id_type_label=ID_TYPES.get(p.id_type or ""),
        id_number=p.id_number,
        phone=p.phone,
        share_bp=p.share_bp,
    )


class ContractSummary(BaseModel):
    id: str
    number: str
    status: str
    status_label: str
    channel: str
    address: str
    created_at: datetime
    purge_at: datetime | None

    @classmethod
    def of(cls, c: Contract) -> ContractSummary:
        return cls(
            id=c.id,
            number=c.number,
            status=c.status.value,
            status_label=CONTRACT_LABELS[c.status],
            channel=c.channel.value,
            address=c.property.address,
            created_at=c.created_at,
            purge_at=c.purge_deadline(),
        )


class ContractList(BaseModel):
    items: list[ContractSummary]


class TodoItem(ContractSummary):
    next_step: str

    @classmethod
    def of(cls, c: Contract) -> TodoItem:
        return cls(**ContractSummary.of(c).model_dump(), next_step=TODO_NEXT_STEP[c.status])


class TodoList(BaseModel):
    items: list[TodoItem]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]


# ---- signing orders (agent side) ---------------------------------------------------------


class ReceiptOut(BaseModel):
    payload: dict[str, Any]
    key_id: str
    alg: str
    signature: str


class PartyProgressOut(BaseModel):
    party_id: str
    role: str
    role_label: str
    name: str
    step: str
    step_label: str
    step_times: dict[str, datetime]
    failed_checks: int
    receipt: ReceiptOut | None


class OrderOut(BaseModel):
    id: str
    contract_id: str
    contract_number: str
    contract_status: str
    contract_status_label: str
    purpose: str
    purpose_label: str
    status: str
    status_label: str
    version: int
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    document_sha256: str
    parties: list[PartyProgressOut]

    @classmethod
    def of(cls, c: Contract, o: SigningOrder) -> OrderOut:
        return cls(
            id=o.id,
            contract_id=c.id,
            contract_number=c.number,
            contract_status=c.status.value,
            contract_status_label=CONTRACT_LABELS[c.status],
            purpose=o.purpose.value,
            purpose_label=PURPOSE_LABELS[o.purpose],
            status=o.status.value,
            status_label=ORDER_LABELS[o.status],
            version=o.version,
            created_at=o.created_at,
            expires_at=o.expires_at,
            ended_at=o.ended_at,
            document_sha256=o.document_sha256,
            parties=[
                PartyProgressOut(
                    party_id=p.party_id,
                    role=p.role.value,
                    role_label=PARTY_ROLE_LABELS[p.role],
                    name=p.name,
                    step=p.step.value,
                    step_label=PARTY_LABELS[p.step],
                    step_times=p.step_times,
                    failed_checks=p.failed_checks,
                    receipt=ReceiptOut(**p.receipt.__dict__) if p.receipt else None,
                )
                for p in o.parties
            ],
        )


class QrLinkOut(BaseModel):
    url: str
    expires_at: datetime


class SigningKey(BaseModel):
    key_id: str
    alg: str
    public_key: str = Field(description="raw Ed25519 public key, base64url")


class SigningKeys(BaseModel):
    keys: list[SigningKey]


# ---- the mini-program (party side) -------------------------------------------------------


class SessionRequest(Body):
    token: str = Field(min_length=16, max_length=128, description="the token in the QR code URL")


class ReviewRequest(Body):
    document_sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")


class PoliceVerificationRequest(Body):
    name: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=1, max_length=32)


class AuthorizeRequest(Body):
    face_sample: str = Field(
        min_length=1,
        max_length=64,
        description="sandbox: match | mismatch | no_liveness | timeout",
    )


class DeclineRequest(Body):
    reason: str = Field(min_length=1, max_length=500)


class OtherPartyOut(BaseModel):
    role_label: str
    name: str
    step_label: str


class PartyViewOut(BaseModel):
    """What one party's session shows: its own progress, the others' names and steps only."""

    order_id: str
    order_status: str
    order_status_label: str
    purpose_label: str
    contract_number: str
    property_address: str
    price_fen: int | None
    document_sha256: str
    party_id: str
    role: str
    role_label: str
    name: str
    id_number_masked: str
    step: str
    step_label: str
    next_step: str | None
    attempts_left: int
    receipt: ReceiptOut | None
    others: list[OtherPartyOut]

    @classmethod
    def of(cls, c: Contract, o: SigningOrder, p: OrderParty, max_checks: int) -> PartyViewOut:
        return cls(
            order_id=o.id,
            order_status=o.status.value,
            order_status_label=ORDER_LABELS[o.status],
            purpose_label=PURPOSE_LABELS[o.purpose],
            contract_number=c.number,
            property_address=c.property.address,
            price_fen=c.price_fen,
            document_sha256=o.document_sha256,
            party_id=p.party_id,
            role=p.role.value,
            role_label=PARTY_ROLE_LABELS[p.role],
            name=p.name,
            id_number_masked=mask_id_number(p.id_number),
            step=p.step.value,
            step_label=PARTY_LABELS[p.step],
            next_step=NEXT_STEP[p.step],
            attempts_left=max(max_checks - p.failed_checks, 0),
            receipt=ReceiptOut(**p.receipt.__dict__) if p.receipt else None,
            others=[
                OtherPartyOut(
                    role_label=PARTY_ROLE_LABELS[q.role],
                    name=q.name,
                    step_label=PARTY_LABELS[q.step],
                )
                for q in o.parties
                if q.party_id != p.party_id
            ],
        )


class SessionOut(BaseModel):
    session_token: str
    expires_at: datetime
    view: PartyViewOut


class DocumentOut(BaseModel):
    order_id: str
    sha256: str
    text: str


# ---- cancellation and the window ---------------------------------------------------------


class CancellationRequest(Body):
    reason: str = Field(min_length=1, max_length=500, description="注销原因")


class WindowCaseRequest(Body):
    purpose: Literal["filing", "cancellation"]
    reason: str | None = Field(default=None, max_length=500, description="注销原因 (cancellation)")


class AppearanceRequest(Body):
    """How the party took part: ``appeared`` in person with ``id_checked``, or by a proxy
    with a notarised power of attorney naming this matter; both parents for a minor."""

    appeared: bool = False
    id_checked: bool = False
    proxy_name: str | None = Field(default=None, max_length=64)
    proxy_id_number: str | None = Field(default=None, max_length=32)
    poa_notarised: bool = False
    poa_names_matter: bool = False
    father_present: bool = False
    mother_present: bool = False

    def to_domain(self) -> AppearanceInput:
        return AppearanceInput(**self.model_dump())


class RejectRequest(Body):
    reason: str = Field(min_length=1, max_length=500, description="退回原因")


class FormList(BaseModel):
    forms: dict[str, str] = Field(description="form key → title; GET …/forms/{key}.html prints it")
