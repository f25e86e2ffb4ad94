"""The sale contract's rules (``signing_flow.sale_rules``, ``property_rules``; the payment's are
in test_payment_rules): each change below breaks one rule of a valid contract, and submit names
the field and the code; every problem comes at once. (A contract stored before these parts
existed: tests/api/test_contracts_before_sale_terms.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from signing_flow.contract_rules import submission_problems
from signing_flow.sale_contract import Ancillary, Annex
from signing_flow.sale_terms import Fee
from tests.unit.sale_contract_fixture import (
    DELETE,
    PRICE,
    TODAY,
    case,
    changed,
    found,
    valid_contract,
)

YESTERDAY = TODAY - timedelta(days=1)
NOT_MORTGAGED = {
    "property_terms.mortgage.mortgaged": False,
    "property_terms.mortgage.discharge_before_transfer": None,
    "property_terms.mortgage.discharge_by": None,
}
NOT_LEASED = {"property_terms.lease.leased": False, "property_terms.lease.tenant_notice": None}
TEXT_CHARACTERS = ["\t", "\x00", "\u202e", "\u2066", "\u200f", "\u061c", "\u200b"]

CASES = [
    # property_description
    case({"property_terms.use": None}, "property_terms.use", "REQUIRED"),
    case({"property_terms.use": "villa"}, "property_terms.use", "INVALID"),
    case({"property_terms.nature": None}, "property_terms.nature", "REQUIRED"),
    case({"property_terms.nature": "x"}, "property_terms.nature", "INVALID"),
    case(
        {"property_terms.mortgage.mortgaged": None}, "property_terms.mortgage.mortgaged", "REQUIRED"
    ),
    case({"property_terms.lease.leased": None}, "property_terms.lease.leased", "REQUIRED"),
    # registry_agreement
    case({"property_terms.use": "commercial"}, "property_terms.use", "REGISTRY_MISMATCH"),
    case(NOT_MORTGAGED, "property_terms.mortgage.mortgaged", "REGISTRY_MISMATCH"),
    case(NOT_LEASED, "property_terms.lease.leased", "REGISTRY_MISMATCH"),
    # mortgage_discharge
    case(
        {"property_terms.mortgage.discharge_before_transfer": None},
        "property_terms.mortgage.discharge_before_transfer",
        "REQUIRED",
    ),
    case(
        {"property_terms.mortgage.discharge_by": None},
        "property_terms.mortgage.discharge_by",
        "REQUIRED",
    ),
    case(
        {"property_terms.mortgage.discharge_before_transfer": False},
        "property_terms.mortgage.discharge_by",
        "NOT_APPLICABLE",
        id="no-discharge-date-when-not-discharged-before-transfer",
    ),
    case(
        {"property.mortgaged": None, "property_terms.mortgage.mortgaged": False},
        "property_terms.mortgage.discharge_before_transfer",
        "NOT_APPLICABLE",
        id="no-discharge-plan-without-a-mortgage",
    ),
    # discharge_before_registration
    case(
        {"property_terms.mortgage.discharge_by": date(2027, 1, 16)},
        "property_terms.mortgage.discharge_by",
        "DATE_ORDER",
    ),
    # lease_notice
    case(
        {"property_terms.lease.tenant_notice": None},
        "property_terms.lease.tenant_notice",
        "REQUIRED",
    ),
    case(
        {"property_terms.lease.tenant_notice": "told"},
        "property_terms.lease.tenant_notice",
        "INVALID",
    ),
    case(
        {"property.leased": None, "property_terms.lease.leased": False},
        "property_terms.lease.tenant_notice",
        "NOT_APPLICABLE",
        id="no-tenant-notice-without-a-lease",
    ),
    # ancillary_items
    case(
        {"property_terms.ancillaries": [Ancillary("车位", 0)] * 21},
        "property_terms.ancillaries",
        "TOO_MANY",
    ),
    case(
        {"property_terms.ancillaries[0].name": " "},
        "property_terms.ancillaries[0].name",
        "REQUIRED",
    ),
    case(
        {"property_terms.ancillaries[0].name": "车" * 65},
        "property_terms.ancillaries[0].name",
        "TOO_LONG",
    ),
    case(
        {"property_terms.ancillaries[0].name": "车位\u202e"},
        "property_terms.ancillaries[0].name",
        "INVALID",
    ),
    case(
        {"property_terms.ancillaries[0].price_fen": None},
        "property_terms.ancillaries[0].price_fen",
        "REQUIRED",
    ),
    case(
        {"property_terms.ancillaries[0].price_fen": -1},
        "property_terms.ancillaries[0].price_fen",
        "INVALID",
    ),
    case(
        {"property_terms.ancillaries": [Ancillary("车位", PRICE), Ancillary("家电", 1)]},
        "property_terms.ancillaries",
        "ANCILLARIES_OVER_PRICE",
    ),
    # taxes_allocated
    *(case({f"taxes.{fee}": DELETE}, f"taxes.{fee}", "REQUIRED") for fee in Fee),
    case({"taxes.deed_tax": "nobody"}, "taxes.deed_tax", "INVALID"),
    case({"taxes.land_tax": "buyer"}, "taxes.land_tax", "EXTRA_FORBIDDEN"),
    # registration_deadline
    case({"transfer.registration_by": None}, "transfer.registration_by", "REQUIRED"),
    # delivery_conditions
    case({"transfer.delivery_conditions": []}, "transfer.delivery_conditions", "REQUIRED"),
    case({"transfer.delivery_conditions[0]": "pets"}, "transfer.delivery_conditions[0]", "INVALID"),
    case(
        {"transfer.delivery_conditions[1]": "keys"}, "transfer.delivery_conditions[1]", "DUPLICATE"
    ),
    # hukou_move_out
    case({"transfer.hukou_move_out_by": None}, "transfer.hukou_move_out_by", "REQUIRED"),
    case({"transfer.hukou_penalty_fen": None}, "transfer.hukou_penalty_fen", "REQUIRED"),
    case({"transfer.hukou_penalty_fen": 0}, "transfer.hukou_penalty_fen", "OUT_OF_RANGE"),
    case({"transfer.hukou_penalty_fen": PRICE + 1}, "transfer.hukou_penalty_fen", "OUT_OF_RANGE"),
    case(
        {"property_terms.use": "commercial", "transfer.hukou_move_out_by": None},
        "transfer.hukou_move_out_by",
        "REQUIRED",
        id="a-hukou-penalty-needs-a-deadline-for-any-use",
    ),
    # breach_penalties
    case({"breach.late_payment.mode": None}, "breach.late_payment.mode", "REQUIRED"),
    case({"breach.late_delivery.mode": "weekly"}, "breach.late_delivery.mode", "INVALID"),
    case(
        {"breach.late_payment.daily_rate_bp": None}, "breach.late_payment.daily_rate_bp", "REQUIRED"
    ),
    *(
        case(
            {"breach.late_payment.daily_rate_bp": bp},
            "breach.late_payment.daily_rate_bp",
            "OUT_OF_RANGE",
        )
        for bp in (0, 11)
    ),
    case({"breach.late_payment.fixed_fen": 1}, "breach.late_payment.fixed_fen", "NOT_APPLICABLE"),
    case({"breach.late_delivery.fixed_fen": None}, "breach.late_delivery.fixed_fen", "REQUIRED"),
    *(
        case(
            {"breach.late_delivery.fixed_fen": fen},
            "breach.late_delivery.fixed_fen",
            "OUT_OF_RANGE",
        )
        for fen in (0, PRICE * 3 // 10 + 1)
    ),
    case(
        {"breach.late_delivery.daily_rate_bp": 5},
        "breach.late_delivery.daily_rate_bp",
        "NOT_APPLICABLE",
    ),
    # termination_threshold
    case({"breach.terminate_after_days": None}, "breach.terminate_after_days", "REQUIRED"),
    *(
        case({"breach.terminate_after_days": n}, "breach.terminate_after_days", "OUT_OF_RANGE")
        for n in (0, 181)
    ),
    # dispute_mode
    case({"dispute": None}, "dispute", "REQUIRED"),
    case({"dispute": "arbitration,court"}, "dispute", "INVALID"),
    # supplementary_text
    case({"supplementary_terms": "条" * 2001}, "supplementary_terms", "TOO_LONG"),
    *(
        case({"supplementary_terms": f"补充{ch}条款"}, "supplementary_terms", "INVALID")
        for ch in TEXT_CHARACTERS
    ),
    # annex_list
    case({"annexes": [Annex("清单", text="空调")] * 11}, "annexes", "TOO_MANY"),
    case({"annexes[0].name": ""}, "annexes[0].name", "REQUIRED"),
    case({"annexes[0].name": "单" * 65}, "annexes[0].name", "TOO_LONG"),
    case({"annexes[0].name": "清单\u2066"}, "annexes[0].name", "INVALID"),
    case({"annexes[0].text": None}, "annexes[0].text", "REQUIRED"),
    case({"annexes[0].file_id": "upload-2"}, "annexes[0].file_id", "NOT_APPLICABLE"),
    case({"annexes[0].text": "字" * 5001}, "annexes[0].text", "TOO_LONG"),
    *(
        case({"annexes[0].text": f"空调{ch}三台"}, "annexes[0].text", "INVALID")
        for ch in TEXT_CHARACTERS
    ),
    case({"annexes": []}, "annexes", "REQUIRED", id="furnishings-per-list-needs-an-annex"),
    case(
        {"annexes": [Annex("定金收据", file_id="f-1")]},
        "annexes",
        "REQUIRED",
        id="furnishings-per-list-needs-the-list-not-any-annex",
    ),
    # dates_not_in_past
    *(
        case({path: YESTERDAY}, path, "IN_THE_PAST")
        for path in (
            "property_terms.mortgage.discharge_by",
            "payment.deposit_due",
            "payment.down_payment.due",
            "payment.loan.due",
            "payment.balance.due",
            "transfer.registration_by",
            "transfer.hukou_move_out_by",
        )
    ),
]


def test_the_valid_contract_has_no_problems() -> None:
    assert submission_problems(valid_contract(), TODAY) == []


@pytest.mark.parametrize(("edits", "path", "code"), CASES)
def test_each_sale_rule_names_its_field(edits: dict[str, Any], path: str, code: str) -> None:
    assert (path, code) in found(changed(edits))


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param({"property.mortgaged": None, **NOT_MORTGAGED}, id="registry-unknown-mortgage"),
        pytest.param({"property.leased": None, **NOT_LEASED}, id="registry-unknown-lease"),
        pytest.param(
            {"property.use": None, "property_terms.use": "office"}, id="registry-unknown-use"
        ),
        pytest.param(
            {
                "property.use": "commercial",
                "property_terms.use": "commercial",
                "transfer.hukou_move_out_by": None,
                "transfer.hukou_penalty_fen": None,
            },
            id="no-hukou-terms-for-a-shop",
        ),
        pytest.param({"property_terms.ancillaries": [Ancillary("车位", 0)] * 20}, id="20-items"),
        pytest.param({"property_terms.ancillaries[0].name": "车" * 64}, id="64-char-name"),
        pytest.param({"breach.late_payment.daily_rate_bp": 1}, id="rate-1"),
        pytest.param({"breach.late_payment.daily_rate_bp": 10}, id="rate-10"),
        pytest.param({"breach.late_delivery.fixed_fen": PRICE * 3 // 10}, id="fixed-30-percent"),
        pytest.param({"breach.terminate_after_days": 1}, id="terminate-1"),
        pytest.param({"breach.terminate_after_days": 180}, id="terminate-180"),
        pytest.param({"supplementary_terms": "条\r\n" * 666 + "条\n"}, id="2000-chars-lines"),
        pytest.param({"supplementary_terms": None}, id="no-supplementary-terms"),
        pytest.param({"annexes": [Annex("清单", text="空调")] * 10}, id="10-annexes"),
        pytest.param({"annexes[0].text": "字" * 5000}, id="5000-char-annex"),
        pytest.param(
            {"transfer.delivery_conditions": ["keys"], "annexes": []}, id="no-list-no-annex"
        ),
        pytest.param(
            {
                "property_terms.mortgage.discharge_by": TODAY,
                "payment.deposit_due": TODAY,
                "payment.down_payment.due": TODAY,
                "payment.loan.due": TODAY,
                "payment.balance.due": TODAY,
                "transfer.registration_by": TODAY,
                "transfer.hukou_move_out_by": TODAY,
                "delivery_date": TODAY,
            },
            id="every-date-today",
        ),
    ],
)
def test_what_the_rules_allow_is_accepted(edits: dict[str, Any]) -> None:
    assert found(changed(edits)) == set()


def test_a_choice_is_refused_naming_the_values_it_takes() -> None:
    problems = submission_problems(changed({"dispute": None, "taxes.vat": "x"}), TODAY)
    messages = {p.path: p.message for p in problems}
    assert messages["dispute"].endswith("(one of arbitration, court)")
    assert messages["taxes.vat"].endswith("(one of buyer, by_law, seller)")


def test_every_problem_comes_at_once() -> None:
    contract = changed(
        {
            "property_terms.nature": None,
            "property_terms.lease.tenant_notice": None,
            "payment.deposit_fen": PRICE // 2,
            "payment.loan.bank": None,
            "taxes.vat": DELETE,
            "breach.late_payment.daily_rate_bp": 50,
            "dispute": None,
            "annexes[1].file_id": None,
            "transfer.registration_by": YESTERDAY,
            "price_fen": None,
        }
    )
    assert found(contract) >= {
        ("property_terms.nature", "REQUIRED"),
        ("property_terms.lease.tenant_notice", "REQUIRED"),
        ("payment.deposit_fen", "DEPOSIT_OVER_DOWN_PAYMENT"),
        ("payment.loan.bank", "REQUIRED"),
        ("taxes.vat", "REQUIRED"),
        ("breach.late_payment.daily_rate_bp", "OUT_OF_RANGE"),
        ("dispute", "REQUIRED"),
        ("annexes[1].text", "REQUIRED"),
        ("transfer.registration_by", "IN_THE_PAST"),
        ("price_fen", "REQUIRED"),
    }
