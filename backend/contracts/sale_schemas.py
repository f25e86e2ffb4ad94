"""Request bodies of the sale contract's parts (``signing_flow.sale_contract``):
the property's condition, the payment schedule, taxes, transfer and delivery, breach, disputes
and annexes (the responses are in ``sale_out``). docs/contract.md lists every field with its
label and its rules.

The allowed values come from ``signing_flow.sale_terms``; each field's description is the label
the contract prints, and a choice's description lists its values with their labels. Bounds here
are what a store can hold and a form can show; the rules between fields (the schedule sums to
the price, dates in order, …) are the domain's, checked at submit with every problem at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import Field

from backend.fields import MAX_DAYS, MAX_PRICE_FEN, MAX_RATE_BP, Name, Reason
from backend.shared_schemas import Body
from signing_flow.field_checks import NAME_MAX_CHARS
from signing_flow.payment_rules import BANK_NAME_MAX_CHARS, DEPOSIT_CAP_BP
from signing_flow.property_rules import ANCILLARIES_MAX
from signing_flow.sale_contract import (
    Ancillary,
    Annex,
    BreachTerms,
    Instalment,
    Lease,
    Loan,
    Mortgage,
    PaymentTerms,
    Penalty,
    PropertyTerms,
    TransferTerms,
)
from signing_flow.sale_rules import (
    ANNEX_TEXT_MAX_CHARS,
    ANNEXES_MAX,
    DAILY_RATE_MAX_BP,
    DAILY_RATE_MIN_BP,
    FIXED_PENALTY_CAP_BP,
    SUPPLEMENTARY_MAX_CHARS,
    TERMINATE_AFTER_DAYS_MAX,
    TERMINATE_AFTER_DAYS_MIN,
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
    DeliveryCondition,
    DepositRule,
    LoanKind,
    LoanShortfall,
    PenaltyMode,
    PropertyNature,
    PropertyUse,
    TenantNotice,
)

# The lengths and counts are the rules' (a request past them is refused at once, with the code
# submit would give); the rules' bounds between 0 and the store's limits are told in the
# descriptions and checked at submit.
# An uploaded file's id (``POST /api/v1/annex-files``): what ``secrets.new_id`` makes.
FILE_ID_PATTERN = r"^[0-9a-f]{24}$"


def _choice(label: str, labels: Mapping[str, str]) -> str:
    """The field's label, then each allowed value with the words the contract prints."""
    return f"{label}。取值：" + "；".join(f"{value}：{text}" for value, text in labels.items())


def _fen(label: str) -> Any:
    return Field(default=None, ge=0, le=MAX_PRICE_FEN, description=f"{label}，单位：分")


def _day(label: str) -> Any:
    return Field(default=None, description=f"{label}（YYYY-MM-DD）")


class MortgageBody(Body):
    mortgaged: bool | None = Field(default=None, description="抵押状况：房屋已设定抵押")
    discharge_before_transfer: bool | None = Field(
        default=None, description="甲方于申请转移登记前注销抵押登记（已抵押时必填）"
    )
    discharge_by: date | None = _day("注销抵押登记的期限")


class LeaseBody(Body):
    leased: bool | None = Field(default=None, description="租赁状况：房屋已出租")
    tenant_notice: TenantNotice | None = Field(
        default=None, description=_choice("承租人优先购买权（已出租时必填）", TENANT_NOTICE_LABELS)
    )


class AncillaryBody(Body):
    name: Name = Field(
        min_length=1, max_length=NAME_MAX_CHARS, description="附属设施名称，如车位、家具家电"
    )
    price_fen: int | None = _fen("附属设施价款（0 表示已含在成交价内）")


class PropertyTermsBody(Body):
    """房屋基本情况. What the registry knows (use, mortgaged, leased) fills what is left empty."""

    use: PropertyUse | None = Field(
        default=None, description=_choice("规划用途", PROPERTY_USE_LABELS)
    )
    nature: PropertyNature | None = Field(
        default=None, description=_choice("房屋性质", PROPERTY_NATURE_LABELS)
    )
    mortgage: MortgageBody | None = None
    lease: LeaseBody | None = None
    ancillaries: list[AncillaryBody] | None = Field(
        default=None, max_length=ANCILLARIES_MAX, description="随房屋一并转让的附属设施"
    )

    def to_domain(self) -> PropertyTerms:
        m, le = self.mortgage, self.lease
        return PropertyTerms(
            use=self.use,
            nature=self.nature,
            mortgage=Mortgage(**m.model_dump()) if m else Mortgage(),
            lease=Lease(**le.model_dump()) if le else Lease(),
            ancillaries=[Ancillary(**a.model_dump()) for a in self.ancillaries or []],
        )


class InstalmentBody(Body):
    amount_fen: int | None = _fen("金额")
    due: date | None = _day("付款期限")

    def to_domain(self) -> Instalment:
        return Instalment(**self.model_dump())


class LoanBody(Body):
    kind: LoanKind | None = Field(default=None, description=_choice("贷款方式", LOAN_KIND_LABELS))
    amount_fen: int | None = _fen("贷款金额")
    bank: Name | None = Field(
        default=None,
        max_length=BANK_NAME_MAX_CHARS,
        description="贷款银行，如 中国建设银行股份有限公司中山分行",
    )
    due: date | None = _day("贷款划付（至甲方或监管账户）的期限")

    def to_domain(self) -> Loan:
        return Loan(**self.model_dump())


