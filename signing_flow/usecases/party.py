"""The party's side of the handshake, as the mini-program (粤信签) drives it (guide §2.2 (七)):
scan the QR code, read the document, confirm, pass the police check and face recognition.

Steps go strictly in order. Each is a read, a decision and one compare-and-set write of the
contract; a write that loses to another party's is re-decided on fresh state, so two parties
acting at once both succeed, and a step is never applied twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from signing_flow import evidence
from signing_flow.checks import POLICE_MISMATCH, CheckFailure
from signing_flow.errors import (
    CheckFailed,
    DomainError,
    Gone,
    InvalidState,
    NotAuthenticated,
    NotFound,
)
from signing_flow.models import Contract, OrderParty, SigningOrder
from signing_flow.orders import end_order, expire_if_due, find_order
from signing_flow.outbox import save_contract
from signing_flow.ports import Ports
from signing_flow.receipts import issue_receipt
from signing_flow.repository import contracts, with_retries
from signing_flow.roles import Actor, Role
from signing_flow.secrets import new_token, token_digest
from signing_flow.states import NEXT_STEP
from signing_flow.usecases.signing import register_token
from signing_flow.validators import normalize_id_number
from signing_flow.vocabulary import ContractAction, OrderAction, OrderStatus, PartyAction, PartyStep

MAX_FAILED_CHECKS = 3
# A party may still read its order once all have signed; a cancelled or expired one is gone.
READABLE_ORDER_STATUSES = (
    OrderStatus.AWAITING_SIGNATURES,
    OrderStatus.COMPLETED,
    OrderStatus.SUBMITTED,
)


@dataclass(frozen=True)
class PartyContext:
    """One party inside one order, as its session sees it."""

    contract: Contract
    order: SigningOrder
    party: OrderParty

    @property
    def next_step(self) -> str | None:
        return NEXT_STEP[self.party.step]


@dataclass(frozen=True)
class Requester:
    """Where a mini-program call comes from, for the audit trail."""

    ip: str | None = None
    user_agent: str | None = None

    def actor(self, party: OrderParty) -> Actor:
        return Actor(
            account_id=f"party:{party.party_id}",
            role=Role.PARTY,
            ip=self.ip,
            user_agent=self.user_agent,
        )


@dataclass(frozen=True)
class _Pointer:
    """Where a QR token or a party session belongs. Written once, never changed: so a step
    reads it once, takes its turn on the contract and re-reads only the contract on a retry."""

    contract_id: str
    order_id: str
    party_id: str


async def _pointer(ports: Ports, token: str, unknown: DomainError) -> _Pointer:
    found = await ports.store.get("tokens", token_digest(token))
    if found is None:
        raise unknown
    return _Pointer(found["contract_id"], found["order_id"], found["party_id"])


async def _resolve(
    ports: Ports, pointer: _Pointer, unknown: DomainError
) -> tuple[Contract, SigningOrder, OrderParty]:
    contract = await contracts(ports.store).get(pointer.contract_id)
    if contract is None:
        raise unknown
    order = find_order(contract, pointer.order_id)
    party = order.party(pointer.party_id)
    assert party is not None
    return contract, order, party


async def _require_awaiting(
    ports: Ports, contract: Contract, order: SigningOrder, now: datetime, who: Actor
) -> None:
    """Gone unless the order still takes signatures; an overdue order is expired (and saved)."""
    if contract.open_order_id == order.id and expire_if_due(contract, now, who):
        await save_contract(ports, contract)
    if order.status is not OrderStatus.AWAITING_SIGNATURES:
        raise _order_closed(order)


def _order_closed(order: SigningOrder) -> Gone:
    return Gone(
        "该电子合同订单已结束，请联系经纪人重新生成 (this signing order is closed)",
        code="ORDER_CLOSED",
        details={"order_status": order.status.value},
    )


async def open_session(ports: Ports, qr_token: str, origin: Requester) -> tuple[str, PartyContext]:
    """扫码: exchange the single-use QR token for a party session; a new session ends the old."""
    token_hash = token_digest(qr_token)
    unknown = NotFound("二维码不存在 (unknown QR token)", code="TOKEN_NOT_FOUND")
    pointer = await _pointer(ports, qr_token, unknown)

    async def attempt() -> tuple[str, PartyContext]:
        contract, order, party = await _resolve(ports, pointer, unknown)
        now = ports.clock.now()
        who = origin.actor(party)
        await _require_awaiting(ports, contract, order, now, who)
        if party.qr_token_hash != token_hash:
            raise Gone("二维码已更新，请扫描最新的二维码 (replaced)", code="TOKEN_REPLACED")
        if party.qr_used:
            raise Gone("二维码已使用 (this QR code was already used)", code="TOKEN_USED")
        if party.qr_expires_at is None or party.qr_expires_at <= now:
            raise Gone("二维码已过期，请刷新 (this QR code expired)", code="TOKEN_EXPIRED")
        if NEXT_STEP[party.step] is None:
            raise Gone("您已完成该订单的操作 (nothing left to do)", code="PARTY_FINISHED")
        session = new_token()
        await register_token(ports, token_digest(session), contract.id, order.id, party.party_id)
        party.qr_used = True
        party.session_hash = token_digest(session)
        party.session_expires_at = now + timedelta(seconds=ports.lifetimes.party_session)
        if party.step is PartyStep.PENDING:
            order.step(party, PartyAction.OPEN, now)
        else:
            order.version += 1
        contract.record("party_opened", who, now, _event_data(order, party))
        await save_contract(ports, contract)
        return session, PartyContext(contract, order, party)

    async with ports.store.writing("contracts", pointer.contract_id):
        return await with_retries(attempt)


def _unknown_session() -> NotAuthenticated:
    return NotAuthenticated("请扫码进入 (unknown party session)", code="SESSION_INVALID")


async def _session_context(
    ports: Ports, session: str, pointer: _Pointer | None = None
) -> PartyContext:
    """The party a session speaks for, if the session still holds (``pointer``, when the
    caller read it already)."""
    pointer = pointer or await _pointer(ports, session, _unknown_session())
    contract, order, party = await _resolve(ports, pointer, _unknown_session())
    now = ports.clock.now()
    if party.session_hash != token_digest(session):
        raise NotAuthenticated(
            "会话已被新的扫码替代，请重新扫码 (a newer session replaced this one)",
            code="SESSION_REPLACED",
        )
    if party.session_expires_at is None or party.session_expires_at <= now:
        raise NotAuthenticated("会话已过期，请重新扫码 (session expired)", code="SESSION_EXPIRED")
    return PartyContext(contract, order, party)


async def view(ports: Ports, session: str) -> PartyContext:
    """What the party's session may read: its order and the document."""
    ctx, _ = await _viewed(ports, session)
    return ctx


