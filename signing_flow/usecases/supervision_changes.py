"""The supervision agreement after it exists: the 农商行 agreement entered after the branch,
cancelling an agreement (at 建设银行 through its API, at a 农商行 branch in person), and the rule
that the contract's supervision choice stays while an agreement is open."""

from __future__ import annotations

from dataclasses import replace

from signing_flow.errors import (
    AlreadyExists,
    DuplicateKey,
    FieldProblem,
    InvalidState,
    ValidationFailed,
)
from signing_flow.fund_supervision import BankUnavailable
from signing_flow.models import Contract
from signing_flow.outbox import save_contract
from signing_flow.ports import Ports
from signing_flow.repository import with_retries
from signing_flow.roles import Actor, Role
from signing_flow.states import SUPERVISION
from signing_flow.supervision import SupervisionApplication, branch_agreement_problems
from signing_flow.terms import Bank
from signing_flow.usecases.contracts import get_contract
from signing_flow.usecases.fund_supervision import (
    application_deadline,
    apply_notification,
    bank_of,
    bank_unavailable,
    ensure_after_submit,
    ensure_bank,
    ensure_role,
    event_data,
    recorded,
    replace_current,
    unknown_application,
)
from signing_flow.validators import check_visible_text
from signing_flow.vocabulary import SupervisionAction, SupervisionStatus

REASON_MAX = 200
BRANCH_AGREEMENTS = "branch_agreements"


async def record_branch_agreement(
    ports: Ports, actor: Actor, contract_id: str, agreement_number: str, branch: str
) -> Contract:
    """农商行: the agreement signed at a branch, entered by the contract's agent or center
    staff. Entering the same agreement again changes nothing; another one needs the first
    cancelled."""
    ensure_role(
        actor,
        frozenset({Role.PRACTITIONER, Role.CENTER_STAFF}),
        "只有合同的经纪人或交易中心工作人员可以录入 (the agent or center staff)",
    )
    number = agreement_number.strip().upper()
    branch = branch.strip()
    if problems := branch_agreement_problems(number, branch, ports.clock.now().date()):
        raise ValidationFailed(problems)

    async def attempt() -> Contract:
        contract = await get_contract(ports, actor, contract_id)
        ensure_bank(contract, Bank.ZSRCB)
        ensure_after_submit(contract)
        now = ports.clock.now()
        current = contract.supervision
        if current is not None and current.is_open:
            if (current.bank, current.agreement_number, current.branch) == (
                Bank.ZSRCB.value,
                number,
                branch,
            ):
                return contract
            raise SUPERVISION.refusal(current.status, "record", ["cancel"])
        await _claim_number(ports, number, contract.id)
        app = SupervisionApplication(
            id=f"zsrcb-{number}",
            bank=Bank.ZSRCB.value,
            status=SupervisionStatus.SIGNED,
            opened_at=now,
            expires_at=application_deadline(ports, contract, now),
            opened_by=actor.account_id,
            agreement_number=number,
            branch=branch,
        )
        replace_current(contract, app)
        contract.record("fund_supervision_recorded", actor, now, event_data(app))
        await save_contract(ports, contract)
        return contract

    async with ports.store.writing("contracts", contract_id):
        return await with_retries(attempt)


async def _claim_number(ports: Ports, number: str, contract_id: str) -> None:
    """One agreement supervises one sale: its number is entered on one contract, for good (a
    cancelled agreement's number is not issued again). The store's unique id decides a race."""
    try:
        await ports.store.insert(
            BRANCH_AGREEMENTS, {"_id": number, "version": 0, "contract_id": contract_id}
        )
    except DuplicateKey:
        held = await ports.store.get(BRANCH_AGREEMENTS, number)
        if held is not None and held["contract_id"] != contract_id:
            raise AlreadyExists(
                "该监管协议编号已录入在另一份合同上 (the agreement is on another contract)",
                code="AGREEMENT_NUMBER_TAKEN",
            ) from None


async def cancel_agreement(ports: Ports, actor: Actor, contract_id: str, reason: str) -> Contract:
    """Cancel the current agreement: at 建设银行 through its API (the sandbox bank supports it),
    at a 农商行 branch by the parties, then entered here. Needed before the bank or the
    supervision choice of the contract may change. Whoever may open an application (the agent,
    an admin of its agency) may cancel it, and center staff."""
    ensure_role(
        actor,
        frozenset({Role.PRACTITIONER, Role.AGENCY_ADMIN, Role.CENTER_STAFF}),
        "只有合同的经纪人、其中介机构或交易中心工作人员可以取消 (agent, agency or staff)",
    )
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX or check_visible_text(reason, multiline=True):
        raise ValidationFailed(
            [FieldProblem("reason", "INVALID", f"必填：取消原因，至多 {REASON_MAX} 字 (reason)")]
        )
    contract = await get_contract(ports, actor, contract_id)
    app = contract.supervision
    if app is None or not app.is_open:
        raise InvalidState(
            "没有可取消的资金监管协议 (no open agreement to cancel)",
            current=app.status.value if app else "none",
            allowed=[],
            code="SUPERVISION_STATE_CONFLICT",
        )
    if app.bank == Bank.CCB:
        try:
            notice = await bank_of(ports).cancel_application(app.id, reason)
        except BankUnavailable as exc:
            raise bank_unavailable() from exc
        contract, _ = await apply_notification(
            ports, replace(notice, reason=reason) if notice.reason is None else notice, actor
        )
        current = contract.supervision
        if current is None or current.status is not SupervisionStatus.CANCELLED:
            raise InvalidState(
                "银行未取消该监管申请 (the bank did not cancel it)",
                current=current.status.value if current else "none",
                allowed=[],
                code="SUPERVISION_CANCEL_REFUSED",
                extra={"bank_status": notice.status.value},
            )
        return contract

    async def attempt() -> Contract:
        fresh = await get_contract(ports, actor, contract_id)
        current = fresh.supervision
        if current is None or current.id != app.id:
            raise unknown_application()
        now = ports.clock.now()
        current.move(SupervisionAction.CANCEL, now, reason=reason)
        recorded(fresh, current, actor, now)
        await save_contract(ports, fresh)
        return fresh

    async with ports.store.writing("contracts", contract_id):
        return await with_retries(attempt)
