"""The contract's vocabulary: every term has a label."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest

from signing_flow.terms import (
    ACKNOWLEDGEMENT_TEXTS,
    BANK_CONTRACT_NAMES,
    BANK_LABELS,
    CO_OWNERSHIP_LABELS,
    EVALUATION_LABELS,
    ID_TYPE_LABELS,
    PAYMENT_METHOD_LABELS,
    Acknowledgement,
    Bank,
    CoOwnership,
    EvaluationLevel,
    IdType,
    PaymentMethod,
)


@pytest.mark.parametrize(
    ("kind", "labels"),
    [
        (IdType, ID_TYPE_LABELS),
        (CoOwnership, CO_OWNERSHIP_LABELS),
        (PaymentMethod, PAYMENT_METHOD_LABELS),
        (Bank, BANK_LABELS),
        (Bank, BANK_CONTRACT_NAMES),
        (EvaluationLevel, EVALUATION_LABELS),
        (Acknowledgement, ACKNOWLEDGEMENT_TEXTS),
    ],
)
def test_every_term_has_a_label(kind: type[Enum], labels: dict[Any, str]) -> None:
    assert set(labels) == {member.value for member in kind}
    assert all(text.strip() for text in labels.values())


def test_the_contract_names_a_supervising_bank_without_the_agents_notes() -> None:
    # The labels say how supervision is set up (线上办理, 线下支行办理): words for the agent's
    # form, not a term of the contract.
    assert all("（" not in name and "办理" not in name for name in BANK_CONTRACT_NAMES.values())
