"""The price and payment rules (``signing_flow.payment_rules``): each change below breaks one
rule of a valid contract, and submit names the field and the code."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from signing_flow.payment_rules import schedule_sum
from signing_flow.sale_contract import Instalment, Loan
from tests.unit.sale_contract_fixture import PRICE, case, changed, found

CASES = [
    # deposit_cap: at most 20 % of the price (民法典第五百八十六条)
    case({"payment.deposit_fen": PRICE // 5 + 1}, "payment.deposit_fen", "DEPOSIT_CAP"),
    case({"payment.deposit_fen": -1}, "payment.deposit_fen", "INVALID"),
    # deposit_terms
    case({"payment.deposit_due": None}, "payment.deposit_due", "REQUIRED"),
    case(
        {"payment.deposit_fen": 60_000_001},
        "payment.deposit_fen",
        "DEPOSIT_OVER_DOWN_PAYMENT",
        id="deposit-over-down-payment",
    ),
    case({"breach.deposit_rule": None}, "breach.deposit_rule", "REQUIRED"),
    case({"breach.deposit_rule": "keep_it"}, "breach.deposit_rule", "INVALID"),
    case({"payment.deposit_fen": None}, "payment.deposit_due", "NOT_APPLICABLE"),
    case({"payment.deposit_fen": 0}, "breach.deposit_rule", "NOT_APPLICABLE"),
    # schedule_amounts
    case({"payment.down_payment.amount_fen": None}, "payment.down_payment.amount_fen", "REQUIRED"),
    case({"payment.down_payment.amount_fen": -1}, "payment.down_payment.amount_fen", "INVALID"),
    case({"payment.down_payment.due": None}, "payment.down_payment.due", "REQUIRED"),
    case({"payment.balance.amount_fen": None}, "payment.balance.amount_fen", "REQUIRED"),
    case({"payment.balance.amount_fen": 0}, "payment.balance.amount_fen", "INVALID"),
    case({"payment.balance.due": None}, "payment.balance.due", "REQUIRED"),
    # schedule_sum
    case({"payment.loan.amount_fen": 130_000_001}, "payment", "SCHEDULE_SUM"),
    case({"payment.balance": None}, "payment", "SCHEDULE_SUM"),
    case({"price_fen": PRICE - 100}, "payment", "SCHEDULE_SUM"),
    # schedule_dates_in_order: deposit ≤ down payment ≤ loan ≤ balance
    case({"payment.deposit_due": date(2026, 12, 6)}, "payment.down_payment.due", "DATE_ORDER"),
    case({"payment.loan.due": date(2026, 12, 4)}, "payment.loan.due", "DATE_ORDER"),
    case({"payment.balance.due": date(2027, 1, 19)}, "payment.balance.due", "DATE_ORDER"),
    case(
        {"payment.loan": None, "payment.balance.due": date(2026, 12, 4)},
        "payment.balance.due",
        "DATE_ORDER",
        id="balance-before-down-payment-without-a-loan",
    ),
    # loan_terms
    case({"payment.loan.kind": None}, "payment.loan.kind", "REQUIRED"),
    case({"payment.loan.kind": "bridge"}, "payment.loan.kind", "INVALID"),
    case({"payment.loan.amount_fen": None}, "payment.loan.amount_fen", "REQUIRED"),
    case({"payment.loan.amount_fen": 0}, "payment.loan.amount_fen", "INVALID"),
    case({"payment.loan.bank": None}, "payment.loan.bank", "REQUIRED"),
    case({"payment.loan.bank": "  "}, "payment.loan.bank", "REQUIRED"),
    case({"payment.loan.bank": "银" * 65}, "payment.loan.bank", "TOO_LONG"),
    case({"payment.loan.bank": "建设银行\u202e"}, "payment.loan.bank", "INVALID"),
    case({"payment.loan.due": None}, "payment.loan.due", "REQUIRED"),
    case({"payment.loan_shortfall": None}, "payment.loan_shortfall", "REQUIRED"),
    case({"payment.loan_shortfall": "pray"}, "payment.loan_shortfall", "INVALID"),
    case(
        {"payment_method": "installment", "payment.loan": None},
        "payment.loan_shortfall",
        "NOT_APPLICABLE",
        id="loan-shortfall-without-a-loan",
    ),
    # payment_method_agrees
    case({"payment.loan": None}, "payment.loan", "REQUIRED", id="mortgage-needs-a-loan"),
    case({"payment_method": "lump_sum"}, "payment.loan", "NOT_APPLICABLE"),
    case({"payment_method": "installment"}, "payment.loan", "NOT_APPLICABLE"),
    case({"payment_method": "lump_sum"}, "payment.balance", "NOT_APPLICABLE"),
    case(
        {"payment_method": "installment", "payment.loan": None, "payment.balance": None},
        "payment.balance",
        "REQUIRED",
        id="installment-needs-a-balance",
    ),
]


@pytest.mark.parametrize(("edits", "path", "code"), CASES)
def test_each_payment_rule_names_its_field(edits: dict[str, Any], path: str, code: str) -> None:
    assert (path, code) in found(changed(edits))


def test_a_deposit_of_exactly_20_percent_is_accepted() -> None:
    assert found(changed({"payment.deposit_fen": PRICE // 5})) == set()


def test_the_schedule_sum_names_the_sum_and_the_price() -> None:
    contract = changed({"payment.loan.amount_fen": 130_000_001})
    (problem,) = schedule_sum(contract)
    assert "198000001" in problem.message and "198000000" in problem.message


def test_a_down_payment_of_0_is_accepted_when_the_loan_covers_it() -> None:
    contract = changed(
        {
            "payment.deposit_fen": None,
            "payment.deposit_due": None,
            "breach.deposit_rule": None,
            "payment.down_payment.amount_fen": 0,
            "payment.loan.amount_fen": 190_000_000,
        }
    )
    assert found(contract) == set()


def test_a_lump_sum_is_one_down_payment_and_an_installment_adds_a_balance() -> None:
    lump = changed({"payment_method": "lump_sum", "payment.loan": None, "payment.balance": None})
    lump.payment.loan_shortfall = None
    lump.payment.down_payment = Instalment(amount_fen=PRICE, due=date(2026, 12, 5))
    assert found(lump) == set()
    installment = changed({"payment_method": "installment", "payment.loan": None})
    installment.payment.loan_shortfall = None
    installment.payment.balance = Instalment(amount_fen=138_000_000, due=date(2027, 1, 5))
    assert found(installment) == set()


def test_instalments_due_on_the_same_day_are_in_order() -> None:
    day = date(2026, 12, 5)
    contract = changed({"payment.deposit_due": day, "payment.balance.due": date(2027, 1, 20)})
    contract.payment.loan = Loan("combined", 130_000_000, "中山农商银行", day)
    assert found(contract) == set()
