"""The contract transition table and its audit trail."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from signing_flow.codec import to_doc
from signing_flow.errors import InvalidState
from signing_flow.models import (
    Actor,
    Channel,
    Contract,
    ContractStatus,
    PropertySnapshot,
    Role,
)
from signing_flow.states import (
    CONTRACT_LABELS,
    CONTRACT_TRANSITIONS,
    apply_transition,
    verify_chain,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
AGENT = Actor(account_id="a1", role=Role.PRACTITIONER, agency_id="g1", ip="127.0.0.1")


def a_contract() -> Contract:
    return Contract(
        id="c1",
        number="CL20260000001",
        status=ContractStatus.DRAFT,
        channel=Channel.ONLINE,
        agency_id="g1",
        practitioner_id="a1",
        property=PropertySnapshot("p1", "cert", "unit", "addr", "1", []),
        property_lock="p1",
        created_at=NOW,
        updated_at=NOW,
        purge_at=NOW,
    )


def test_every_status_has_a_chinese_label_and_a_row_in_the_table() -> None:
    assert set(CONTRACT_LABELS) == set(ContractStatus) == set(CONTRACT_TRANSITIONS)


def test_the_happy_path_runs_from_draft_to_filed() -> None:
    contract = a_contract()
    for action in ("submit", "create_order", "all_signed", "file"):
        apply_transition(contract, action, AGENT, NOW)
    assert contract.status is ContractStatus.FILED
    assert [e.action for e in contract.events] == ["submit", "create_order", "all_signed", "file"]


def test_a_refused_transition_raises_naming_the_state_and_what_it_allows() -> None:
    contract = a_contract()
    apply_transition(contract, "submit", AGENT, NOW)
    with pytest.raises(InvalidState) as err:
        apply_transition(contract, "file", AGENT, NOW)
    assert err.value.details["current_state"] == "submitted"
    assert err.value.details["allowed_actions"] == [
        "create_order",
        "delete",
        "edit",
        "purge",
        "window_intake",
    ]
    assert contract.status is ContractStatus.SUBMITTED and len(contract.events) == 1


def test_filed_contracts_cannot_be_edited_deleted_or_purged() -> None:
    allowed = CONTRACT_TRANSITIONS[ContractStatus.FILED]
    assert not {"edit", "delete", "purge"} & set(allowed)


def test_leaving_the_active_states_releases_the_property() -> None:
    contract = a_contract()
    apply_transition(contract, "delete", AGENT, NOW)
    assert contract.property_lock == "released:c1"


def test_the_audit_trail_is_a_hash_chain_that_detects_tampering() -> None:
    contract = a_contract()
    apply_transition(contract, "submit", AGENT, NOW)
    apply_transition(contract, "edit", AGENT, NOW, {"fields": ["price_fen"]})
    assert verify_chain(contract)
    assert contract.events[1].prev_hash == contract.events[0].hash
    contract.events[0].actor_id = "someone-else"
    assert not verify_chain(contract)


def test_an_events_hash_is_the_sha256_of_its_canonical_json() -> None:
    """Sorted keys, no whitespace, UTF-8: what anyone checking an exported trail rebuilds."""
    contract = a_contract()
    apply_transition(contract, "edit", AGENT, NOW, {"reason": '买方变更 "A/B"', "n": [1, True]})
    event = contract.events[-1]
    body = to_doc(event)
    del body["hash"]
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert event.hash == hashlib.sha256(canonical.encode()).hexdigest()
