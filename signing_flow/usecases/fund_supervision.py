"""资金监管 (guide §2.2 (四)): the 建设银行 龙存管 application and the bank's notices, the 农商行
agreement recorded after the branch, and cancelling either before the choice may change.

Supervision gates nothing: a contract is signed and filed with or without an agreement (the
guide makes it the parties' choice). What it does gate is changing that choice: once an
agreement exists or may still be signed at the bank (pending or signed), the bank or the
switch cannot change before the agreement is cancelled (``ensure_choice_may_change``).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from signing_flow.codec import encode_time
from signing_flow.errors import (
    DependencyUnavailable,
    DomainError,
    DuplicateKey,
    Forbidden,
    InvalidState,
    NotEligible,
    NotFound,
)
from signing_flow.fund_supervision import (
    ApplicationRequest,
    BankApplicationStatus,
    BankNotification,
    BankUnavailable,
    FundSupervisionBank,
)
from signing_flow.models import Contract
from signing_flow.outbox import save_contract
from signing_flow.ports import Ports
from signing_flow.repository import contracts, with_retries
from signing_flow.roles import Actor, Role
from signing_flow.states import PURGEABLE_STATUSES
from signing_flow.supervision import (
    NoticeOutcome,
    SupervisionApplication,
)
from signing_flow.terms import Bank
from signing_flow.usecases.contracts import get_contract
from signing_flow.vocabulary import (
    ContractStatus,
    SupervisionStatus,
)

log = logging.getLogger("wangqian.fund_supervision")

CALLBACK_PATH = "/api/v1/callbacks/banks/ccb"
POINTERS = "bank_applications"
# After submit: the agreement belongs to a contract whose content is settled. Filing does not
# wait for it, so a signed or filed contract may still open one.
OPEN_STATUSES = frozenset(
    {
        ContractStatus.SUBMITTED,
        ContractStatus.SIGNING,
        ContractStatus.SIGNED,
        ContractStatus.WINDOW_REVIEW,
        ContractStatus.FILED,
    }
)
BANK_ACTOR = Actor(account_id="bank:ccb", role=Role.SYSTEM)
EXPIRY_REASON = "合同期限已过，监管申请已在银行撤销 (the contract's deadline passed)"
_EVENT_OF_STATUS = {
    SupervisionStatus.SIGNED: "fund_supervision_signed",
    SupervisionStatus.REJECTED: "fund_supervision_rejected",
    SupervisionStatus.CANCELLED: "fund_supervision_cancelled",
    SupervisionStatus.EXPIRED: "fund_supervision_expired",
}


def bank_unavailable() -> DependencyUnavailable:
    return DependencyUnavailable(
        "建设银行龙存管暂时无法访问，请稍后重试 (the bank did not answer)", code="BANK_UNAVAILABLE"
    )


def bank_of(ports: Ports) -> FundSupervisionBank:
    if ports.bank is None:
        raise bank_unavailable()
    return ports.bank


def unknown_application() -> NotFound:
    return NotFound("没有这个监管申请 (unknown application)", code="BANK_APPLICATION_NOT_FOUND")


def ensure_role(actor: Actor, roles: frozenset[Role], message: str) -> None:
    if actor.role not in roles:
        raise Forbidden(message, code="ROLE_NOT_ALLOWED")


def ensure_after_submit(contract: Contract) -> None:
    if contract.status not in OPEN_STATUSES:
        raise InvalidState(
            "提交合同后才能办理资金监管 (fund supervision starts after submit)",
            current=contract.status.value,
            allowed=[],
            code="CONTRACT_STATE_CONFLICT",
        )


def ensure_bank(contract: Contract, bank: Bank) -> None:
    fund = contract.fund_supervision
    if fund.enabled and fund.bank == bank:
        return
    if bank is Bank.CCB:
        raise NotEligible(
            "该合同未选择建设银行资金监管，不能跳转龙存管 (the contract did not choose ccb)",
            code="SUPERVISION_NOT_ONLINE",
            details={"fund_supervision": {"enabled": fund.enabled, "bank": fund.bank}},
        )
    raise NotEligible(
        "该合同未选择农商行资金监管 (the contract did not choose zsrcb)",
        code="SUPERVISION_NOT_AT_BRANCH",
        details={"fund_supervision": {"enabled": fund.enabled, "bank": fund.bank}},
    )


def _open_online(contract: Contract) -> SupervisionApplication | None:
    app = contract.supervision
    return app if app is not None and app.bank == Bank.CCB and app.is_open else None


def event_data(app: SupervisionApplication) -> dict[str, str]:
    return {"application_id": app.id, "bank": app.bank, "supervision_status": app.status.value}


def replace_current(contract: Contract, app: SupervisionApplication) -> None:
    if contract.supervision is not None:
        contract.past_supervisions.append(contract.supervision)
    contract.supervision = app


def _request(ports: Ports, contract: Contract) -> ApplicationRequest:
    return ApplicationRequest(
        contract_id=contract.id,
        contract_number=contract.number,
        amount_fen=contract.price_fen or 0,
        property_address=contract.property.address,
        seller_names=tuple(p.name or "" for p in contract.sellers),
        buyer_names=tuple(p.name or "" for p in contract.buyers),
        notify_url=f"{ports.public_base_url}{CALLBACK_PATH}",
        return_url=f"{ports.public_base_url}/console#/contracts/{contract.id}",
    )


async def open_application(ports: Ports, actor: Actor, contract_id: str) -> tuple[Contract, bool]:
    """跳转建设银行龙存管: the contract's open application, or a new one at the bank. True when
    this call opened it. The agent who drafted the contract or an admin of its agency."""
    ensure_role(
        actor,
        frozenset({Role.PRACTITIONER, Role.AGENCY_ADMIN}),
        "只有合同的经纪人或其中介机构可以办理 (the contract's agent or agency)",
    )
    bank = bank_of(ports)
    async with ports.store.writing("contracts", contract_id):
        contract = await get_contract(ports, actor, contract_id)
        if _open_online(contract) is not None:
            return contract, False
        now = ports.clock.now()
        _ensure_openable(contract, now)
        try:
            opened = await bank.open_application(_request(ports, contract))
        except BankUnavailable as exc:
            raise bank_unavailable() from exc
        # The pointer first: a callback can only name an application the pointer knows. A
        # pointer whose contract never took the application is refused as unknown.
        with contextlib.suppress(DuplicateKey):
            await ports.store.insert(
                POINTERS, {"_id": opened.application_id, "version": 0, "contract_id": contract.id}
            )

        async def attempt() -> tuple[Contract, bool]:
            fresh = await get_contract(ports, actor, contract_id)
            if _open_online(fresh) is not None:  # another process opened one meanwhile
                await _withdraw(bank, opened.application_id)
                return fresh, False
            _ensure_openable(fresh, now)
            app = SupervisionApplication(
                id=opened.application_id,
                bank=Bank.CCB.value,
                status=SupervisionStatus.PENDING,
                opened_at=now,
                expires_at=application_deadline(ports, fresh, now),
                opened_by=actor.account_id,
                redirect_url=opened.redirect_url,
                amount_fen=fresh.price_fen,
            )
            replace_current(fresh, app)
            fresh.supervision_check_at = now
            fresh.record("fund_supervision_opened", actor, now, event_data(app))
            await save_contract(ports, fresh)
            return fresh, True

        try:
            return await with_retries(attempt)
        except DomainError:
            await _withdraw(bank, opened.application_id)
            raise


def application_deadline(ports: Ports, contract: Contract, opened_at: datetime) -> datetime:
    """Until when an application waits at the bank: a contract before signing is deleted at
    ``purge_at`` and its application with it; a signed or filed one stays, and its application
    gets the supervision window (``WANGQIAN_SUPERVISION_DAYS``) from when it opened."""
    if contract.status in PURGEABLE_STATUSES:
        return contract.purge_at
    return opened_at + timedelta(days=ports.lifetimes.supervision_days)


def _expires_at(ports: Ports, contract: Contract, app: SupervisionApplication) -> datetime:
    """An application opened before signing is not cut off by the deletion deadline once the
    contract is signed; one whose contract was deleted or 注销 is given up now (the contract no
    longer needs it, so the job cancels it at the bank)."""
    if contract.status in (ContractStatus.DELETED, ContractStatus.CANCELLED):
        return min(app.expires_at, ports.clock.now())
    if contract.status in PURGEABLE_STATUSES:
        return app.expires_at
    return max(app.expires_at, application_deadline(ports, contract, app.opened_at))


def _ensure_openable(contract: Contract, now: datetime) -> None:
    ensure_bank(contract, Bank.CCB)
    ensure_after_submit(contract)
    if contract.status in PURGEABLE_STATUSES and contract.purge_at <= now:
        raise NotEligible(
            "合同期限已过，不能再发起资金监管申请 (past the contract's deadline)",
            code="SUPERVISION_DEADLINE_PASSED",
            details={"deadline": encode_time(contract.purge_at)},
        )


async def _withdraw(bank: FundSupervisionBank, application_id: str) -> None:
    """Cancel an application no contract took; if the bank is down it expires there unused."""
    try:
        await bank.cancel_application(application_id, "平台重复发起，撤销 (opened twice)")
    except BankUnavailable:
        log.warning("could not withdraw unused bank application %s", application_id)


async def apply_notification(
    ports: Ports, notice: BankNotification, actor: Actor = BANK_ACTOR
) -> tuple[Contract, NoticeOutcome]:
    """A verified notice of the bank (a callback, or a status query's answer): only for an
    application the platform opened; idempotent by ``notification_id``; a stale or repeated
    notice changes nothing. Compare-and-set, retried on a lost race (the agent editing)."""
    pointer = await ports.store.get(POINTERS, notice.application_id)
    if pointer is None:
        raise unknown_application()
    contract_id = str(pointer["contract_id"])

    async def attempt() -> tuple[Contract, NoticeOutcome]:
        contract = await contracts(ports.store).get(contract_id)
        app = _application(contract, notice.application_id) if contract else None
        if contract is None or app is None:
            raise unknown_application()
        now = ports.clock.now()
        outcome = app.take(notice, now)
        if outcome is NoticeOutcome.APPLIED:
            recorded(contract, app, actor, now)
            await save_contract(ports, contract)
        return contract, outcome

    async with ports.store.writing("contracts", contract_id):
        return await with_retries(attempt)


def _application(contract: Contract, application_id: str) -> SupervisionApplication | None:
    every = [contract.supervision, *contract.past_supervisions]
    return next((a for a in every if a is not None and a.id == application_id), None)


def recorded(contract: Contract, app: SupervisionApplication, actor: Actor, at: datetime) -> None:
    """After a move: the status job has nothing more to ask, and the event is recorded."""
    if app is contract.supervision and app.status is not SupervisionStatus.PENDING:
        contract.supervision_check_at = None
    contract.record(_EVENT_OF_STATUS[app.status], actor, at, event_data(app))


async def check_application(ports: Ports, contract_id: str) -> bool:
    """The status job's look at one pending application: ask the bank; past its deadline (or
    once its contract is deleted or 注销), cancel it there if still pending and mark it expired. True when the application moved. Raises
    ``BankUnavailable`` (the job tries again on its next run); re-reads, so a callback that
    came first leaves nothing to do."""
    bank = bank_of(ports)
    contract = await contracts(ports.store).get(contract_id)
    app = contract.supervision if contract is not None else None
    if contract is None:
        return False
    if app is None or app.status is not SupervisionStatus.PENDING:
        await ports.store.set_fields(
            "contracts", contract.id, contract.version, {"supervision_check_at": None}
        )
        return False
    now = ports.clock.now()
    notice = await bank.query_application(app.id)
    if notice.status is BankApplicationStatus.PENDING and now >= _expires_at(ports, contract, app):
        # Only while still pending at the bank: the parties may sign between the query and the
        # cancel, and their agreement is then kept (the answer "signed" is applied as it is).
        notice = await bank.cancel_application(app.id, EXPIRY_REASON, only_if_pending=True)
        if notice.status is BankApplicationStatus.CANCELLED:
            notice = replace(notice, status=BankApplicationStatus.EXPIRED, reason=EXPIRY_REASON)
    if notice.status is BankApplicationStatus.PENDING:
        # asked again one interval later (the job's query is on this field)
        await ports.store.set_fields(
            "contracts", contract.id, contract.version, {"supervision_check_at": encode_time(now)}
        )
        return False
    _, outcome = await apply_notification(ports, replace(notice, notification_id=None))
    return outcome is NoticeOutcome.APPLIED
