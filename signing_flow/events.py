"""The events integrators get, in the feed and by webhook: each a public view of one audit event.

The audit trail (``signing_flow.audit``) records every change of a contract; most of it is of
no use outside (an edit, a QR code shown again, a window upload), and all of it names accounts
and carries details. ``PUBLIC_TYPE`` is the one table of which audit events integrators see and
under which name; ``feed_entry`` makes the entry, keeping the audit event's id (stable across
retries and copies) and nothing personal: no name, ID number, phone, account or reason, only
ids, types, states and the changed resource's version.

An event that is not a contract's (an endpoint disabled after failing for days) is made by
``endpoint_event`` and has an id of its own kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from signing_flow.audit import AuditEvent, EventType
from signing_flow.codec import encode_time
from signing_flow.vocabulary import CONTRACT_LABELS, ContractStatus
from signing_flow.vocabulary import ContractAction as C


class PublicType(StrEnum):
    CONTRACT_SUBMITTED = "contract.submitted"
    ORDER_CREATED = "order.created"
    PARTY_OPENED = "party.opened"
    PARTY_REVIEWED = "party.reviewed"
    PARTY_CONFIRMED = "party.confirmed"
    PARTY_IDENTITY_VERIFIED = "party.identity_verified"
    PARTY_SIGNED = "party.signed"
    PARTY_DECLINED = "party.declined"
    PARTY_LOCKED = "party.locked"
    ORDER_COMPLETED = "order.completed"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_EXPIRED = "order.expired"
    CONTRACT_FILED = "contract.filed"
    CANCELLATION_REQUESTED = "cancellation.requested"
    CONTRACT_CANCELLED = "contract.cancelled"
    CONTRACT_PURGED = "contract.purged"
    CONTRACT_DELETED = "contract.deleted"
    WINDOW_REVIEW_STARTED = "window.review_started"
    WINDOW_REJECTED = "window.rejected"
    WINDOW_CANCELLATION_REJECTED = "window.cancellation_rejected"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    FUND_SUPERVISION_OPENED = "fund_supervision.opened"
    FUND_SUPERVISION_SIGNED = "fund_supervision.signed"
    FUND_SUPERVISION_REJECTED = "fund_supervision.rejected"
    FUND_SUPERVISION_CANCELLED = "fund_supervision.cancelled"
    FUND_SUPERVISION_EXPIRED = "fund_supervision.expired"


TYPE_LABELS: dict[PublicType, str] = {
    PublicType.CONTRACT_SUBMITTED: "合同已提交",
    PublicType.ORDER_CREATED: "已创建订单，待签字",
    PublicType.PARTY_OPENED: "当事人已扫码",
    PublicType.PARTY_REVIEWED: "当事人已查阅文件",
    PublicType.PARTY_CONFIRMED: "当事人已确定签署",
    PublicType.PARTY_IDENTITY_VERIFIED: "当事人微警认证通过",
    PublicType.PARTY_SIGNED: "当事人人脸识别通过，已授权",
    PublicType.PARTY_DECLINED: "当事人拒绝签署",
    PublicType.PARTY_LOCKED: "当事人认证失败次数过多，已锁定",
    PublicType.ORDER_COMPLETED: "订单已经完成签字",
    PublicType.ORDER_CANCELLED: "已注销电子合同订单",
    PublicType.ORDER_EXPIRED: "订单已过期",
    PublicType.CONTRACT_FILED: "已签约（备案）",
    PublicType.CANCELLATION_REQUESTED: "已申请注销合同",
    PublicType.CONTRACT_CANCELLED: "合同已注销",
    PublicType.CONTRACT_PURGED: "合同逾期未签，已自动删除",
    PublicType.CONTRACT_DELETED: "合同已删除",
    PublicType.WINDOW_REVIEW_STARTED: "窗口受理，审核中",
    PublicType.WINDOW_REJECTED: "窗口审核退回",
    PublicType.WINDOW_CANCELLATION_REJECTED: "窗口注销审核退回",
    PublicType.WEBHOOK_ENDPOINT_DISABLED: "回调地址连续失败，已停用",
    PublicType.FUND_SUPERVISION_OPENED: "已跳转建设银行龙存管，待签监管协议",
    PublicType.FUND_SUPERVISION_SIGNED: "已签资金监管协议",
    PublicType.FUND_SUPERVISION_REJECTED: "资金监管申请被银行退回",
    PublicType.FUND_SUPERVISION_CANCELLED: "资金监管协议已取消",
    PublicType.FUND_SUPERVISION_EXPIRED: "资金监管申请已过期",
}

# The one table: audit event type (``order_failed`` by the order's end) → public type. An audit
# type missing here is internal (``INTERNAL``); a test holds the two to cover ``EventType``.
PUBLIC_TYPE: dict[str, PublicType] = {
    EventType.CONTRACT_SUBMITTED: PublicType.CONTRACT_SUBMITTED,
    EventType.ORDER_CREATED: PublicType.ORDER_CREATED,
    EventType.PARTY_OPENED: PublicType.PARTY_OPENED,
    EventType.PARTY_REVIEWED: PublicType.PARTY_REVIEWED,
    EventType.PARTY_CONFIRMED: PublicType.PARTY_CONFIRMED,
    EventType.PARTY_IDENTITY_VERIFIED: PublicType.PARTY_IDENTITY_VERIFIED,
    EventType.PARTY_SIGNED: PublicType.PARTY_SIGNED,
    EventType.PARTY_DECLINED: PublicType.PARTY_DECLINED,
    # the third failed check locks the party out and fails the order in one write
    f"{EventType.ORDER_FAILED}/failed": PublicType.PARTY_LOCKED,
    EventType.ORDER_COMPLETED: PublicType.ORDER_COMPLETED,
    EventType.ORDER_CANCELLED: PublicType.ORDER_CANCELLED,
    EventType.ORDER_EXPIRED: PublicType.ORDER_EXPIRED,
    EventType.CONTRACT_FILED: PublicType.CONTRACT_FILED,
    EventType.CANCELLATION_REQUESTED: PublicType.CANCELLATION_REQUESTED,
    EventType.CONTRACT_CANCELLED: PublicType.CONTRACT_CANCELLED,
    EventType.CONTRACT_PURGED: PublicType.CONTRACT_PURGED,
    # deleting a contract the feed has shown (``shown``); one it never showed says nothing
    EventType.CONTRACT_DELETED: PublicType.CONTRACT_DELETED,
    EventType.WINDOW_REVIEW_STARTED: PublicType.WINDOW_REVIEW_STARTED,
    EventType.WINDOW_CASE_REJECTED: PublicType.WINDOW_REJECTED,
    EventType.WINDOW_CANCELLATION_REJECTED: PublicType.WINDOW_CANCELLATION_REJECTED,
    EventType.FUND_SUPERVISION_OPENED: PublicType.FUND_SUPERVISION_OPENED,
    EventType.FUND_SUPERVISION_SIGNED: PublicType.FUND_SUPERVISION_SIGNED,
    # signed at a 农商行 branch: the same news, ``data.bank`` says which
    EventType.FUND_SUPERVISION_RECORDED: PublicType.FUND_SUPERVISION_SIGNED,
    EventType.FUND_SUPERVISION_REJECTED: PublicType.FUND_SUPERVISION_REJECTED,
    EventType.FUND_SUPERVISION_CANCELLED: PublicType.FUND_SUPERVISION_CANCELLED,
    EventType.FUND_SUPERVISION_EXPIRED: PublicType.FUND_SUPERVISION_EXPIRED,
}

# What integrators do not see: steps inside the platform, or said already by a public event of
# the same write (``party.declined`` ends its order: ``order_failed/declined`` adds nothing).
INTERNAL = frozenset(
    {
        EventType.CONTRACT_CREATED,
        EventType.CONTRACT_EDITED,
        f"{EventType.CONTRACT_DELETED}/unseen",
        EventType.SIGNING_STARTED,
        EventType.QR_ISSUED,
        EventType.PARTY_CHECK_FAILED,
        f"{EventType.ORDER_FAILED}/declined",
        EventType.WINDOW_CASE_OPENED,
        EventType.WINDOW_APPEARANCE_RECORDED,
        EventType.WINDOW_DOCUMENT_UPLOADED,
        EventType.WINDOW_SIGNED_PAGES_UPLOADED,
        EventType.WINDOW_CANCELLATION_SUBMITTED,
    }
)

# How a contract was filed or cancelled, by the action that did it.
_CHANNEL_OF_ACTION: dict[str, str] = {
    C.FILE: "online",
    C.CANCEL: "online",
    C.APPROVE: "window",
    C.WINDOW_CANCEL: "window",
}
# Audit data an integrator may see: states and kinds, never free text (reasons) or people.
_PUBLIC_DATA = ("order_status", "purpose", "bank", "application_id", "supervision_status")


@dataclass
class FeedEntry:
    """One event in the feed (collection ``feed``), as stored. ``seq`` is its place in the one
    order of the whole feed (the cursor), given by the mover (``schedulers.feed``)."""

    id: str  # the audit event's id, ``<contract id>-e<n>``: the feed's idempotency key
    type: str
    at: datetime
    seq: int = 0
    contract_id: str | None = None
    contract_number: str | None = None
    contract_status: str | None = None
    # who may read it (the feed's queries filter on these)
    agency_id: str | None = None
    practitioner_id: str | None = None
    order_id: str | None = None
    party_id: str | None = None
    endpoint_id: str | None = None
    resource_version: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    moved_at: datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class ContractHead:
    """What an event's entry takes from its contract."""

    id: str
    number: str
    agency_id: str
    practitioner_id: str


