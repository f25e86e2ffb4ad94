"""The agent's side of the e-signing handshake (guide §2.2 (六)–(九)): generate the order, show
each party's QR code, follow the signatures, cancel the order or submit it when complete."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from signing_flow import evidence
from signing_flow.contract_rules import ensure_complete_as_submitted, online_signing_obstacles
from signing_flow.deadlines import CITY_TZ
from signing_flow.documents import (
    render_cancellation_statement,
    render_sale_contract,
    sha256_hex,
)
from signing_flow.errors import (
    DuplicateKey,
    InvalidState,
    NotEligible,
    NotFound,
)
from signing_flow.models import Contract, OrderParty, SigningOrder
from signing_flow.orders import (
    contract_id_of,
    end_order,
    expire_if_due,
    find_order,
    order_not_found,
    overdue,
)
from signing_flow.outbox import save_contract
from signing_flow.ports import Ports
from signing_flow.repository import with_retries
from signing_flow.roles import Actor
from signing_flow.secrets import token_digest
from signing_flow.states import NEXT_STEP, ORDER
from signing_flow.usecases.cancellation import ensure_registry_allows_cancellation
from signing_flow.usecases.contracts import get_contract, get_own_contract
from signing_flow.vocabulary import (
    Channel,
    ContractAction,
    ContractStatus,
    OrderAction,
    OrderPurpose,
    OrderStatus,
)

# After this many lost rotations a usable token is shown as it is; a token that no longer works
# is still replaced, for up to QR_ATTEMPTS tries (with with_retries' pauses, about 3 s).
QR_PATIENCE = 8
QR_ATTEMPTS = 48


@dataclass(frozen=True)
class QrLink:
    url: str
    token_hash: str
    expires_at: datetime


async def create_signing_order(
    ports: Ports, actor: Actor, contract_id: str
) -> tuple[Contract, SigningOrder]:
    """生成电子合同订单: one entry per seller and buyer, the document fixed by its SHA-256. For
    a contract being cancelled (注销中) the document is the cancellation statement."""
    contract = await get_own_contract(ports, actor, contract_id)
    now = ports.clock.now()
    purpose = (
        OrderPurpose.CANCELLATION
        if contract.status is ContractStatus.CANCELLING
        else OrderPurpose.FILING
    )
    if contract.channel is not Channel.ONLINE:
        raise NotEligible(
            "线下合同须到交易中心窗口办理签约 (an offline contract is signed at the window)",
            code="CHANNEL_OFFLINE",
        )
    if purpose is OrderPurpose.FILING:
        contract.apply(ContractAction.CREATE_ORDER, actor, now)
        ensure_complete_as_submitted(contract, now)
    elif contract.open_order_id:
        raise find_order(contract, contract.open_order_id).refusal("create_order")
    obstacles = online_signing_obstacles(contract, now.astimezone(CITY_TZ).date())
    if obstacles:
        raise NotEligible(
            "以下当事人无法线上签约，须到交易中心窗口办理 (these parties must sign at the window)",
            code="ONLINE_SIGNING_NOT_AVAILABLE",
            details={"parties": obstacles},
        )
    document = (
        render_sale_contract(contract)
        if purpose is OrderPurpose.FILING
        else render_cancellation_statement(contract, contract.cancellation_reason or "")
    )
    expires_at = now + timedelta(seconds=ports.lifetimes.order)
    if purpose is OrderPurpose.FILING:
        expires_at = min(expires_at, contract.purge_at)
    order = SigningOrder(
        id=f"{contract.id}-o{len(contract.orders) + 1}",
        purpose=purpose,
        status=OrderStatus.AWAITING_SIGNATURES,
        created_at=now,
        expires_at=expires_at,
        document=document,
        document_sha256=sha256_hex(document),
        parties=[
            OrderParty(
                party_id=p.id,
                role=p.role,
                name=p.name or "",
                id_type=p.id_type or "",
                id_number=p.id_number or "",
            )
            for p in contract.parties()
        ],
    )
    contract.orders.append(order)
    contract.open_order_id = order.id
    contract.order_expires_at = expires_at
    contract.record("order_created", actor, now, {"order_id": order.id})
    await save_contract(ports, contract)
    await evidence.after_order_created(ports, contract, order)
    return contract, order


async def get_signing_order(
    ports: Ports, actor: Actor, order_id: str
) -> tuple[Contract, SigningOrder]:
    """The order as anyone who may read its contract sees it; an overdue order is expired first.
    (Agents poll it all day: ``backend.status_poll`` answers those polls from what it keeps,
    with ``readable`` and ``overdue``, and comes here when the order is due to expire.)"""
    contract = await get_contract(ports, actor, contract_id_of(order_id), unknown=order_not_found)
    order, now = find_order(contract, order_id), ports.clock.now()
    if overdue(contract, order_id, now):
        expire_if_due(contract, now, actor)
        await save_contract(ports, contract)
    return contract, order


def qr_url(ports: Ports, token: str) -> str:
    return f"{ports.public_base_url}/mp/scan?token={token}"


async def party_qr_link(ports: Ports, actor: Actor, order_id: str, party_id: str) -> QrLink:
    """查看二维码: the party's current QR link. The same token is shown again while it has more
    than a minute left and is unused; otherwise a new one replaces it.

    Showing a code is a read for the agent, but rotating the token is a write, which can lose
    its compare-and-set to writers in other processes (parties signing, other screens). Deciding
    again is safe, so it retries longer than a step does; and once it has lost ``QR_PATIENCE``
    times it shows the current token while that one still works (unused, unexpired) instead of
    rotating it: a read must not fail on a write conflict."""
    tries = 0

    async def attempt() -> QrLink:
        nonlocal tries
        tries += 1
        contract = await get_own_contract(ports, actor, contract_id_of(order_id), order_not_found)
        order = find_order(contract, order_id)
        now = ports.clock.now()
        if expire_if_due(contract, now, actor):
            await save_contract(ports, contract)
        if order.status is not OrderStatus.AWAITING_SIGNATURES:
            raise order.refusal("show_qr")
        party = order.party(party_id)
        if party is None:
            raise NotFound("订单中没有该当事人 (no such party)", code="PARTY_NOT_FOUND")
        if NEXT_STEP[party.step] is None:
            raise InvalidState(
                "该当事人已无需扫码 (this party has finished)",
                current=party.step.value,
                allowed=[],
                code="PARTY_FINISHED",
            )
        rotate_at = now + timedelta(seconds=ports.lifetimes.qr_rotate_before)
        if tries > QR_PATIENCE:
            rotate_at = now  # contended: any usable token will do
        current = (
            party.qr_token_hash is not None
            and not party.qr_used
            and party.qr_expires_at is not None
            and party.qr_expires_at > rotate_at
        )
        if not current:
            party.qr_serial += 1
        token = ports.signer.derive_token("qr", order.id, party.party_id, str(party.qr_serial))
        if current:
            assert party.qr_expires_at is not None
            return QrLink(qr_url(ports, token), token_digest(token), party.qr_expires_at)
        party.qr_token_hash = token_digest(token)
        party.qr_expires_at = now + timedelta(seconds=ports.lifetimes.qr_token)
        party.qr_used = False
        await register_token(ports, party.qr_token_hash, contract.id, order.id, party.party_id)
        contract.record("qr_issued", actor, now, {"order_id": order.id, "party_id": party_id})
        await save_contract(ports, contract)
        return QrLink(qr_url(ports, token), party.qr_token_hash, party.qr_expires_at)

    async with ports.store.writing("contracts", contract_id_of(order_id)):
        return await with_retries(attempt, attempts=QR_ATTEMPTS)


async def register_token(
    ports: Ports, token_hash: str, contract_id: str, order_id: str, party_id: str
) -> None:
    """Point a token's hash at its order. Written before the contract, so a lost race leaves
    only a pointer to a token the contract never accepted; it is refused as replaced."""
    # The same derived QR token may have been registered by an earlier, lost attempt.
    with contextlib.suppress(DuplicateKey):
        await ports.store.insert(
            "tokens",
            {
                "_id": token_hash,
                "version": 0,
                "contract_id": contract_id,
                "order_id": order_id,
                "party_id": party_id,
            },
        )


async def cancel_signing_order(
    ports: Ports, actor: Actor, order_id: str
) -> tuple[Contract, SigningOrder]:
    """注销电子合同订单: before all have signed; the contract goes back to draft for editing.
    A completed cancellation order can be cancelled too (the contract goes back to 已备案): it is
    the way out when the registry refuses its submit."""

    async def attempt() -> tuple[Contract, SigningOrder]:
        contract = await get_own_contract(ports, actor, contract_id_of(order_id), order_not_found)
        order = find_order(contract, order_id)
        now = ports.clock.now()
        if expire_if_due(contract, now, actor):
            await save_contract(ports, contract)
            raise order.refusal("cancel")
        if order.status is OrderStatus.COMPLETED and order.purpose is OrderPurpose.FILING:
            raise ORDER.refusal(order.status, "cancel", [OrderAction.SUBMIT.value])
        end_order(contract, order, OrderAction.CANCEL, actor, now)
        await save_contract(ports, contract)
        return contract, order

    async with ports.store.writing("contracts", contract_id_of(order_id)):
        return await with_retries(attempt)


async def submit_signing_order(
    ports: Ports, actor: Actor, order_id: str
) -> tuple[Contract, SigningOrder]:
    """提交: after 订单已经完成签字 the contract is filed (已签约), or, for a cancellation order,
    cancelled. Nothing in it changes after this. A cancellation is final only here, so the
    registry is asked again: once it accepted or completed the transfer, the submit is refused
    (409) and nothing changes; the agent then cancels the order, and the contract stays filed."""
    contract = await get_own_contract(ports, actor, contract_id_of(order_id), order_not_found)
    order = find_order(contract, order_id)
    now = ports.clock.now()
    if order.status is OrderStatus.COMPLETED and order.purpose is OrderPurpose.CANCELLATION:
        await ensure_registry_allows_cancellation(ports, contract)
    order.apply(OrderAction.SUBMIT, now)
    if order.purpose is OrderPurpose.FILING:
        contract.apply(ContractAction.FILE, actor, now, {"order_id": order.id})
        contract.filed_via = Channel.ONLINE
    else:
        contract.apply(ContractAction.CANCEL, actor, now, {"order_id": order.id})
    contract.open_order_id = None
    contract.order_expires_at = None
    await save_contract(ports, contract)
    await evidence.after_submit(ports, contract, order)
    return contract, order