class PaymentBody(Body):
    """成交价格与付款: 首付款 + 贷款 + 尾款 = 成交价; 定金计入首付款."""

    deposit_fen: int | None = _fen(f"定金（不超过成交价的 {DEPOSIT_CAP_BP // 100}%，计入首付款）")
    deposit_due: date | None = _day("定金支付期限")
    down_payment: InstalmentBody | None = Field(default=None, description="首付款（含定金）")
    loan: LoanBody | None = Field(default=None, description="贷款（按揭付款时必填）")
    balance: InstalmentBody | None = Field(default=None, description="尾款（分期付款时必填）")
    loan_shortfall: LoanShortfall | None = Field(
        default=None,
        description=_choice("贷款未获批准或核减时的处理（有贷款时必填）", LOAN_SHORTFALL_LABELS),
    )

    def to_domain(self) -> PaymentTerms:
        down = self.down_payment
        return PaymentTerms(
            deposit_fen=self.deposit_fen,
            deposit_due=self.deposit_due,
            down_payment=down.to_domain() if down else Instalment(),
            loan=self.loan.to_domain() if self.loan else None,
            balance=self.balance.to_domain() if self.balance else None,
            loan_shortfall=self.loan_shortfall,
        )


class TransferBody(Body):
    """转移登记、交付与户口迁出. The delivery date itself is the contract's ``delivery_date``."""

    registration_by: date | None = _day("申请办理转移登记的期限")
    delivery_conditions: list[DeliveryCondition] | None = Field(
        default=None,
        max_length=len(DeliveryCondition),
        description=_choice("交付条件（至少一项）", DELIVERY_CONDITION_LABELS),
    )
    hukou_move_out_by: date | None = _day("原户口迁出期限（住宅必填）")
    hukou_penalty_fen: int | None = _fen("逾期未迁出户口的违约金")

    def to_domain(self) -> TransferTerms:
        return TransferTerms(
            registration_by=self.registration_by,
            # a condition named twice is one condition
            delivery_conditions=list(dict.fromkeys(self.delivery_conditions or [])),
            hukou_move_out_by=self.hukou_move_out_by,
            hukou_penalty_fen=self.hukou_penalty_fen,
        )


class PenaltyBody(Body):
    mode: PenaltyMode | None = Field(
        default=None, description=_choice("违约金计算方式", PENALTY_MODE_LABELS)
    )
    daily_rate_bp: int | None = Field(
        default=None,
        ge=0,
        le=MAX_RATE_BP,
        description=f"按日计付时，每日按逾期金额的万分之几（{DAILY_RATE_MIN_BP}–{DAILY_RATE_MAX_BP}）",
    )
    fixed_fen: int | None = _fen(f"一次性违约金（不超过成交价的 {FIXED_PENALTY_CAP_BP // 100}%）")

    def to_domain(self) -> Penalty:
        return Penalty(**self.model_dump())


class BreachBody(Body):
    """违约责任."""

    late_payment: PenaltyBody | None = Field(default=None, description="乙方逾期付款的违约金")
    late_delivery: PenaltyBody | None = Field(default=None, description="甲方逾期交房的违约金")
    terminate_after_days: int | None = Field(
        default=None,
        ge=0,
        le=MAX_DAYS,
        description=f"逾期超过多少日，守约方可解除合同（{TERMINATE_AFTER_DAYS_MIN}–{TERMINATE_AFTER_DAYS_MAX}）",
    )
    deposit_rule: DepositRule | None = Field(
        default=None, description=_choice("定金罚则（有定金时必填）", DEPOSIT_RULE_LABELS)
    )

    def to_domain(self) -> BreachTerms:
        pay, deliver = self.late_payment, self.late_delivery
        return BreachTerms(
            late_payment=pay.to_domain() if pay else Penalty(),
            late_delivery=deliver.to_domain() if deliver else Penalty(),
            terminate_after_days=self.terminate_after_days,
            deposit_rule=self.deposit_rule,
        )


class AnnexBody(Body):
    """附件: its text, or an image uploaded with ``POST /api/v1/annex-files`` (exactly one)."""

    name: Name = Field(
        min_length=1, max_length=NAME_MAX_CHARS, description="附件名称，如 室内设施设备清单"
    )
    text: Reason | None = Field(
        default=None, max_length=ANNEX_TEXT_MAX_CHARS, description="附件内容（文字，可换行）"
    )
    file_id: str | None = Field(
        default=None, pattern=FILE_ID_PATTERN, description="本人上传的附件图片的 file_id"
    )

    def to_domain(self) -> Annex:
        return Annex(**self.model_dump())


# The ``ContractFields`` that hold these parts, with their types and descriptions: declared here
# so that the contract's request model only names them.
DISPUTE_DESCRIPTION = _choice("争议解决方式（二选一）", DISPUTE_MODE_LABELS)
TAXES_DESCRIPTION = (
    f"税费承担：每项税费 → 承担方。税费：{'；'.join(f'{k}：{v}' for k, v in FEE_LABELS.items())}。"
    f"承担方：{'；'.join(f'{k}：{v}' for k, v in BEARER_LABELS.items())}"
)
SUPPLEMENTARY_DESCRIPTION = f"补充条款（可换行，不超过 {SUPPLEMENTARY_MAX_CHARS} 字）"
ANNEXES_DESCRIPTION = f"附件（至多 {ANNEXES_MAX} 项）"


def sale_part(name: str, value: Any) -> Any:
    """A named part of the request as its domain value; null clears the part."""
    if name in ("property_terms", "payment", "transfer", "breach"):
        return value.to_domain() if value is not None else _EMPTY[name]()
    if name == "taxes":
        return {str(fee): str(bearer) for fee, bearer in (value or {}).items()}
    if name == "annexes":
        return [a.to_domain() for a in value or []]
    return value or None  # dispute, supplementary_terms: blank is not given


_EMPTY: dict[str, Any] = {
    "property_terms": PropertyTerms,
    "payment": PaymentTerms,
    "transfer": TransferTerms,
    "breach": BreachTerms,
}
