"""The contract's transition table and the one function that applies it.

Nothing else assigns ``Contract.status``. Applying a transition also appends the audit event, so
that the state change and its record are written by the same compare-and-set.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson

from signing_flow.codec import to_doc
from signing_flow.errors import InvalidState
from signing_flow.models import (
    Actor,
    Agency,
    AuditEvent,
    Contract,
    OrderParty,
    PartyStep,
    Practitioner,
    ReviewRecord,
    SigningOrder,
)
from signing_flow.models import AgencyStatus as A
from signing_flow.models import ContractStatus as S
from signing_flow.models import OrderStatus as O
from signing_flow.models import PartyStep as P
from signing_flow.models import PractitionerStatus as PS

CONTRACT_LABELS: dict[S, str] = {
    S.DRAFT: "草稿",
    S.SUBMITTED: "已提交",
    S.SIGNING: "电子签名中",
    S.SIGNED: "已完成签字",
    S.FILED: "已签约",
    S.WINDOW_REVIEW: "窗口审核中",
    S.CANCELLING: "注销中",
    S.CANCELLED: "已注销",
    S.DELETED: "已删除",
}

# (current status) → {action: next status}. DESIGN §4.
CONTRACT_TRANSITIONS: dict[S, dict[str, S]] = {
    S.DRAFT: {"edit": S.DRAFT, "submit": S.SUBMITTED, "delete": S.DELETED, "purge": S.DELETED},
    S.SUBMITTED: {
        "edit": S.DRAFT,
        "create_order": S.SIGNING,
        "window_intake": S.WINDOW_REVIEW,
        "delete": S.DELETED,
        "purge": S.DELETED,
    },
    S.SIGNING: {
        "order_cancelled": S.DRAFT,
        "order_expired": S.SUBMITTED,
        "order_failed": S.SUBMITTED,
        "all_signed": S.SIGNED,
        "delete": S.DELETED,
        "purge": S.DELETED,
    },
    S.SIGNED: {"file": S.FILED},
    S.WINDOW_REVIEW: {"approve": S.FILED, "reject": S.SUBMITTED},
    S.FILED: {"request_cancellation": S.CANCELLING, "window_cancel": S.CANCELLED},
    S.CANCELLING: {
        "order_cancelled": S.FILED,
        "order_expired": S.FILED,
        "order_failed": S.FILED,
        "all_signed": S.CANCELLING,
        "cancel": S.CANCELLED,
    },
    S.CANCELLED: {},
    S.DELETED: {},
}

# A contract in these states keeps its property: nobody else may contract it.
ACTIVE_STATUSES = frozenset(
    {S.DRAFT, S.SUBMITTED, S.SIGNING, S.SIGNED, S.FILED, S.WINDOW_REVIEW, S.CANCELLING}
)
# The guide's automatic deletion applies only before the contract is e-signed or filed.
PURGEABLE_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.SIGNING})

GENESIS_HASH = "0" * 64


def allowed_actions(status: S) -> list[str]:
    return sorted(CONTRACT_TRANSITIONS[status])


def refused(
    subject: tuple[str, str], status: str, label: str, action: str, allowed: list[str], code: str
) -> InvalidState:
    """The 409 for an action a record's state does not allow: it names the state (with its
    Chinese label) and what the state allows. ``subject`` is (中文, English)."""
    zh, en = subject
    return InvalidState(
        f"{zh}当前状态为「{label}」，不能执行 {action} ({en} is {status}; {action} is not allowed)",
        current=status,
        allowed=allowed,
        code=code,
        extra={"current_state_label": label},
    )


def ensure_allowed(contract: Contract, action: str) -> S:
    """The next status for ``action``, or InvalidState naming the current one and what it allows."""
    target = CONTRACT_TRANSITIONS[contract.status].get(action)
    if target is None:
        raise refused(
            ("合同", "the contract"),
            contract.status.value,
            CONTRACT_LABELS[contract.status],
            action,
            allowed_actions(contract.status),
            "CONTRACT_STATE_CONFLICT",
        )
    return target


def apply_transition(
    contract: Contract, action: str, actor: Actor, at: datetime, data: dict[str, Any] | None = None
) -> None:
    """Move ``contract`` along the table and append the audit event for it."""
    target = ensure_allowed(contract, action)
    previous = contract.status
    contract.status = target
    contract.updated_at = at
    if target not in ACTIVE_STATUSES:
        contract.property_lock = f"released:{contract.id}"
    record_event(contract, action, actor, at, data, from_status=previous)


def record_event(
    contract: Contract,
    action: str,
    actor: Actor,
    at: datetime,
    data: dict[str, Any] | None = None,
    *,
    from_status: S | None = None,
) -> AuditEvent:
    """Append an event chained to the previous one by its hash (tamper-evident trail)."""
    event = AuditEvent(
        seq=contract.events[-1].seq + 1 if contract.events else 1,
        at=at,
        actor_id=actor.account_id,
        actor_role=actor.role.value,
        action=action,
        from_status=from_status.value if from_status else None,
        to_status=contract.status.value,
        ip=actor.ip,
        user_agent=actor.user_agent,
        prev_hash=contract.events[-1].hash if contract.events else GENESIS_HASH,
        hash="",
        data=data or {},
    )
    event.hash = _event_digest(event)
    contract.events.append(event)
    return event


def _event_digest(event: AuditEvent) -> str:
    """SHA-256 of the event's canonical JSON: sorted keys, no whitespace, UTF-8. (orjson gives
    the same bytes as ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
    for the strings, integers and booleans events hold, in a tenth of the time.)"""
    body = to_doc(event)
    del body["hash"]
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def verify_chain(contract: Contract) -> bool:
    """True when every event's hash matches its content and links to the one before."""
    prev = GENESIS_HASH
    for event in contract.events:
        if event.prev_hash != prev or event.hash != _event_digest(event):
            return False
        prev = event.hash
    return True


