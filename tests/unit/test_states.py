"""The transition tables, the one state machine that runs them, and the contract's audit trail."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from signing_flow.audit import (
    GENESIS_HASH,
    AuditEvent,
    event_digest,
    public_view,
    verify_chain,
)
from signing_flow.codec import from_doc, to_doc
from signing_flow.errors import InvalidState
from signing_flow.models import Contract, OrderParty, PropertySnapshot, SigningOrder
from signing_flow.roles import SYSTEM_ACTOR, Actor, Role
from signing_flow.states import CONTRACT_TRANSITIONS, ORDER_TRANSITIONS, PARTY_TRANSITIONS
from signing_flow.vocabulary import (
    CONTRACT_LABELS,
    Channel,
    ContractAction,
    ContractStatus,
    OrderAction,
    OrderPurpose,
    OrderStatus,
    PartyAction,
    PartyRole,
)

C = ContractAction
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


def an_order() -> SigningOrder:
    party = OrderParty("s1", PartyRole.SELLER, "张三", "resident_id", "x")
    return SigningOrder(
        "c1-o1", OrderPurpose.FILING, OrderStatus.AWAITING_SIGNATURES, NOW, NOW, "doc", "h", [party]
    )


def test_every_status_has_a_chinese_label_and_a_row_in_the_table() -> None:
    assert set(CONTRACT_LABELS) == set(ContractStatus) == set(CONTRACT_TRANSITIONS)


def test_the_happy_path_runs_from_draft_to_filed() -> None:
    contract = a_contract()
    for action in (C.SUBMIT, C.CREATE_ORDER, C.ALL_SIGNED, C.FILE):
        contract.apply(action, AGENT, NOW)
    assert contract.status is ContractStatus.FILED
    assert [e.action for e in contract.events] == ["submit", "create_order", "all_signed", "file"]


def test_a_refused_transition_names_the_state_and_what_the_caller_may_do_instead() -> None:
    contract = a_contract()
    contract.apply(C.SUBMIT, AGENT, NOW)
    with pytest.raises(InvalidState) as err:
        contract.apply(C.FILE, AGENT, NOW)
    assert err.value.code == "CONTRACT_STATE_CONFLICT"
    assert err.value.details == {
        "current_state": "submitted",
        "current_state_label": "已提交",
        "allowed_actions": ["create_order", "delete", "edit"],
    }
    assert err.value.message == (
        "合同当前状态为「已提交」，不能执行 file (the contract is submitted; file is not allowed)"
    )
    assert contract.status is ContractStatus.SUBMITTED and len(contract.events) == 1


def test_filed_contracts_cannot_be_edited_deleted_or_purged() -> None:
    allowed = CONTRACT_TRANSITIONS[ContractStatus.FILED]
    assert not {C.EDIT, C.DELETE, C.PURGE} & set(allowed)


def test_leaving_the_active_states_releases_the_property() -> None:
    contract = a_contract()
    contract.apply(C.DELETE, AGENT, NOW)
    assert contract.property_lock == "released:c1"


def test_an_order_refuses_an_agent_action_naming_only_agent_actions() -> None:
    order = an_order()
    with pytest.raises(InvalidState) as err:
        order.apply(OrderAction.SUBMIT, NOW)
    assert err.value.code == "ORDER_STATE_CONFLICT"
    assert err.value.details["allowed_actions"] == ["cancel"]
    order.apply(OrderAction.CANCEL, NOW)
    assert order.status is OrderStatus.CANCELLED and order.ended_at == NOW and order.version == 2


def test_a_party_step_out_of_order_names_the_next_step() -> None:
    order = an_order()
    party = order.parties[0]
    with pytest.raises(InvalidState) as err:
        order.step(party, PartyAction.CONFIRM, NOW)
    assert err.value.code == "OUT_OF_ORDER"
    assert err.value.details == {
        "current_state": "pending",
        "allowed_actions": ["open"],
        "next_step": "open",
        "current_state_label": "待扫码",
    }
    order.step(party, PartyAction.OPEN, NOW)
    assert party.step_times == {"opened": NOW} and order.version == 2


def test_the_tables_name_their_actions_with_the_enums() -> None:
    for table in (CONTRACT_TRANSITIONS, ORDER_TRANSITIONS, PARTY_TRANSITIONS):
        for row in table.values():
            assert all(isinstance(a, type(next(iter(row)))) for a in row)


# ---- the audit trail -----------------------------------------------------------------------


def test_the_audit_trail_is_a_hash_chain_that_detects_tampering() -> None:
    contract = a_contract()
    contract.apply(C.SUBMIT, AGENT, NOW)
    contract.apply(C.EDIT, AGENT, NOW, {"fields": ["price_fen"]})
    assert verify_chain("c1", contract.events)
    assert contract.events[1].prev_hash == contract.events[0].hash
    contract.events[0].actor_id = "someone-else"
    assert not verify_chain("c1", contract.events)


def test_an_events_id_and_type_must_agree_with_its_position_and_action() -> None:
    contract = a_contract()
    contract.apply(C.SUBMIT, AGENT, NOW)
    contract.events[0].type = "contract_filed"
    assert not verify_chain("c1", contract.events)
    contract.events[0].type = "contract_submitted"
    assert verify_chain("c1", contract.events)
    assert not verify_chain("c2", contract.events)


def test_an_events_hash_is_the_sha256_of_its_canonical_json_as_served_without_hash() -> None:
    """v2: sorted keys, no whitespace, UTF-8, over the served fields; the client's address only
    through its salted commitment. What anyone checking the trail from the API rebuilds."""
    contract = a_contract()
    contract.apply(C.EDIT, AGENT, NOW, {"reason": '买方变更 "A/B"', "n": [1, True]})
    event = contract.events[-1]
    served = public_view(event)
    assert "ip" not in served and "user_agent" not in served and "client_nonce" not in served
    assert "127.0.0.1" not in json.dumps(served)
    assert served["digest_v"] == 2 and served["at"] == "2026-11-25T02:00:00.000000+00:00"
    body = {k: v for k, v in served.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert event.hash == hashlib.sha256(canonical.encode()).hexdigest()
    client = {"ip": "127.0.0.1", "nonce": event.client_nonce, "user_agent": None}
    client_json = json.dumps(client, sort_keys=True, separators=(",", ":"))
    assert served["client_sha256"] == hashlib.sha256(client_json.encode()).hexdigest()


def test_a_changed_client_address_breaks_the_chain_though_it_is_not_served() -> None:
    contract = a_contract()
    contract.apply(C.SUBMIT, AGENT, NOW)
    assert verify_chain("c1", contract.events)
    contract.events[0].ip = "10.0.0.9"
    assert not verify_chain("c1", contract.events)


def test_an_event_without_a_client_commits_to_nothing() -> None:
    contract = a_contract()
    contract.apply(C.SUBMIT, SYSTEM_ACTOR, NOW)
    event = contract.events[0]
    assert event.client_sha256 is None and event.client_nonce is None
    assert verify_chain("c1", contract.events)


def test_each_event_has_a_stable_id_and_the_type_of_its_domain_event() -> None:
    contract = a_contract()
    contract.record("create", AGENT, NOW)
    contract.apply(C.SUBMIT, AGENT, NOW)
    contract.record("order_created", AGENT, NOW)
    contract.apply(C.CREATE_ORDER, AGENT, NOW)
    contract.record("party_signed", AGENT, NOW)
    contract.apply(C.ALL_SIGNED, AGENT, NOW)
    contract.apply(C.FILE, AGENT, NOW)
    assert [(e.id, e.type) for e in contract.events] == [
        ("c1-e1", "contract_created"),
        ("c1-e2", "contract_submitted"),
        ("c1-e3", "order_created"),
        ("c1-e4", "signing_started"),
        ("c1-e5", "party_signed"),
        ("c1-e6", "order_completed"),
        ("c1-e7", "contract_filed"),
    ]
    stored = to_doc(contract)["events"][0]
    assert (stored["_id"], stored["type"]) == ("c1-e1", "contract_created")


def test_an_action_no_event_type_names_is_refused() -> None:
    with pytest.raises(ValueError):
        a_contract().record("something_new", AGENT, NOW)


def test_events_stored_before_ids_and_types_read_with_derived_ones_and_still_verify() -> None:
    """A trail written by the previous version: no ``id`` or ``type`` in its documents."""
    old = []
    prev = GENESIS_HASH
    for seq, action in enumerate(("create", "submit", "window_intake"), 1):
        body = {
            "seq": seq,
            "at": "2026-11-25T02:00:00.000000+00:00",
            "actor_id": "a1",
            "actor_role": "practitioner",
            "action": action,
            "from_status": None,
            "to_status": "draft",
            "ip": None,
            "user_agent": None,
            "prev_hash": prev,
            "data": {},
        }
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        prev = body["hash"] = hashlib.sha256(canonical.encode()).hexdigest()
        old.append(body)
    contract = from_doc(Contract, {**to_doc(a_contract()), "events": old})
    assert [(e.id, e.type) for e in contract.events] == [
        ("c1-e1", "contract_created"),
        ("c1-e2", "contract_submitted"),
        ("c1-e3", "window_review_started"),
    ]
    assert verify_chain("c1", contract.events)
    assert event_digest(contract.events[0]) == old[0]["hash"]


def test_new_events_are_those_recorded_since_the_contract_was_read() -> None:
    contract = from_doc(Contract, to_doc(a_contract()))
    contract.record("create", AGENT, NOW)
    contract = from_doc(Contract, to_doc(contract))
    assert contract.new_events() == []
    contract.apply(C.SUBMIT, AGENT, NOW)
    assert [e.action for e in contract.new_events()] == ["submit"]
    contract.events_handed_on()
    assert contract.new_events() == []


def test_an_unknown_stored_action_still_reads() -> None:
    event = AuditEvent(1, NOW, "a1", "practitioner", "legacy", None, None, None, None, "0", "h")
    assert event.type == "legacy"
