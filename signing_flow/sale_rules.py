"""What the sale contract's own parts must hold before submit (广东省存量房买卖合同示范文本,
DESIGN §5): one plain function per rule, each returning its problems with the contract's field
paths; ``sale_problems`` runs them all, and ``contract_rules.submission_problems`` adds them to
the guide's checks, so every problem is reported at once. The property's rules are
``property_rules``', the price's and payment's ``payment_rules``'; the rest are here.

The product's decisions, rule by rule:

- ``taxes_allocated``: every tax and fee of ``sale_terms.Fee`` has its bearer; nothing else.
- ``registration_deadline``: the deadline to apply for transfer registration is set.
- ``delivery_conditions``: at least one, each a known condition, none twice.
- ``hukou_move_out``: for a residential property (住宅) the move-out deadline and a penalty,
  more than 0 and at most the price, are required; for other uses they are optional but come
  together (a penalty needs a deadline to miss) and the penalty has the same bounds.
- ``breach_penalties``: late payment and late delivery each have a penalty: a daily rate of
  DAILY_RATE_MIN_BP to DAILY_RATE_MAX_BP (每日万分之一至万分之十) of the amount late, or a fixed
  sum above 0 and at most FIXED_PENALTY_CAP_BP of the price; only the chosen one is filled in.
- ``termination_threshold``: the delay after which the other side may terminate is
  TERMINATE_AFTER_DAYS_MIN to TERMINATE_AFTER_DAYS_MAX days.
- ``dispute_mode``: exactly one way to resolve disputes: arbitration (中山仲裁委员会) or the
  court where the property lies.
- ``supplementary_text``: optional, at most SUPPLEMENTARY_MAX_CHARS, no control characters but
  line breaks, no bidi or zero-width marks.
- ``annex_list``: at most ANNEXES_MAX, each named and holding either its text (at most
  ANNEX_TEXT_MAX_CHARS, the same characters as the supplementary terms) or an uploaded image,
  not both; delivering furnishings per a list needs the list among the annexes.
- ``dates_not_in_past``: every date of these parts is today or later (as ``delivery_date``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from signing_flow.errors import FieldProblem
from signing_flow.field_checks import (
    NAME_MAX_CHARS,
    choice,
    in_the_past,
    not_applicable,
    out_of_range,
    required,
    text,
    too_many,
)
from signing_flow.models import Contract
from signing_flow.payment_rules import (
    BASIS_POINTS,
    deposit_cap,
    deposit_terms,
    loan_terms,
    payment_method_agrees,
    schedule_amounts,
    schedule_dates_in_order,
    schedule_sum,
)
from signing_flow.property_rules import (
    ancillary_items,
    discharge_before_registration,
    lease_notice,
    mortgage_discharge,
    property_description,
    registry_agreement,
)
from signing_flow.sale_terms import (
    BEARER_LABELS,
    DELIVERY_CONDITION_LABELS,
    DISPUTE_MODE_LABELS,
    FEE_LABELS,
    DeliveryCondition,
    Fee,
    PenaltyMode,
    PropertyUse,
)
from signing_flow.terms import values

DAILY_RATE_MIN_BP = 1  # 每日万分之一
DAILY_RATE_MAX_BP = 10  # 每日万分之十
FIXED_PENALTY_CAP_BP = 3000  # 30 % of the price
TERMINATE_AFTER_DAYS_MIN = 1
TERMINATE_AFTER_DAYS_MAX = 180
SUPPLEMENTARY_MAX_CHARS = 2000
ANNEXES_MAX = 10
ANNEX_TEXT_MAX_CHARS = 5000


def taxes_allocated(contract: Contract) -> list[FieldProblem]:
    problems = []
    for fee in Fee:
        if fee.value not in contract.taxes:
            problems.append(required(f"taxes.{fee.value}", f"{FEE_LABELS[fee]}的承担方"))
    for key, bearer in sorted(contract.taxes.items()):
        if key not in FEE_LABELS:
            problems.append(
                FieldProblem(
                    f"taxes.{key}", "EXTRA_FORBIDDEN", f"没有这项税费 (one of {values(Fee)})"
                )
            )
        elif bearer not in BEARER_LABELS:
            problems += choice(f"taxes.{key}", bearer, BEARER_LABELS, "税费承担方")
    return problems


def registration_deadline(contract: Contract) -> list[FieldProblem]:
    if contract.transfer.registration_by is not None:
        return []
    return [required("transfer.registration_by", "申请办理转移登记的期限")]


def delivery_conditions(contract: Contract) -> list[FieldProblem]:
    conditions = contract.transfer.delivery_conditions
    path = "transfer.delivery_conditions"
    if not conditions:
        return [required(path, "交付条件（至少一项）")]
    problems = []
    for i, condition in enumerate(conditions):
        if condition not in DELIVERY_CONDITION_LABELS:
            problems += choice(f"{path}[{i}]", condition, DELIVERY_CONDITION_LABELS, "交付条件")
        elif conditions.index(condition) != i:
            problems.append(
                FieldProblem(f"{path}[{i}]", "DUPLICATE", "交付条件重复 (listed twice)")
            )
    return problems


def hukou_move_out(contract: Contract) -> list[FieldProblem]:
    transfer, price = contract.transfer, contract.price_fen
    residential = contract.property_terms.use == PropertyUse.RESIDENTIAL
    penalty = transfer.hukou_penalty_fen
    problems = []
    if transfer.hukou_move_out_by is None and (residential or penalty is not None):
        problems.append(required("transfer.hukou_move_out_by", "户口迁出期限"))
    if penalty is None:
        if residential or transfer.hukou_move_out_by is not None:
            problems.append(required("transfer.hukou_penalty_fen", "逾期迁出户口的违约金（分）"))
    elif penalty <= 0 or (price is not None and price > 0 and penalty > price):
        problems.append(
            out_of_range(
                "transfer.hukou_penalty_fen",
                "户口迁出违约金须大于 0 且不超过成交价",
                "more than 0, at most the price",
            )
        )
    return problems


def breach_penalties(contract: Contract) -> list[FieldProblem]:
    price = contract.price_fen
    problems = []
    for name, label in (("late_payment", "逾期付款"), ("late_delivery", "逾期交房")):
        penalty = getattr(contract.breach, name)
        path = f"breach.{name}"
        problems += choice(f"{path}.mode", penalty.mode, values(PenaltyMode), f"{label}违约金方式")
        rate, fixed = penalty.daily_rate_bp, penalty.fixed_fen
        if penalty.mode == PenaltyMode.DAILY_RATE:
            if rate is None:
                problems.append(required(f"{path}.daily_rate_bp", f"{label}违约金日比例（万分之）"))
            elif not DAILY_RATE_MIN_BP <= rate <= DAILY_RATE_MAX_BP:
                problems.append(
                    out_of_range(
                        f"{path}.daily_rate_bp",
                        f"日违约金须为每日万分之{DAILY_RATE_MIN_BP}至万分之{DAILY_RATE_MAX_BP}",
                        f"{DAILY_RATE_MIN_BP} to {DAILY_RATE_MAX_BP} basis points a day",
                    )
                )
            if fixed is not None:
                problems.append(
                    not_applicable(f"{path}.fixed_fen", "按日计算时不填固定金额", "daily_rate")
                )
        elif penalty.mode == PenaltyMode.FIXED_SUM:
            cap = price * FIXED_PENALTY_CAP_BP // BASIS_POINTS if price and price > 0 else None
            if fixed is None:
                problems.append(required(f"{path}.fixed_fen", f"{label}违约金金额（分）"))
            elif fixed <= 0 or (cap is not None and fixed > cap):
                percent = FIXED_PENALTY_CAP_BP // 100
                problems.append(
                    out_of_range(
                        f"{path}.fixed_fen",
                        f"违约金须大于 0 且不超过成交价的 {percent}%",
                        f"more than 0, at most {percent}% of the price",
                    )
                )
            if rate is not None:
                problems.append(
                    not_applicable(f"{path}.daily_rate_bp", "固定金额时不填日比例", "fixed_sum")
                )
    return problems


def termination_threshold(contract: Contract) -> list[FieldProblem]:
    days = contract.breach.terminate_after_days
    path = "breach.terminate_after_days"
    if days is None:
        return [required(path, "逾期超过多少日守约方可解除合同")]
    if TERMINATE_AFTER_DAYS_MIN <= days <= TERMINATE_AFTER_DAYS_MAX:
        return []
    low, high = TERMINATE_AFTER_DAYS_MIN, TERMINATE_AFTER_DAYS_MAX
    return [out_of_range(path, f"须为 {low} 至 {high} 日", f"{low} to {high} days")]


def dispute_mode(contract: Contract) -> list[FieldProblem]:
    return choice(
        "dispute", contract.dispute, DISPUTE_MODE_LABELS, "争议解决方式（仲裁或诉讼之一）"
    )


def supplementary_text(contract: Contract) -> list[FieldProblem]:
    return text(
        "supplementary_terms",
        contract.supplementary_terms,
        "补充条款",
        SUPPLEMENTARY_MAX_CHARS,
        multiline=True,
    )


def annex_list(contract: Contract) -> list[FieldProblem]:
    annexes = contract.annexes
    problems = too_many("annexes", len(annexes), ANNEXES_MAX, "附件")
    for i, annex in enumerate(annexes):
        path = f"annexes[{i}]"
        if not annex.name.strip():
            problems.append(required(f"{path}.name", "附件名称"))
        else:
            problems += text(f"{path}.name", annex.name, "附件名称", NAME_MAX_CHARS)
        if not annex.text and not annex.file_id:
            problems.append(
                FieldProblem(
                    f"{path}.text", "REQUIRED", "附件须有文字或上传的图片 (text or file_id)"
                )
            )
        elif annex.text and annex.file_id:
            problems.append(
                not_applicable(f"{path}.file_id", "附件已有文字时不再上传图片", "text or file_id")
            )
        problems += text(
            f"{path}.text", annex.text, "附件文字", ANNEX_TEXT_MAX_CHARS, multiline=True
        )
    if DeliveryCondition.FURNISHINGS_PER_LIST in contract.transfer.delivery_conditions and not any(
        a.is_furnishings_list() for a in annexes
    ):
        problems.append(
            FieldProblem(
                "annexes",
                "REQUIRED",
                "按清单交付室内设施须附名称含「清单」的附件 "
                "(furnishings_per_list needs an annex named …清单)",
            )
        )
    return problems


def dates_not_in_past(contract: Contract, today: date) -> list[FieldProblem]:
    pay, transfer = contract.payment, contract.transfer
    dates: list[tuple[str, str, date | None]] = [
        (
            "property_terms.mortgage.discharge_by",
            "注销抵押期限",
            contract.property_terms.mortgage.discharge_by,
        ),
        ("payment.deposit_due", "定金支付日期", pay.deposit_due),
        ("payment.down_payment.due", "首付款支付日期", pay.down_payment.due),
        ("payment.loan.due", "贷款支付日期", pay.loan.due if pay.loan else None),
        ("payment.balance.due", "尾款支付日期", pay.balance.due if pay.balance else None),
        ("transfer.registration_by", "申请转移登记期限", transfer.registration_by),
        ("transfer.hukou_move_out_by", "户口迁出期限", transfer.hukou_move_out_by),
    ]
    return [
        problem for path, label, day in dates for problem in in_the_past(path, day, today, label)
    ]


# In the contract's own order, so the problems read top to bottom like the form.
RULES: tuple[Callable[[Contract], list[FieldProblem]], ...] = (
    property_description,
    registry_agreement,
    mortgage_discharge,
    lease_notice,
    ancillary_items,
    deposit_cap,
    deposit_terms,
    schedule_amounts,
    schedule_sum,
    schedule_dates_in_order,
    loan_terms,
    payment_method_agrees,
    taxes_allocated,
    registration_deadline,
    discharge_before_registration,
    delivery_conditions,
    hukou_move_out,
    breach_penalties,
    termination_threshold,
    dispute_mode,
    supplementary_text,
    annex_list,
)


def sale_problems(contract: Contract, today: date) -> list[FieldProblem]:
    """Every problem of the sale contract's parts at once; ``today`` is the city's date."""
    problems = [problem for rule in RULES for problem in rule(contract)]
    return problems + dates_not_in_past(contract, today)