async def _viewed(ports: Ports, session: str) -> tuple[PartyContext, _Pointer]:
    """``view``, with the token pointer it read, for a step that goes on to write."""
    pointer = await _pointer(ports, session, _unknown_session())
    ctx = await _session_context(ports, session, pointer)
    if ctx.order.status not in READABLE_ORDER_STATUSES:
        raise _order_closed(ctx.order)
    return ctx, pointer


async def _step(
    ports: Ports,
    session: str,
    origin: Requester,
    apply: Callable[[PartyContext, datetime, Actor], CheckFailed | None],
    pointer: _Pointer | None = None,
) -> PartyContext:
    """Run one step: re-read, check the order is open, apply (which checks the step is next),
    write. A failed check is written, then raised. ``pointer``: the session's, when the step
    read it already (the pointer never changes, so one read serves the whole step)."""

    pointer = pointer or await _pointer(ports, session, _unknown_session())

    async def attempt() -> PartyContext:
        ctx = await _session_context(ports, session, pointer)
        now = ports.clock.now()
        who = origin.actor(ctx.party)
        await _require_awaiting(ports, ctx.contract, ctx.order, now, who)
        outcome = apply(ctx, now, who)
        await save_contract(ports, ctx.contract)
        if isinstance(outcome, CheckFailed):
            raise outcome
        return ctx

    async with ports.store.writing("contracts", pointer.contract_id):
        return await with_retries(attempt)


def _event_data(order: SigningOrder, party: OrderParty, **extra: Any) -> dict[str, Any]:
    return {"order_id": order.id, "party_id": party.party_id, **extra}


async def review(
    ports: Ports, session: str, origin: Requester, document_sha256: str
) -> PartyContext:
    """查阅文件: the party confirms it read the document whose SHA-256 it sends."""

    def apply(ctx: PartyContext, now: datetime, who: Actor) -> CheckFailed | None:
        ctx.party.ensure_can(PartyAction.REVIEW)
        if document_sha256.lower() != ctx.order.document_sha256:
            raise InvalidState(
                "文件已变更，请重新查阅 (the document differs from the one being signed)",
                current=ctx.party.step.value,
                allowed=["review"],
                code="DOCUMENT_CHANGED",
                extra={"document_sha256": ctx.order.document_sha256},
            )
        ctx.order.step(ctx.party, PartyAction.REVIEW, now)
        ctx.contract.record("party_reviewed", who, now, _event_data(ctx.order, ctx.party))
        return None

    return await _step(ports, session, origin, apply)


