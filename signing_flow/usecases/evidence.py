"""Which order's evidence a reader may take (docs/evidence.md): the agent's side reads it like
the contract, a party's session only its own order, and only once the order is submitted
(filed, or the cancellation done), when the PDF is sealed and nothing in it changes again."""

from __future__ import annotations

from signing_flow.errors import InvalidState
from signing_flow.models import Contract, SigningOrder
from signing_flow.ports import Ports
from signing_flow.roles import Actor
from signing_flow.usecases.contracts import get_contract
from signing_flow.usecases.party import view
from signing_flow.vocabulary import OrderStatus


async def contract_evidence(
    ports: Ports, actor: Actor, contract_id: str
) -> tuple[Contract, SigningOrder]:
    """The contract's last submitted order: the filing, or the cancellation after it."""
    contract = await get_contract(ports, actor, contract_id)
    submitted = [o for o in contract.orders if o.status is OrderStatus.SUBMITTED]
    if not submitted:
        raise InvalidState(
            "合同尚未网签备案，暂无证据包 (no filed or cancelled order yet)",
            current=contract.status.value,
            allowed=[],
            code="CONTRACT_STATE_CONFLICT",
        )
    return contract, submitted[-1]


async def party_evidence(ports: Ports, session: str) -> tuple[Contract, SigningOrder]:
    """The party's own order, once submitted."""
    ctx = await view(ports, session)
    if ctx.order.status is not OrderStatus.SUBMITTED:
        raise InvalidState(
            "订单提交备案后才能下载证据包 (the evidence is ready once the order is submitted)",
            current=ctx.order.status.value,
            allowed=[],
            code="ORDER_STATE_CONFLICT",
        )
    return ctx.contract, ctx.order
