"""A filing order is generated only for a contract complete as submit judges it
(``contract_rules.ensure_complete_as_submitted``), on the day it was submitted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing_flow.contract_rules import ensure_complete_as_submitted
from signing_flow.errors import ValidationFailed
from signing_flow.roles import Actor, Role
from signing_flow.sale_terms import Fee
from signing_flow.vocabulary import ContractAction
from tests.unit.sale_contract_fixture import valid_contract

AGENT = Actor(account_id="p1", role=Role.PRACTITIONER, agency_id="a1")
SUBMITTED_AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Zhongshan


def test_dates_that_were_today_at_submit_do_not_stop_the_order_days_later() -> None:
    contract = valid_contract()
    contract.payment.deposit_due = SUBMITTED_AT.date()
    contract.apply(ContractAction.SUBMIT, AGENT, SUBMITTED_AT)
    ensure_complete_as_submitted(contract, SUBMITTED_AT + timedelta(days=3))


def test_a_contract_without_its_sale_terms_is_refused_with_what_is_missing() -> None:
    contract = valid_contract()
    contract.apply(ContractAction.SUBMIT, AGENT, SUBMITTED_AT)
    contract.dispute = None
    contract.taxes = {}
    with pytest.raises(ValidationFailed) as refused:
        ensure_complete_as_submitted(contract, SUBMITTED_AT)
    assert {p.path for p in refused.value.problems} == {"dispute", *(f"taxes.{f}" for f in Fee)}
