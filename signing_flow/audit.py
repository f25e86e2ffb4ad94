"""The audit events of a contract: a hash chain, and the outbox of its domain events.

Every change of a contract appends one event in the same compare-and-set as the change, so an
event exists exactly when its change was written. That makes the trail an outbox: a reader that
keeps a cursor (the last event id it handled) sees every domain event once, in order, however
the process that wrote it fared afterwards. ``type`` is the domain event's name (the webhook
name, ``party_signed``); ``action`` is what was done, as it was always stored.

Event ids are ``<contract id>-e<seq>``, like the order ids ``<contract id>-o<n>``: unique,
stable, derivable from the contract and the chain position alone, so events written before ids
existed get the same id when they are read.

The hash of an event covers what it covered before ids and types: every field but ``hash``,
``id`` and ``type``. Both are functions of covered fields (the contract id, ``seq`` and
``action``), so old trails keep verifying and ``verify_chain`` checks that they agree instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

from signing_flow.codec import to_doc
from signing_flow.roles import Actor
from signing_flow.vocabulary import ContractAction as C

GENESIS_HASH = "0" * 64


class EventType(StrEnum):
    """The domain events a contract's trail records: what reactions (webhooks) hang on."""

    CONTRACT_CREATED = "contract_created"
    CONTRACT_EDITED = "contract_edited"
    CONTRACT_SUBMITTED = "contract_submitted"
    CONTRACT_DELETED = "contract_deleted"
    CONTRACT_PURGED = "contract_purged"
    SIGNING_STARTED = "signing_started"
    ORDER_CREATED = "order_created"
    QR_ISSUED = "qr_issued"
    PARTY_OPENED = "party_opened"
    PARTY_REVIEWED = "party_reviewed"
    PARTY_CONFIRMED = "party_confirmed"
    PARTY_CHECK_FAILED = "party_check_failed"
    PARTY_IDENTITY_VERIFIED = "party_identity_verified"
    PARTY_SIGNED = "party_signed"
    PARTY_DECLINED = "party_declined"
    ORDER_COMPLETED = "order_completed"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_EXPIRED = "order_expired"
    ORDER_FAILED = "order_failed"
    CONTRACT_FILED = "contract_filed"  # online (order submitted) or at the window (approved)
    CANCELLATION_REQUESTED = "cancellation_requested"
    CONTRACT_CANCELLED = "contract_cancelled"  # online or at the window
    WINDOW_CASE_OPENED = "window_case_opened"
    WINDOW_APPEARANCE_RECORDED = "window_appearance_recorded"
    WINDOW_DOCUMENT_UPLOADED = "window_document_uploaded"
    WINDOW_SIGNED_PAGES_UPLOADED = "window_signed_pages_uploaded"
    WINDOW_REVIEW_STARTED = "window_review_started"
    WINDOW_CASE_REJECTED = "window_case_rejected"
    WINDOW_CANCELLATION_SUBMITTED = "window_cancellation_submitted"
    WINDOW_CANCELLATION_REJECTED = "window_cancellation_rejected"


# The event type of each recorded action whose name is not already the type's.
_TYPE_OF_ACTION: dict[str, EventType] = {
    "create": EventType.CONTRACT_CREATED,
    C.EDIT: EventType.CONTRACT_EDITED,
    C.SUBMIT: EventType.CONTRACT_SUBMITTED,
    C.DELETE: EventType.CONTRACT_DELETED,
    C.PURGE: EventType.CONTRACT_PURGED,
    C.CREATE_ORDER: EventType.SIGNING_STARTED,
    C.ALL_SIGNED: EventType.ORDER_COMPLETED,
    C.FILE: EventType.CONTRACT_FILED,
    C.APPROVE: EventType.CONTRACT_FILED,
    C.REQUEST_CANCELLATION: EventType.CANCELLATION_REQUESTED,
    C.CANCEL: EventType.CONTRACT_CANCELLED,
    C.WINDOW_CANCEL: EventType.CONTRACT_CANCELLED,
    C.WINDOW_INTAKE: EventType.WINDOW_REVIEW_STARTED,
    C.REJECT: EventType.WINDOW_CASE_REJECTED,
}


def event_type_of(action: str) -> str:
    """The domain event type an action records (the action itself when no type names it:
    only possible for a trail written by hand; ``append_event`` refuses such actions)."""
    return _TYPE_OF_ACTION.get(action) or action


def event_id(contract_id: str, seq: int) -> str:
    return f"{contract_id}-e{seq}"


@dataclass
class AuditEvent:
    seq: int
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str | None
    ip: str | None
    user_agent: str | None
    prev_hash: str
    hash: str
    data: dict[str, Any] = field(default_factory=dict)
    # Stored since the outbox; "" when read from an older document, then derived (module doc).
    id: str = ""
    type: str = ""

    def __post_init__(self) -> None:
        if not self.type:
            self.type = event_type_of(self.action)


def append_event(
    events: list[AuditEvent],
    contract_id: str,
    action: str,
    actor: Actor,
    at: datetime,
    data: dict[str, Any] | None,
    *,
    from_status: str | None,
    to_status: str,
) -> AuditEvent:
    """Append an event chained to the previous one by its hash (tamper-evident trail)."""
    seq = events[-1].seq + 1 if events else 1
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor.account_id,
        actor_role=actor.role.value,
        action=str(action),
        from_status=from_status,
        to_status=to_status,
        ip=actor.ip,
        user_agent=actor.user_agent,
        prev_hash=events[-1].hash if events else GENESIS_HASH,
        hash="",
        data=data or {},
        id=event_id(contract_id, seq),
        type=EventType(event_type_of(action)).value,
    )
    event.hash = event_digest(event)
    events.append(event)
    return event


def event_digest(event: AuditEvent) -> str:
    """SHA-256 of the event's canonical JSON without ``hash``, ``id`` and ``type``: sorted
    keys, no whitespace, UTF-8. (orjson gives the same bytes as ``json.dumps(sort_keys=True,
    ensure_ascii=False, separators=(",", ":"))`` for the strings, integers and booleans events
    hold, in a tenth of the time.)"""
    body = to_doc(event)
    del body["hash"], body["_id"], body["type"]
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def verify_chain(contract_id: str, events: Sequence[AuditEvent]) -> bool:
    """True when every event's hash matches its content and links to the one before, and its
    id and type are the ones its position and action give."""
    return chain_break(contract_id, events) is None


def chain_break(contract_id: str, events: Sequence[AuditEvent]) -> int | None:
    """The ``seq`` of the first event that does not verify (see ``verify_chain``), or None."""
    prev = GENESIS_HASH
    for event in events:
        if (
            event.prev_hash != prev
            or event.hash != event_digest(event)
            or event.id != event_id(contract_id, event.seq)
            or event.type != event_type_of(event.action)
        ):
            return event.seq
        prev = event.hash
    return None
