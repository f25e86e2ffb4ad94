"""存量房合同注销线上 (guide §4): a contract filed online is cancelled through the same signing
handshake, with the cancellation statement as the document."""

from __future__ import annotations

from signing_flow.errors import FieldProblem, NotEligible, ValidationFailed
from signing_flow.models import Contract
from signing_flow.outbox import save_contract
from signing_flow.ports import Ports
from signing_flow.roles import Actor
from signing_flow.usecases.contracts import get_own_contract
from signing_flow.vocabulary import Channel, ContractAction, TransferStatus

TRANSFER_REFUSALS = {
    TransferStatus.ACCEPTED: (
        "PROPERTY_TRANSFER_ACCEPTED",
        "不动产登记部门已受理该房屋的转移登记，不能注销 (the registry accepted the transfer)",
    ),
    TransferStatus.TRANSFERRED: (
        "PROPERTY_TRANSFERRED",
        "该房屋已过户，不能注销 (the property has been transferred)",
    ),
}


async def ensure_registry_allows_cancellation(ports: Ports, contract: Contract) -> None:
    """Only contracts whose property the registry has neither accepted nor transferred."""
    prop = await ports.registry.find_by_unit_no(contract.property.unit_no)
    if prop is not None and prop.transfer_status in TRANSFER_REFUSALS:
        code, message = TRANSFER_REFUSALS[prop.transfer_status]
        raise NotEligible(message, code=code)


async def request_online_cancellation(
    ports: Ports, actor: Actor, contract_id: str, reason: str
) -> Contract:
    """注销原因 → 注销中; the agent then generates the cancellation order as for filing."""
    contract = await get_own_contract(ports, actor, contract_id)
    if not reason.strip():
        raise ValidationFailed(
            [FieldProblem("reason", "REQUIRED", "请填写注销原因 (reason required)")]
        )
    contract.ensure_can(ContractAction.REQUEST_CANCELLATION, actor)
    if contract.filed_via is not Channel.ONLINE:
        raise NotEligible(
            "线下（窗口）备案的合同须到交易中心窗口办理注销 (filed at the window: cancel it there)",
            code="FILED_AT_WINDOW",
        )
    await ensure_registry_allows_cancellation(ports, contract)
    contract.cancellation_reason = reason.strip()
    contract.apply(
        ContractAction.REQUEST_CANCELLATION,
        actor,
        ports.clock.now(),
        {"reason": contract.cancellation_reason},
    )
    await save_contract(ports, contract)
    return contract
