"""Request and response bodies of contracts and the to-do list.

The allowed values of the contract's terms come from the vocabulary (``signing_flow.terms``);
the sale contract's parts are in ``sale_schemas``, listing verification in ``property_schemas``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from backend.contracts.property_schemas import ContractPropertyOut, PropertyLookupBody
from backend.contracts.sale_out import (
    AnnexOut,
    BreachOut,
    PaymentOut,
    PropertyTermsOut,
    TaxOut,
    TransferOut,
    annexes_out,
    dispute_label,
    taxes_out,
)
from backend.contracts.sale_schemas import (
    ANNEXES_DESCRIPTION,
    DISPUTE_DESCRIPTION,
    SUPPLEMENTARY_DESCRIPTION,
    TAXES_DESCRIPTION,
    AnnexBody,
    BreachBody,
    PaymentBody,
    PropertyTermsBody,
    TransferBody,
    sale_part,
)
from backend.fields import MAX_PRICE_FEN, SHARE_BP_TOTAL, IdNumber, Name, Phone, Reason
from backend.fund_supervision.schemas import SupervisionOut, supervision_next_step
from backend.shared_schemas import Body
from signing_flow.audit import public_view
from signing_flow.codec import to_doc
from signing_flow.models import (
    Applicant,
    Contract,
    Evaluation,
    FundSupervision,
    Party,
    SigningOrder,
)
from signing_flow.roles import Role
from signing_flow.sale_contract import SALE_PARTS
from signing_flow.sale_rules import ANNEXES_MAX, SUPPLEMENTARY_MAX_CHARS
from signing_flow.sale_terms import Bearer, DisputeMode, Fee
from signing_flow.terms import (
    BANK_LABELS,
    CHANNEL_LABELS,
    CO_OWNERSHIP_LABELS,
    EVALUATION_LABELS,
    FUND_WAIVED_LABEL,
    ID_TYPE_LABELS,
    PARTY_ROLE_LABELS,
    PAYMENT_METHOD_LABELS,
    PURPOSE_LABELS,
    Acknowledgement,
    Bank,
    CoOwnership,
    EvaluationLevel,
    IdType,
    PaymentMethod,
)
from signing_flow.vocabulary import (
    CONTRACT_LABELS,
    ORDER_LABELS,
    Channel,
    PartyRole,
)


class PartyBody(Body):
    """One person per entry (每一格只能填写一个人的信息)."""

    name: Name | None = Field(default=None, max_length=64)
    id_type: IdType | None = None
    id_number: IdNumber | None = None
    phone: Phone | None = None
    share_bp: int | None = Field(
        default=None, ge=0, le=SHARE_BP_TOTAL, description="按份共有的份额，万分比 (1–9999)"
    )


class ApplicantBody(Body):
    name: Name | None = Field(default=None, max_length=64)
    phone: Phone | None = None


class EvaluationBody(Body):
    level: int | None = Field(
        default=None,
        ge=min(EvaluationLevel),
        le=max(EvaluationLevel),
        description="1 非常不满意 … 5 非常满意",
    )
    comment: Reason | None = Field(default=None, max_length=500)


class FundSupervisionBody(Body):
    enabled: bool | None = None
    bank: Bank | None = None


class ContractFields(Body):
    """The fields an agent fills in; all optional while drafting, checked on submit."""

    channel: Channel | None = None
    sellers: list[PartyBody] | None = Field(default=None, max_length=20)
    buyers: list[PartyBody] | None = Field(default=None, max_length=20)
    co_ownership: CoOwnership | None = None
    price_fen: int | None = Field(
        default=None, ge=0, le=MAX_PRICE_FEN, description="成交价，单位：分 (at most 10^13)"
    )
    payment_method: PaymentMethod | None = None
    delivery_date: date | None = None
    applicant: ApplicantBody | None = None
    evaluation: EvaluationBody | None = None
    fund_supervision: FundSupervisionBody | None = None
    acknowledgements: dict[Acknowledgement, bool] | None = None
    # The rest of the sale contract (sale_schemas, docs/contract.md). A part named replaces the
    # whole part; null clears it.
    property_terms: PropertyTermsBody | None = None
    payment: PaymentBody | None = None
    taxes: dict[Fee, Bearer] | None = Field(default=None, description=TAXES_DESCRIPTION)
    transfer: TransferBody | None = None
    breach: BreachBody | None = None
    dispute: DisputeMode | None = Field(default=None, description=DISPUTE_DESCRIPTION)
    supplementary_terms: Reason | None = Field(
        default=None, max_length=SUPPLEMENTARY_MAX_CHARS, description=SUPPLEMENTARY_DESCRIPTION
    )
    annexes: list[AnnexBody] | None = Field(
        default=None, max_length=ANNEXES_MAX, description=ANNEXES_DESCRIPTION
    )

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
            elif name in SALE_PARTS:
                value = sale_part(name, value)
            out[name] = value
        return out


class ContractCreateRequest(ContractFields):
    property: PropertyLookupBody


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
    property: ContractPropertyOut
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
    supervision: SupervisionOut | None = Field(
        description="资金监管协议：建设银行龙存管申请或农商行协议"
    )
    fund_supervision_next_step: str | None = Field(
        description="资金监管的下一步（跳转建设银行龙存管、请到农商行支行办理…）；无事可做为 null"
    )
    acknowledgements: dict[str, bool]
    property_terms: PropertyTermsOut
    payment: PaymentOut
    taxes: list[TaxOut] = Field(description="税费承担，按合同所列顺序")
    transfer: TransferOut
    breach: BreachOut
    dispute: str | None
    dispute_label: str | None
    supplementary_terms: str | None
    annexes: list[AnnexOut]
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
            fund_label = BANK_LABELS.get(fund.bank or "", "") if fund.enabled else FUND_WAIVED_LABEL
        return cls(
            id=c.id,
            number=c.number,
            status=c.status.value,
            status_label=CONTRACT_LABELS[c.status],
            allowed_actions=c.allowed_actions(viewer),
            channel=c.channel.value,
            channel_label=CHANNEL_LABELS[c.channel],
            agency_id=c.agency_id,
            practitioner_id=c.practitioner_id,
            property=ContractPropertyOut.of(c.property),
            sellers=[_party_out(p) for p in c.sellers],
            buyers=[_party_out(p) for p in c.buyers],
            co_ownership=c.co_ownership,
            co_ownership_label=CO_OWNERSHIP_LABELS.get(c.co_ownership or ""),
            price_fen=c.price_fen,
            payment_method=c.payment_method,
            payment_method_label=PAYMENT_METHOD_LABELS.get(c.payment_method or ""),
            delivery_date=c.delivery_date,
            applicant={"name": c.applicant.name, "phone": c.applicant.phone},
            evaluation={"level": c.evaluation.level, "comment": c.evaluation.comment},
            evaluation_label=EVALUATION_LABELS.get(c.evaluation.level or 0),
            fund_supervision={"enabled": fund.enabled, "bank": fund.bank},
            fund_supervision_label=fund_label,
            supervision=SupervisionOut.of_contract(c),
            fund_supervision_next_step=supervision_next_step(c),
            acknowledgements=c.acknowledgements,
            property_terms=PropertyTermsOut.of(c.property_terms),
            payment=PaymentOut.of(c.payment),
            taxes=taxes_out(c.taxes),
            transfer=TransferOut.of(c.transfer),
            breach=BreachOut.of(c.breach),
            dispute=c.dispute,
            dispute_label=dispute_label(c.dispute),
            supplementary_terms=c.supplementary_terms,
            annexes=annexes_out(c.annexes),
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
        id_type_label=ID_TYPE_LABELS.get(p.id_type or ""),
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