def public_type(event: AuditEvent, *, shown: bool = True) -> PublicType | None:
    """``shown``: whether an earlier event of the contract is public. A deletion is public only
    then: integrators that saw the contract (submitted, perhaps edited back to a draft since)
    must learn it is gone; a draft never submitted never reached them."""
    key = event.type
    if key == EventType.ORDER_FAILED:
        key = f"{key}/{event.data.get('order_status')}"
    elif key == EventType.CONTRACT_DELETED and not shown:
        key = f"{key}/unseen"
    return PUBLIC_TYPE.get(key)


def public_types(events: Sequence[AuditEvent]) -> list[PublicType | None]:
    """The public type of each of a contract's events, in the order of its trail."""
    kinds: list[PublicType | None] = []
    for event in events:
        kinds.append(public_type(event, shown=any(k is not None for k in kinds)))
    return kinds


def feed_entry(
    contract: ContractHead, event: AuditEvent, *, shown: bool = True
) -> FeedEntry | None:
    """The feed's entry for ``event`` of ``contract``, or None for an internal event;
    ``shown`` as for ``public_type``."""
    kind = public_type(event, shown=shown)
    if kind is None:
        return None
    data = {k: event.data[k] for k in _PUBLIC_DATA if k in event.data}
    if event.action in _CHANNEL_OF_ACTION:
        data["channel"] = _CHANNEL_OF_ACTION[event.action]
    party_id = event.data.get("party_id")
    if party_id is None and kind is PublicType.PARTY_LOCKED:
        party_id = event.actor_id.removeprefix("party:")  # the party whose check locked it
    return FeedEntry(
        id=event.id,
        type=kind.value,
        at=event.at,
        contract_id=contract.id,
        contract_number=contract.number,
        contract_status=event.to_status,
        agency_id=contract.agency_id,
        practitioner_id=contract.practitioner_id,
        order_id=event.data.get("order_id"),
        party_id=party_id,
        resource_version=event.resource_version,
        data=data,
    )


