"""The sale contract's parts (property condition, payment schedule, taxes, transfer, breach,
disputes, supplementary terms, annexes) as an agent fills them in for a typical Zhongshan sale,
in request JSON: a commercial loan from CCB, the deposit credited to the down payment, the
balance at handover. ``backend.demo.contract_terms`` and ``wangqian simulate`` both draft with
it, so the demo contracts and the simulated ones read alike. docs/contract.md explains each
field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from signing_flow.sale_terms import (
    Bearer,
    DeliveryCondition,
    DepositRule,
    DisputeMode,
    Fee,
    LoanKind,
    LoanShortfall,
    PenaltyMode,
    PropertyNature,
    PropertyUse,
    TenantNotice,
)
from signing_flow.terms import PaymentMethod

WAN_FEN = 1_000_000  # 一万元

# Days after the deposit is due, in the order a sale with a loan runs: the down payment into
# the supervised account, the mortgage discharged, transfer registration applied for, the loan
# paid out once the buyer's mortgage is registered, the balance at handover, the household
# registration moved out a month later.
DOWN_PAYMENT_DAY = 14
DISCHARGE_DAY = 35
REGISTRATION_DAY = 42
LOAN_DAY = 105
HANDOVER_DAY = 166
HUKOU_DAY = 197

TAXES = {
    Fee.DEED_TAX: Bearer.BUYER,
    Fee.VAT: Bearer.SELLER,
    Fee.INCOME_TAX: Bearer.SELLER,
    Fee.STAMP_DUTY: Bearer.BY_LAW,
    Fee.REGISTRATION_FEE: Bearer.BUYER,
    Fee.AGENCY_FEE: Bearer.BY_LAW,
}
FURNISHINGS_ANNEX = {
    "name": "室内设施设备及家具家电清单",
    "text": "空调 3 台；冰箱 1 台；洗衣机 1 台；燃气热水器 1 台；\n"
    "餐桌椅 1 套；固定衣柜 2 组；厨房橱柜及抽油烟机、燃气灶各 1 套。",
}
SUPPLEMENTARY_TERMS = (
    "1. 甲方同意将房屋内现有家具家电随房屋一并交付乙方，不另计价款，具体以附件一为准。\n"
    "2. 本合同未尽事宜，双方可另行签订补充协议，补充协议与本合同具有同等法律效力。"
)


def _wan(fen: float) -> int:
    """To the nearest 万元, as people agree on amounts."""
    return round(fen / WAN_FEN) * WAN_FEN


def sale_parts(
    start: date,
    price_fen: int,
    *,
    use: str = PropertyUse.RESIDENTIAL.value,
    mortgaged: bool = False,
    leased: bool = False,
) -> dict[str, Any]:
    """The parts for a sale at ``price_fen`` whose deposit is due on ``start``; every other date
    is counted from it. A mortgaged property gets the seller's plan to discharge the mortgage
    before transfer, a leased one the tenant's written waiver of the pre-emptive right."""

    def day(n: int) -> str:
        return (start + timedelta(days=n)).isoformat()

    down, balance = _wan(price_fen * 0.30), _wan(price_fen * 0.04)
    mortgage: dict[str, Any] = {"mortgaged": mortgaged}
    if mortgaged:
        mortgage |= {"discharge_before_transfer": True, "discharge_by": day(DISCHARGE_DAY)}
    lease: dict[str, Any] = {"leased": leased}
    if leased:
        lease["tenant_notice"] = TenantNotice.WAIVED.value
    daily = {"mode": PenaltyMode.DAILY_RATE.value, "daily_rate_bp": 5}  # 每日万分之五
    return {
        "price_fen": price_fen,
        "payment_method": PaymentMethod.MORTGAGE.value,
        "delivery_date": day(HANDOVER_DAY),
        "property_terms": {
            "use": use,
            "nature": PropertyNature.COMMODITY.value,
            "mortgage": mortgage,
            "lease": lease,
            "ancillaries": [{"name": "室内家具家电（见附件一）", "price_fen": 0}],
        },
        "payment": {
            "deposit_fen": _wan(price_fen * 0.025),
            "deposit_due": day(0),
            "down_payment": {"amount_fen": down, "due": day(DOWN_PAYMENT_DAY)},
            "loan": {
                "kind": LoanKind.COMMERCIAL.value,
                "amount_fen": price_fen - down - balance,
                "bank": "中国建设银行股份有限公司中山分行",
                "due": day(LOAN_DAY),
            },
            "balance": {"amount_fen": balance, "due": day(HANDOVER_DAY)},
            "loan_shortfall": LoanShortfall.BUYER_PAYS.value,
        },
        "taxes": {fee.value: bearer.value for fee, bearer in TAXES.items()},
        "transfer": {
            "registration_by": day(REGISTRATION_DAY),
            "delivery_conditions": [c.value for c in DeliveryCondition],
            "hukou_move_out_by": day(HUKOU_DAY),
            "hukou_penalty_fen": 2 * WAN_FEN,
        },
        "breach": {
            "late_payment": daily,
            "late_delivery": dict(daily),
            "terminate_after_days": 30,
            "deposit_rule": DepositRule.FORFEIT_OR_DOUBLE.value,
        },
        "dispute": DisputeMode.ARBITRATION.value,
        "supplementary_terms": SUPPLEMENTARY_TERMS,
        "annexes": [dict(FURNISHINGS_ANNEX)],
    }
