"""Response bodies of the sale contract's parts (``signing_flow.sale_contract``): each stored
value with its ``_label``, the words the contract prints (DESIGN §6). The requests are in
``sale_schemas``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, Field

from signing_flow.sale_contract import (
    Annex,
    BreachTerms,
    PaymentTerms,
    Penalty,
    PropertyTerms,
    TransferTerms,
)
from signing_flow.sale_terms import (
    BEARER_LABELS,
    DELIVERY_CONDITION_LABELS,
    DEPOSIT_RULE_LABELS,
    DISPUTE_MODE_LABELS,
    FEE_LABELS,
    LOAN_KIND_LABELS,
    LOAN_SHORTFALL_LABELS,
    PENALTY_MODE_LABELS,
    PROPERTY_NATURE_LABELS,
    PROPERTY_USE_LABELS,
    TENANT_NOTICE_LABELS,
    Fee,
)

# ---- responses ----------------------------------------------------------------------------


def _label(labels: Mapping[str, str], value: str | None) -> str | None:
    return labels.get(value) if value is not None else None


class MortgageOut(BaseModel):
    mortgaged: bool | None
    discharge_before_transfer: bool | None
    discharge_by: date | None


class LeaseOut(BaseModel):
    leased: bool | None
    tenant_notice: str | None
    tenant_notice_label: str | None


class AncillaryOut(BaseModel):
    name: str
    price_fen: int | None


class PropertyTermsOut(BaseModel):
    use: str | None
    use_label: str | None
    nature: str | None
    nature_label: str | None
    mortgage: MortgageOut
    lease: LeaseOut
    ancillaries: list[AncillaryOut]

    @classmethod
    def of(cls, t: PropertyTerms) -> PropertyTermsOut:
        return cls(
            use=t.use,
            use_label=_label(PROPERTY_USE_LABELS, t.use),
            nature=t.nature,
            nature_label=_label(PROPERTY_NATURE_LABELS, t.nature),
            mortgage=MortgageOut(**vars(t.mortgage)),
            lease=LeaseOut(
                leased=t.lease.leased,
                tenant_notice=t.lease.tenant_notice,
                tenant_notice_label=_label(TENANT_NOTICE_LABELS, t.lease.tenant_notice),
            ),
            ancillaries=[AncillaryOut(**vars(a)) for a in t.ancillaries],
        )


class InstalmentOut(BaseModel):
    amount_fen: int | None
    due: date | None


class LoanOut(BaseModel):
    kind: str | None
    kind_label: str | None
    amount_fen: int | None
    bank: str | None
    due: date | None


class PaymentOut(BaseModel):
    deposit_fen: int | None
    deposit_due: date | None
    down_payment: InstalmentOut
    loan: LoanOut | None
    balance: InstalmentOut | None
    loan_shortfall: str | None
    loan_shortfall_label: str | None

    @classmethod
    def of(cls, p: PaymentTerms) -> PaymentOut:
        loan = p.loan
        return cls(
            deposit_fen=p.deposit_fen,
            deposit_due=p.deposit_due,
            down_payment=InstalmentOut(**vars(p.down_payment)),
            loan=LoanOut(**vars(loan), kind_label=_label(LOAN_KIND_LABELS, loan.kind))
            if loan
            else None,
            balance=InstalmentOut(**vars(p.balance)) if p.balance else None,
            loan_shortfall=p.loan_shortfall,
            loan_shortfall_label=_label(LOAN_SHORTFALL_LABELS, p.loan_shortfall),
        )


class TaxOut(BaseModel):
    fee: str
    fee_label: str
    bearer: str
    bearer_label: str


def taxes_out(taxes: Mapping[str, str]) -> list[TaxOut]:
    """In the order the contract lists them (``Fee``), whatever order they were sent in."""
    order = {fee.value: i for i, fee in enumerate(Fee)}
    return [
        TaxOut(
            fee=fee,
            fee_label=FEE_LABELS.get(fee, fee),
            bearer=bearer,
            bearer_label=BEARER_LABELS.get(bearer, bearer),
        )
        for fee, bearer in sorted(taxes.items(), key=lambda item: order.get(item[0], len(order)))
    ]


class TransferOut(BaseModel):
    registration_by: date | None
    delivery_conditions: list[str]
    delivery_conditions_labels: list[str] = Field(description="与 delivery_conditions 一一对应")
    hukou_move_out_by: date | None
    hukou_penalty_fen: int | None

    @classmethod
    def of(cls, t: TransferTerms) -> TransferOut:
        return cls(
            registration_by=t.registration_by,
            delivery_conditions=t.delivery_conditions,
            delivery_conditions_labels=[
                DELIVERY_CONDITION_LABELS.get(c, c) for c in t.delivery_conditions
            ],
            hukou_move_out_by=t.hukou_move_out_by,
            hukou_penalty_fen=t.hukou_penalty_fen,
        )


class PenaltyOut(BaseModel):
    mode: str | None
    mode_label: str | None
    daily_rate_bp: int | None
    fixed_fen: int | None

    @classmethod
    def of(cls, p: Penalty) -> PenaltyOut:
        return cls(**vars(p), mode_label=_label(PENALTY_MODE_LABELS, p.mode))


class BreachOut(BaseModel):
    late_payment: PenaltyOut
    late_delivery: PenaltyOut
    terminate_after_days: int | None
    deposit_rule: str | None
    deposit_rule_label: str | None

    @classmethod
    def of(cls, b: BreachTerms) -> BreachOut:
        return cls(
            late_payment=PenaltyOut.of(b.late_payment),
            late_delivery=PenaltyOut.of(b.late_delivery),
            terminate_after_days=b.terminate_after_days,
            deposit_rule=b.deposit_rule,
            deposit_rule_label=_label(DEPOSIT_RULE_LABELS, b.deposit_rule),
        )


class AnnexOut(BaseModel):
    name: str
    text: str | None
    file_id: str | None
    sha256: str | None = Field(description="上传图片的 SHA-256（合同文本载明，签署即覆盖图片内容）")


def dispute_label(dispute: str | None) -> str | None:
    return _label(DISPUTE_MODE_LABELS, dispute)


def annexes_out(annexes: list[Annex]) -> list[AnnexOut]:
    return [AnnexOut(**vars(a)) for a in annexes]


class AnnexFileOut(BaseModel):
    """An uploaded annex image: name it in ``annexes[].file_id``."""

    file_id: str
    content_type: str
    size: int
    sha256: str
