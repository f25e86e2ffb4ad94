"""The rules of the price and its payment (成交价格与付款), checked at submit with the rest of
``sale_rules``: one plain function per rule, each returning its problems.

- ``deposit_cap``: a deposit (定金) is at most 20 % of the price (民法典第五百八十六条: 定金的数额
  由当事人约定；但是，不得超过主合同标的额的百分之二十). None or 0 means no deposit.
- ``deposit_terms``: a deposit has a payment date, is credited to the down payment so it is at
  most the down payment, and needs the deposit rule (定金罚则); without a deposit neither the
  date nor the rule applies.
- ``schedule_amounts``: the down payment has an amount (0 or more) and a date; a balance, if any,
  a positive amount and a date. (The loan's are ``loan_terms``'.)
- ``schedule_sum``: down payment + loan + balance is exactly the price.
- ``schedule_dates_in_order``: deposit ≤ down payment ≤ loan ≤ balance, by date (same day allowed).
- ``loan_terms``: a loan has its kind, a positive amount, the lending bank and a date, and the
  parties chose what happens if it is refused or falls short (``loan_shortfall``, which applies
  to a loan only).
- ``payment_method_agrees``: 贷款付款 (``mortgage``) exactly when there is a loan; 一次性付款
  (``lump_sum``) has neither a loan nor a balance; 分期付款 (``installment``) has a balance.
"""

from __future__ import annotations

from datetime import date

from signing_flow.errors import FieldProblem
from signing_flow.field_checks import choice, invalid_amount, not_applicable, required, text
from signing_flow.models import Contract
from signing_flow.sale_terms import DEPOSIT_RULE_LABELS, LOAN_KIND_LABELS, LOAN_SHORTFALL_LABELS
from signing_flow.terms import PaymentMethod

BASIS_POINTS = 10000
DEPOSIT_CAP_BP = 2000  # 20 % of the price, 民法典第五百八十六条
BANK_NAME_MAX_CHARS = 64


def deposit_cap(contract: Contract) -> list[FieldProblem]:
    deposit, price = contract.payment.deposit_fen, contract.price_fen
    if not deposit:
        return []
    if deposit < 0:
        return [invalid_amount("payment.deposit_fen", "定金", zero_allowed=True)]
    if price is None or price <= 0:
        return []  # the price's own problem is reported
    cap = price * DEPOSIT_CAP_BP // BASIS_POINTS
    if deposit <= cap:
        return []
    return [
        FieldProblem(
            "payment.deposit_fen",
            "DEPOSIT_CAP",
            f"定金 {deposit} 分超过成交价的 {DEPOSIT_CAP_BP // 100}%（{cap} 分），"
            f"民法典第五百八十六条 (deposit {deposit} exceeds {DEPOSIT_CAP_BP // 100}% "
            f"of the price, {cap})",
        )
    ]


def deposit_terms(contract: Contract) -> list[FieldProblem]:
    pay, rule = contract.payment, contract.breach.deposit_rule
    problems = []
    if not pay.deposit_fen:
        if pay.deposit_due is not None:
            problems.append(
                not_applicable("payment.deposit_due", "未约定定金时不填定金支付日期", "no deposit")
            )
        if rule is not None:
            problems.append(
                not_applicable("breach.deposit_rule", "未约定定金时不适用定金罚则", "no deposit")
            )
        return problems
    if pay.deposit_fen < 0:
        return []  # deposit_cap reports it
    if pay.deposit_due is None:
        problems.append(required("payment.deposit_due", "定金支付日期"))
    down = pay.down_payment.amount_fen
    if down is not None and pay.deposit_fen > down:
        problems.append(
            FieldProblem(
                "payment.deposit_fen",
                "DEPOSIT_OVER_DOWN_PAYMENT",
                f"定金抵作首付款，不能超过首付款 {down} 分 "
                f"(the deposit is credited to the down payment of {down})",
            )
        )
    problems += choice("breach.deposit_rule", rule, DEPOSIT_RULE_LABELS, "定金罚则")
    return problems


