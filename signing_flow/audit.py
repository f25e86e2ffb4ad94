"""The audit events of a contract: a hash chain, and the outbox of its domain events.

Every change of a contract appends one event in the same compare-and-set as the change, so an
event exists exactly when its change was written. That makes the trail an outbox: a reader that
keeps a cursor (the last event id it handled) sees every domain event once, in order, however
the process that wrote it fared afterwards. ``type`` is the domain event's name (the webhook
name, ``party_signed``); ``action`` is what was done, as it was always stored.

Event ids are ``<contract id>-e<seq>``, like the order ids ``<contract id>-o<n>``: unique,
stable, derivable from the contract and the chain position alone, so events written before ids
existed get the same id when they are read.

The digest is versioned (``digest_v``; docs/audit.md is the integrator's description):

- **v2** (every event written since): SHA-256 of the canonical JSON of the event *as served*
  (``public_view``) without ``hash``. The caller's IP address and user agent are personal data
  and never served (DESIGN §9); the digest covers them through ``client_sha256``, a commitment
  to them under a random per-event nonce kept with the event. So anyone who may read the
  contract recomputes the whole chain from the API, and the platform alone can show which
  address an event came from. (An unsalted hash of an IPv4 address would be no mask: all 2^32
  are hashed in minutes.)
- **v1** (events stored before): every stored field but ``hash``, ``id`` and ``type``, the raw
  IP and user agent included. Old trails keep verifying here; from outside, only their links.
  ``id`` and ``type`` are functions of covered fields (the contract id, ``seq`` and
  ``action``), so ``verify_chain`` checks that they agree instead.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

from signing_flow.codec import Doc, to_doc
from signing_flow.roles import Actor
from signing_flow.vocabulary import ContractAction as C

GENESIS_HASH = "0" * 64
DIGEST_VERSION = 2  # what new events are written with
# What anyone who may read a contract sees of each event, in this order (``public_view``).
PUBLIC_FIELDS = (
    "id",
    "type",
    "seq",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "from_status",
    "to_status",
    "data",
    "prev_hash",
    "client_sha256",
    "digest_v",
    "hash",
)


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
    # 资金监管 (``usecases.fund_supervision``): the contract's status stays as it is
    FUND_SUPERVISION_OPENED = "fund_supervision_opened"  # 建设银行 龙存管 application
    FUND_SUPERVISION_SIGNED = "fund_supervision_signed"
    FUND_SUPERVISION_RECORDED = "fund_supervision_recorded"  # 农商行 agreement entered
    FUND_SUPERVISION_REJECTED = "fund_supervision_rejected"
    FUND_SUPERVISION_CANCELLED = "fund_supervision_cancelled"
    FUND_SUPERVISION_EXPIRED = "fund_supervision_expired"


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
    # Absent from events stored before v2, which read as v1 (module doc).
    digest_v: int = 1
    client_nonce: str | None = None  # never served: it would unmask the commitment
    client_sha256: str | None = None
    # The version the changed resource has once this event's write lands (the order's for an
    # order's or a party's event, else the contract's), for the public events
    # (``signing_flow.events``). Bookkeeping, not testimony: neither served nor digested.
    resource_version: int | None = None

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
    resource_version: int | None = None,
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
        digest_v=DIGEST_VERSION,
        resource_version=resource_version,
    )
    if actor.ip is not None or actor.user_agent is not None:
        event.client_nonce = secrets.token_hex(16)
        event.client_sha256 = client_commitment(event)
    event.hash = event_digest(event)
    events.append(event)
    return event


def canonical_json(value: Any) -> bytes:
    """Sorted keys at every level, no whitespace, UTF-8 with non-ASCII kept. (orjson gives the
    same bytes as ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` for
    the strings, integers, booleans and nulls events hold, in a tenth of the time.)"""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def client_commitment(event: AuditEvent) -> str | None:
    """SHA-256 of ``{"ip", "nonce", "user_agent"}``'s canonical JSON; None without a client."""
    if event.ip is None and event.user_agent is None:
        return None
    body = {"ip": event.ip, "nonce": event.client_nonce, "user_agent": event.user_agent}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def public_view(event: AuditEvent) -> Doc:
    """The event as served (``PUBLIC_FIELDS``): ``at`` in the stored fixed form, exactly the
    text the v2 digest covers."""
    doc = to_doc(event)
    doc["id"] = doc.pop("_id")
    return {name: doc[name] for name in PUBLIC_FIELDS}


def event_digest(event: AuditEvent) -> str:
    """The event's hash by its ``digest_v`` (module doc)."""
    if event.digest_v == DIGEST_VERSION:
        body = public_view(event)
    else:
        body = to_doc(event)
        del body["_id"], body["type"]
        del body["digest_v"], body["client_nonce"], body["client_sha256"]
        del body["resource_version"]
    del body["hash"]
    return hashlib.sha256(canonical_json(body)).hexdigest()


def verify_chain(contract_id: str, events: Sequence[AuditEvent]) -> bool:
    """True when every event's hash matches its content and links to the one before, its id and
    type are the ones its position and action give, and (v2) its ``client_sha256`` commits to
    the stored client."""
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
            or event.digest_v not in (1, DIGEST_VERSION)
            or (
                event.digest_v == DIGEST_VERSION and event.client_sha256 != client_commitment(event)
            )
        ):
            return event.seq
        prev = event.hash
    return None


def served_chain_break(contract_id: str, served: Sequence[Mapping[str, Any]]) -> int | None:
    """``chain_break`` for events as served (``public_view``), as an outside verifier has them:
    the same rules but the two that need what is never served (a v1 event's digest covers the
    raw client; ``client_sha256`` commits to it). So that a v2 event cannot pass as v1 to escape
    its digest, versions never go back along the chain; the caller pins how many v1 events lead
    it (the evidence manifest does). Returns the position (1-based) of the first break."""
    prev, seen_v2 = GENESIS_HASH, False
    for n, event in enumerate(served, 1):
        version = event.get("digest_v")
        body = {k: v for k, v in event.items() if k != "hash"}
        if (
            event.get("seq") != n
            or event.get("prev_hash") != prev
            or event.get("id") != event_id(contract_id, n)
            or event.get("type") != event_type_of(str(event.get("action")))
            or version not in (1, DIGEST_VERSION)
            or (version == 1 and seen_v2)
            or (
                version == DIGEST_VERSION
                and hashlib.sha256(canonical_json(body)).hexdigest() != event.get("hash")
            )
        ):
            return n
        seen_v2 = seen_v2 or version == DIGEST_VERSION
        prev = str(event.get("hash"))
    return None