async def confirm(ports: Ports, session: str, origin: Requester) -> PartyContext:
    """确定签署, within the session's time limit (an expired session must scan again)."""

    def apply(ctx: PartyContext, now: datetime, who: Actor) -> CheckFailed | None:
        ctx.order.step(ctx.party, PartyAction.CONFIRM, now)
        ctx.contract.record("party_confirmed", who, now, _event_data(ctx.order, ctx.party))
        return None

    return await _step(ports, session, origin, apply)


def _record_failure(
    ctx: PartyContext, failure: CheckFailure, now: datetime, who: Actor
) -> CheckFailed:
    """Count a failed check; the third locks the party out and fails the order. A failure that
    uses no attempt is raised at once, with nothing written."""
    party = ctx.party
    if not failure.uses_attempt:
        raise _check_failed(failure, MAX_FAILED_CHECKS - party.failed_checks, party)
    party.failed_checks += 1
    ctx.order.version += 1
    left = MAX_FAILED_CHECKS - party.failed_checks
    ctx.contract.record(
        "party_check_failed", who, now, _event_data(ctx.order, party, code=failure.code)
    )
    if left <= 0:
        ctx.order.step(party, PartyAction.LOCK_OUT, now)
        end_order(ctx.contract, ctx.order, OrderAction.LOCK_OUT, who, now)
    return _check_failed(failure, left, party)


def _check_failed(failure: CheckFailure, left: int, party: OrderParty) -> CheckFailed:
    return CheckFailed(
        failure.message
        + (f"，还可尝试 {left} 次" if left > 0 else "，已锁定，订单失效 (locked out)"),
        code=failure.code,
        details={"attempts_left": max(left, 0), "party_step": party.step.value},
    )


async def verify_identity(
    ports: Ports, session: str, origin: Requester, name: str, id_number: str
) -> PartyContext:
    """微警认证: the entered name and number must be the party's, and the police must confirm
    them. An outage of the police service uses no attempt."""
    ctx, pointer = await _viewed(ports, session)
    ctx.party.ensure_can(PartyAction.POLICE_VERIFICATION)
    entered = (name.strip(), normalize_id_number(id_number))
    matches = entered == (ctx.party.name, normalize_id_number(ctx.party.id_number))
    failure = await ports.police.verify(*entered) if matches else POLICE_MISMATCH

    def apply(ctx: PartyContext, now: datetime, who: Actor) -> CheckFailed | None:
        ctx.party.ensure_can(PartyAction.POLICE_VERIFICATION)
        if failure is not None:
            return _record_failure(ctx, failure, now, who)
        ctx.order.step(ctx.party, PartyAction.POLICE_VERIFICATION, now)
        ctx.party.verified_at = now
        ctx.contract.record("party_identity_verified", who, now, _event_data(ctx.order, ctx.party))
        return None

    return await _step(ports, session, origin, apply, pointer)


async def authorize(
    ports: Ports, session: str, origin: Requester, face_sample: str
) -> PartyContext:
    """确认授权: face recognition; on a match the party has signed and gets its receipt. When the
    last party signs, the order is complete (订单已经完成签字)."""
    ctx, pointer = await _viewed(ports, session)
    ctx.party.ensure_can(PartyAction.AUTHORIZE)
    failure = await ports.face.verify(ctx.party.id_number, face_sample)

    def apply(ctx: PartyContext, now: datetime, who: Actor) -> CheckFailed | None:
        ctx.party.ensure_can(PartyAction.AUTHORIZE)
        if failure is not None:
            return _record_failure(ctx, failure, now, who)
        ctx.order.step(ctx.party, PartyAction.AUTHORIZE, now)
        ctx.party.receipt = issue_receipt(ports.signer, ctx.order, ctx.party, now)
        ctx.contract.record("party_signed", who, now, _event_data(ctx.order, ctx.party))
        if all(p.step is PartyStep.SIGNED for p in ctx.order.parties):
            ctx.order.apply(OrderAction.ALL_SIGNED, now)
            ctx.contract.order_expires_at = None  # a completed order no longer expires
            ctx.contract.apply(ContractAction.ALL_SIGNED, who, now, {"order_id": ctx.order.id})
        return None

    ctx = await _step(ports, session, origin, apply, pointer)
    await evidence.after_signature(ports, ctx.contract, ctx.order)
    return ctx


async def decline(ports: Ports, session: str, origin: Requester, reason: str) -> PartyContext:
    """The party refuses to sign; the order ends as declined."""

    def apply(ctx: PartyContext, now: datetime, who: Actor) -> CheckFailed | None:
        ctx.order.step(ctx.party, PartyAction.DECLINE, now)
        ctx.party.decline_reason = reason
        ctx.contract.record(
            "party_declined",
            who,
            now,
            _event_data(ctx.order, ctx.party, reason=reason),
        )
        end_order(ctx.contract, ctx.order, OrderAction.DECLINE, who, now)
        return None

    return await _step(ports, session, origin, apply)