def endpoint_event(
    endpoint_id: str, agency_id: str, serial: int, at: datetime, data: dict[str, Any]
) -> FeedEntry:
    """``webhook_endpoint.disabled`` for the agency's feed; ``serial`` counts the endpoint's
    disablements, so the id is stable for one and new for the next."""
    return FeedEntry(
        id=f"{endpoint_id}-d{serial}",
        type=PublicType.WEBHOOK_ENDPOINT_DISABLED.value,
        at=at,
        agency_id=agency_id,
        endpoint_id=endpoint_id,
        data=data,
    )


def public_view(entry: FeedEntry) -> dict[str, Any]:
    """The event as the feed serves it and a webhook posts it (the same JSON in both)."""
    status = entry.contract_status
    return {
        "id": entry.id,
        "type": entry.type,
        "type_label": TYPE_LABELS[PublicType(entry.type)],
        "cursor": entry.seq,
        "at": encode_time(entry.at),
        "contract_id": entry.contract_id,
        "contract_number": entry.contract_number,
        "contract_status": status,
        "contract_status_label": CONTRACT_LABELS[ContractStatus(status)] if status else None,
        "order_id": entry.order_id,
        "party_id": entry.party_id,
        "endpoint_id": entry.endpoint_id,
        "version": entry.resource_version,
        "data": entry.data,
    }