# ---- signing orders ------------------------------------------------------------------------

ORDER_LABELS: dict[O, str] = {
    O.AWAITING_SIGNATURES: "已创建订单，待签字",
    O.COMPLETED: "订单已经完成签字",
    O.SUBMITTED: "已提交",
    O.CANCELLED: "已注销电子合同订单",
    O.EXPIRED: "订单已过期",
    O.DECLINED: "当事人拒绝签署",
    O.FAILED: "认证失败次数过多，订单失效",
}

ORDER_TRANSITIONS: dict[O, dict[str, O]] = {
    O.AWAITING_SIGNATURES: {
        "all_signed": O.COMPLETED,
        "cancel": O.CANCELLED,
        "expire": O.EXPIRED,
        "decline": O.DECLINED,
        "lock_out": O.FAILED,
    },
    O.COMPLETED: {"submit": O.SUBMITTED},
    O.SUBMITTED: {},
    O.CANCELLED: {},
    O.EXPIRED: {},
    O.DECLINED: {},
    O.FAILED: {},
}

# The order actions an agent can call; the others happen to the order (signatures, expiry).
AGENT_ORDER_ACTIONS = frozenset({"cancel", "submit"})

# What the contract does when its order ends this way.
CONTRACT_ACTION_FOR_ORDER_END = {
    O.CANCELLED: "order_cancelled",
    O.EXPIRED: "order_expired",
    O.DECLINED: "order_failed",
    O.FAILED: "order_failed",
}


def order_conflict(order: SigningOrder, action: str) -> InvalidState:
    return refused(
        ("电子合同订单", "the order"),
        order.status.value,
        ORDER_LABELS[order.status],
        action,
        sorted(AGENT_ORDER_ACTIONS & ORDER_TRANSITIONS[order.status].keys()),
        "ORDER_STATE_CONFLICT",
    )


def apply_order_transition(order: SigningOrder, action: str, at: datetime) -> None:
    target = ORDER_TRANSITIONS[order.status].get(action)
    if target is None:
        raise order_conflict(order, action)
    order.status = target
    order.version += 1
    if not ORDER_TRANSITIONS[target]:
        order.ended_at = at


# ---- a party's steps inside an order --------------------------------------------------------

PARTY_LABELS: dict[P, str] = {
    P.PENDING: "待扫码",
    P.OPENED: "已扫码",
    P.REVIEWED: "已查阅文件",
    P.CONFIRMED: "已确定签署",
    P.IDENTITY_VERIFIED: "微警认证通过",
    P.SIGNED: "人脸识别通过，已授权",
    P.DECLINED: "已拒绝签署",
    P.LOCKED: "认证失败次数过多，已锁定",
}

# Strictly in this order; decline and lock-out from any step before signing.
PARTY_TRANSITIONS: dict[P, dict[str, P]] = {
    P.PENDING: {"open": P.OPENED, "decline": P.DECLINED},
    P.OPENED: {"review": P.REVIEWED, "decline": P.DECLINED},
    P.REVIEWED: {"confirm": P.CONFIRMED, "decline": P.DECLINED},
    P.CONFIRMED: {
        "police_verification": P.IDENTITY_VERIFIED,
        "decline": P.DECLINED,
        "lock_out": P.LOCKED,
    },
    P.IDENTITY_VERIFIED: {"authorize": P.SIGNED, "decline": P.DECLINED, "lock_out": P.LOCKED},
    P.SIGNED: {},
    P.DECLINED: {},
    P.LOCKED: {},
}

# The next thing the party does, by step (what an out-of-order call is told to do instead).
NEXT_STEP: dict[P, str | None] = {
    P.PENDING: "open",
    P.OPENED: "review",
    P.REVIEWED: "confirm",
    P.CONFIRMED: "police_verification",
    P.IDENTITY_VERIFIED: "authorize",
    P.SIGNED: None,
    P.DECLINED: None,
    P.LOCKED: None,
}


