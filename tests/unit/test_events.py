"""The public events: one table from the audit trail, nothing personal in them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from signing_flow.audit import AuditEvent, EventType, append_event
from signing_flow.events import (
    INTERNAL,
    PUBLIC_TYPE,
    TYPE_LABELS,
    ContractHead,
    PublicType,
    feed_entry,
    public_view,
)
from signing_flow.roles import Actor, Role
from signing_flow.states import CONTRACT_ACTION_FOR_ORDER_END

HEAD = ContractHead("c1", "CL20260000001", "agency-demo", "acct-agent_li")
AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
PARTY = Actor("party:b1", Role.PARTY, ip="203.0.113.9", user_agent="WeChat")


def event(action: str, data: dict[str, Any] | None = None, actor: Actor = PARTY) -> AuditEvent:
    return append_event([], "c1", action, actor, AT, data, from_status=None, to_status="signing")


def test_every_audit_event_type_is_public_or_internal_and_never_both() -> None:
    keys = {t.value for t in EventType} - {EventType.ORDER_FAILED}
    keys |= {f"order_failed/{status.value}" for status in CONTRACT_ACTION_FOR_ORDER_END} - {
        "order_failed/cancelled",
        "order_failed/expired",
    }
    keys |= {"contract_deleted/unseen"}  # deleting a contract the feed never showed
    assert set(PUBLIC_TYPE) | INTERNAL == keys
    assert not set(PUBLIC_TYPE) & INTERNAL


def test_every_public_type_has_a_chinese_label() -> None:
    assert set(TYPE_LABELS) == set(PublicType)


def test_an_event_carries_ids_and_states_and_nothing_personal() -> None:
    recorded = event(
        "party_declined",
        {"order_id": "c1-o1", "party_id": "b1", "reason": "张三 13800138000 不想签"},
    )
    entry = feed_entry(HEAD, recorded)
    assert entry is not None
    view = public_view(entry)
    assert view["type"] == "party.declined" and view["type_label"] == "当事人拒绝签署"
    assert (view["order_id"], view["party_id"], view["contract_number"]) == (
        "c1-o1",
        "b1",
        "CL20260000001",
    )
    assert view["id"] == "c1-e1" and view["data"] == {}
    text = str(view)
    for personal in ("13800138000", "张三", "203.0.113.9", "WeChat", "party:b1", "acct-"):
        assert personal not in text


def test_the_third_failed_check_is_party_locked_and_a_decline_ends_the_order_quietly() -> None:
    locked = feed_entry(
        HEAD, event("order_failed", {"order_id": "c1-o1", "order_status": "failed"})
    )
    assert locked is not None and locked.type == "party.locked" and locked.party_id == "b1"
    assert locked.data == {"order_status": "failed"}
    declined = event("order_failed", {"order_id": "c1-o1", "order_status": "declined"})
    assert feed_entry(HEAD, declined) is None


def test_filing_and_cancelling_say_whether_online_or_at_the_window() -> None:
    staff = Actor("acct-center_chen", Role.CENTER_STAFF)
    for action, kind, channel in (
        ("file", "contract.filed", "online"),
        ("approve", "contract.filed", "window"),
        ("cancel", "contract.cancelled", "online"),
        ("window_cancel", "contract.cancelled", "window"),
    ):
        entry = feed_entry(HEAD, event(action, {}, staff))
        assert entry is not None and (entry.type, entry.data) == (kind, {"channel": channel})


def test_internal_events_make_no_entry() -> None:
    assert feed_entry(HEAD, event("qr_issued", {"order_id": "c1-o1", "party_id": "b1"})) is None
