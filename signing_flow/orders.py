"""Pure functions on a contract's signing orders, shared by the use cases and the jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from signing_flow.errors import NotFound
from signing_flow.models import Contract, SigningOrder
from signing_flow.roles import Actor
from signing_flow.states import CONTRACT_ACTION_FOR_ORDER_END
from signing_flow.vocabulary import ContractStatus, OrderAction, OrderStatus


def contract_id_of(order_id: str) -> str:
    """Order ids are ``<contract id>-o<n>``, so an order is found without a second index."""
    return order_id.rpartition("-o")[0]


def order_not_found() -> NotFound:
    """Also for an order id whose contract is unknown or not the caller's: it asked for an order."""
    return NotFound("电子合同订单不存在 (no such signing order)", code="ORDER_NOT_FOUND")


def find_order(contract: Contract, order_id: str) -> SigningOrder:
    order = contract.order(order_id)
    if order is None:
        raise order_not_found()
    return order


def end_order(
    contract: Contract,
    order: SigningOrder,
    action: OrderAction,
    actor: Actor,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """Close ``order`` with ``action`` (cancel, expire, decline, lock_out) and move the contract
    back to where that leaves it; every token and session of the order dies with it."""
    order.apply(action, now)
    contract.apply(
        CONTRACT_ACTION_FOR_ORDER_END[order.status],
        actor,
        now,
        {"order_id": order.id, "order_status": order.status.value, **(data or {})},
    )
    contract.open_order_id = None
    contract.order_expires_at = None
    if contract.status is ContractStatus.FILED:
        # A cancellation that did not happen leaves the contract as filed, with no reason on
        # show; the reason stays in the audit trail (``cancellation_requested``'s data).
        contract.cancellation_reason = None


def overdue(contract: Contract, order_id: str, now: datetime) -> bool:
    """Whether ``order_id`` is the contract's open order, still awaiting signatures, and past
    its expiry: what ``expire_if_due`` would change. The status poll's read side asks this."""
    order = contract.order(order_id) if order_id == contract.open_order_id else None
    return (
        order is not None
        and order.status is OrderStatus.AWAITING_SIGNATURES
        and now >= order.expires_at
    )


def expire_if_due(
    contract: Contract, now: datetime, actor: Actor, data: dict[str, Any] | None = None
) -> bool:
    """Expire the open order if its time has passed and nobody has yet. True if it changed."""
    order_id = contract.open_order_id or ""
    if not overdue(contract, order_id, now):
        return False
    end_order(contract, find_order(contract, order_id), OrderAction.EXPIRE, actor, now, data)
    return True
