"""The parts of a sale contract beyond the guide's own fields (广东省存量房买卖合同示范文本):
the property's condition, the payment schedule, taxes, transfer and delivery, breach, disputes,
supplementary terms and annexes.

Every field may be empty while the contract is a draft, and every one has an empty default: a
draft stored before these parts existed reads back with them empty and is refused at submit with
the list of what is missing (``sale_rules``). Amounts are in fen, rates in basis points (万分之一),
choices are the stored values of ``sale_terms``' enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The fields of ``Contract`` that hold these parts: edited, sent and read as wholes.
SALE_PARTS = frozenset(
    {
        "property_terms",
        "payment",
        "taxes",
        "transfer",
        "breach",
        "dispute",
        "supplementary_terms",
        "annexes",
    }
)


@dataclass
class Mortgage:
    """抵押: whether the property is mortgaged and, if so, the seller's plan to discharge it."""

    mortgaged: bool | None = None
    discharge_before_transfer: bool | None = None  # 甲方于申请转移登记前注销抵押登记
    discharge_by: date | None = None


@dataclass
class Lease:
    """租赁: whether the property is let and how the tenant's pre-emptive right was dealt with."""

    leased: bool | None = None
    tenant_notice: str | None = None  # TenantNotice


@dataclass
class Ancillary:
    """Something sold with the property (车位, 家具家电…); price 0 means included in the price."""

    name: str = ""
    price_fen: int | None = None


@dataclass
class PropertyTerms:
    """房屋基本情况 beyond the registry snapshot."""

    use: str | None = None  # PropertyUse
    nature: str | None = None  # PropertyNature
    mortgage: Mortgage = field(default_factory=Mortgage)
    lease: Lease = field(default_factory=Lease)
    ancillaries: list[Ancillary] = field(default_factory=list)


@dataclass
class Instalment:
    amount_fen: int | None = None
    due: date | None = None


@dataclass
class Loan:
    kind: str | None = None  # LoanKind
    amount_fen: int | None = None
    bank: str | None = None  # the lending bank's name, e.g. 中国建设银行中山分行
    due: date | None = None  # by when the loan is to be paid to the seller (or the supervisor)


@dataclass
class PaymentTerms:
    """成交价格与付款. The deposit (定金) is credited to the down payment; the down payment, the
    loan and the balance sum to the price."""

    deposit_fen: int | None = None
    deposit_due: date | None = None
    down_payment: Instalment = field(default_factory=Instalment)
    loan: Loan | None = None
    balance: Instalment | None = None
    loan_shortfall: str | None = None  # LoanShortfall, when there is a loan


@dataclass
class TransferTerms:
    """转移登记, 交付 and 户口迁出. The delivery date itself is ``Contract.delivery_date``."""

    registration_by: date | None = None  # 申请办理转移登记的期限
    delivery_conditions: list[str] = field(default_factory=list)  # DeliveryCondition
    hukou_move_out_by: date | None = None
    hukou_penalty_fen: int | None = None  # due if the household registration is not moved out


@dataclass
class Penalty:
    """A late payment or late delivery: a daily rate of the amount late, or a fixed sum."""

    mode: str | None = None  # PenaltyMode
    daily_rate_bp: int | None = None  # 每日万分之 N
    fixed_fen: int | None = None


@dataclass
class BreachTerms:
    """违约责任."""

    late_payment: Penalty = field(default_factory=Penalty)
    late_delivery: Penalty = field(default_factory=Penalty)
    terminate_after_days: int | None = None  # 逾期超过 N 日, the other side may terminate
    deposit_rule: str | None = None  # DepositRule


@dataclass
class Annex:
    """附件: its text, or an uploaded image (an upload's file id)."""

    name: str = ""
    text: str | None = None
    file_id: str | None = None
    # The image's SHA-256, copied from the upload when the annex names it: the contract text
    # prints it, so the signed hash covers the image's bytes and not just its id.
    sha256: str | None = None

    def is_furnishings_list(self) -> bool:
        """The list the 按清单交付 delivery condition points at: an annex named a 清单."""
        return "清单" in self.name