def schedule_amounts(contract: Contract) -> list[FieldProblem]:
    pay = contract.payment
    problems = []
    down = pay.down_payment
    if down.amount_fen is None:
        problems.append(required("payment.down_payment.amount_fen", "首付款金额（分）"))
    elif down.amount_fen < 0:
        problems.append(
            invalid_amount("payment.down_payment.amount_fen", "首付款", zero_allowed=True)
        )
    if down.due is None:
        problems.append(required("payment.down_payment.due", "首付款支付日期"))
    if pay.balance is not None:
        if pay.balance.amount_fen is None:
            problems.append(required("payment.balance.amount_fen", "尾款金额（分）"))
        elif pay.balance.amount_fen <= 0:
            problems.append(
                invalid_amount("payment.balance.amount_fen", "尾款", zero_allowed=False)
            )
        if pay.balance.due is None:
            problems.append(required("payment.balance.due", "尾款支付日期"))
    return problems


def schedule_sum(contract: Contract) -> list[FieldProblem]:
    pay, price = contract.payment, contract.price_fen
    amounts = [pay.down_payment.amount_fen]
    amounts += [pay.loan.amount_fen] if pay.loan else []
    amounts += [pay.balance.amount_fen] if pay.balance else []
    if price is None or price <= 0 or any(a is None for a in amounts):
        return []  # each missing amount is reported on its own path
    total = sum(a or 0 for a in amounts)
    if total == price:
        return []
    return [
        FieldProblem(
            "payment",
            "SCHEDULE_SUM",
            f"首付款、贷款与尾款合计 {total} 分，须等于成交价 {price} 分 "
            f"(the schedule sums to {total}, the price is {price})",
        )
    ]


def schedule_dates_in_order(contract: Contract) -> list[FieldProblem]:
    pay = contract.payment
    chain: list[tuple[str, str, date | None]] = [
        ("payment.deposit_due", "定金支付日期", pay.deposit_due),
        ("payment.down_payment.due", "首付款支付日期", pay.down_payment.due),
        ("payment.loan.due", "贷款支付日期", pay.loan.due if pay.loan else None),
        ("payment.balance.due", "尾款支付日期", pay.balance.due if pay.balance else None),
    ]
    problems = []
    latest: tuple[str, str, date] | None = None
    for path, label, day in chain:
        if day is None:
            continue
        if latest is not None and day < latest[2]:
            problems.append(
                FieldProblem(
                    path,
                    "DATE_ORDER",
                    f"{label}不能早于{latest[1]} ({path} is before {latest[0]})",
                )
            )
        else:
            latest = (path, label, day)
    return problems


def loan_terms(contract: Contract) -> list[FieldProblem]:
    pay, loan = contract.payment, contract.payment.loan
    if loan is None:
        if pay.loan_shortfall is None:
            return []
        return [not_applicable("payment.loan_shortfall", "没有贷款时不适用", "no loan")]
    problems = choice("payment.loan.kind", loan.kind, LOAN_KIND_LABELS, "贷款类型")
    if loan.amount_fen is None:
        problems.append(required("payment.loan.amount_fen", "贷款金额（分）"))
    elif loan.amount_fen <= 0:
        problems.append(invalid_amount("payment.loan.amount_fen", "贷款金额", zero_allowed=False))
    if not (loan.bank or "").strip():
        problems.append(required("payment.loan.bank", "贷款银行"))
    else:
        problems += text("payment.loan.bank", loan.bank, "贷款银行", BANK_NAME_MAX_CHARS)
    if loan.due is None:
        problems.append(required("payment.loan.due", "贷款支付日期"))
    problems += choice(
        "payment.loan_shortfall",
        pay.loan_shortfall,
        LOAN_SHORTFALL_LABELS,
        "贷款未获批准或核减时的处理",
    )
    return problems


def payment_method_agrees(contract: Contract) -> list[FieldProblem]:
    method, pay = contract.payment_method, contract.payment
    problems = []
    if method == PaymentMethod.MORTGAGE and pay.loan is None:
        problems.append(
            FieldProblem(
                "payment.loan",
                "REQUIRED",
                "贷款付款须填写贷款 (payment_method mortgage needs a loan)",
            )
        )
    elif method in (PaymentMethod.LUMP_SUM, PaymentMethod.INSTALLMENT) and pay.loan is not None:
        problems.append(
            not_applicable(
                "payment.loan", "仅贷款付款填写贷款", "a loan needs payment_method mortgage"
            )
        )
    if method == PaymentMethod.LUMP_SUM and pay.balance is not None:
        problems.append(
            not_applicable("payment.balance", "一次性付款没有尾款", "lump_sum has no balance")
        )
    elif method == PaymentMethod.INSTALLMENT and pay.balance is None:
        problems.append(
            FieldProblem(
                "payment.balance",
                "REQUIRED",
                "分期付款须填写尾款 (payment_method installment needs a balance)",
            )
        )
    return problems