def ensure_party_can(party: OrderParty, action: str) -> PartyStep:
    """The step ``action`` leads to, or OUT_OF_ORDER (409) naming the step to take instead."""
    target = PARTY_TRANSITIONS[party.step].get(action)
    if target is None:
        nxt = NEXT_STEP[party.step]
        raise InvalidState(
            f"当前步骤为「{PARTY_LABELS[party.step]}」，"
            + (f"下一步应为 {nxt}" if nxt else "无需再操作")
            + f" (step is {party.step.value}; next: {nxt or 'nothing'})",
            current=party.step.value,
            allowed=[nxt] if nxt else [],
            code="OUT_OF_ORDER",
            extra={"next_step": nxt, "current_state_label": PARTY_LABELS[party.step]},
        )
    return target


def apply_party_step(order: SigningOrder, party: OrderParty, action: str, at: datetime) -> None:
    target = ensure_party_can(party, action)
    party.step = target
    party.step_times[target.value] = at
    order.version += 1


# ---- agency accounts and practitioners (guide §1.2, §1.3) ----------------------------------

AGENCY_LABELS: dict[A, str] = {
    A.INCOMPLETE: "待完善企业信息",
    A.SUBMITTED: "已提交，待审核",
    A.APPROVED: "审核通过",
    A.REJECTED: "审核不通过",
}

# The enterprise information check. "edit" covers the information and the materials; a rejected
# agency stays rejected (with the reason on show) until it submits again.
AGENCY_TRANSITIONS: dict[A, dict[str, A]] = {
    A.INCOMPLETE: {"edit": A.INCOMPLETE, "submit": A.SUBMITTED},
    A.SUBMITTED: {"approve": A.APPROVED, "reject": A.REJECTED},
    A.REJECTED: {"edit": A.REJECTED, "submit": A.SUBMITTED},
    A.APPROVED: {},
}

PRACTITIONER_LABELS: dict[PS, str] = {
    PS.DRAFT: "待提交",
    PS.SUBMITTED: "已提交，待审核",
    PS.APPROVED: "审核通过",
    PS.REJECTED: "审核不通过",
    PS.REMOVED: "已注销",
}

# Actions that keep the status (disable, enable, reset_password) are listed so that the table
# says where they are allowed; they change the practitioner's account, not this record.
PRACTITIONER_TRANSITIONS: dict[PS, dict[str, PS]] = {
    PS.DRAFT: {"edit": PS.DRAFT, "submit": PS.SUBMITTED, "remove": PS.REMOVED},
    PS.SUBMITTED: {"approve": PS.APPROVED, "reject": PS.REJECTED},
    PS.REJECTED: {"edit": PS.REJECTED, "submit": PS.SUBMITTED, "remove": PS.REMOVED},
    PS.APPROVED: {
        "disable": PS.APPROVED,
        "enable": PS.APPROVED,
        "reset_password": PS.APPROVED,
        "remove": PS.REMOVED,
    },
    PS.REMOVED: {},
}


def ensure_agency_allowed(agency: Agency, action: str) -> A:
    target = AGENCY_TRANSITIONS[agency.status].get(action)
    if target is None:
        raise refused(
            ("企业信息核查", "the agency"),
            agency.status.value,
            AGENCY_LABELS[agency.status],
            action,
            sorted(AGENCY_TRANSITIONS[agency.status]),
            "AGENCY_STATE_CONFLICT",
        )
    return target


def apply_agency_transition(
    agency: Agency, action: str, actor: Actor, at: datetime, comment: str | None = None
) -> None:
    """Move ``agency`` along its table; every step but an edit is kept in its history."""
    agency.status = ensure_agency_allowed(agency, action)
    agency.updated_at = at
    if action != "edit":
        agency.history.append(ReviewRecord(action, actor.account_id, actor.role.value, at, comment))


def ensure_practitioner_allowed(practitioner: Practitioner, action: str) -> PS:
    target = PRACTITIONER_TRANSITIONS[practitioner.status].get(action)
    if target is None:
        raise refused(
            ("从业人员", "the practitioner"),
            practitioner.status.value,
            PRACTITIONER_LABELS[practitioner.status],
            action,
            sorted(PRACTITIONER_TRANSITIONS[practitioner.status]),
            "PRACTITIONER_STATE_CONFLICT",
        )
    return target


def apply_practitioner_transition(
    practitioner: Practitioner,
    action: str,
    actor: Actor,
    at: datetime,
    comment: str | None = None,
) -> None:
    """Move ``practitioner`` along its table; removal releases the person for another agency."""
    practitioner.status = ensure_practitioner_allowed(practitioner, action)
    practitioner.updated_at = at
    if practitioner.status is PS.REMOVED:
        practitioner.person_lock = f"released:{practitioner.id}"
    if action != "edit":
        practitioner.history.append(
            ReviewRecord(action, actor.account_id, actor.role.value, at, comment)
        )
