"""资金监管 use cases and the bank status job on each store, against a double of the bank port
(the sandbox bank over HTTP is tests/e2e's)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import pytest

from backend.contracts.schemas import ContractFields
from backend.demo import DEMO_BUYERS, DEMO_PROPERTIES, contract_terms, seed_demo, seller_fields
from backend.signing_keys import Ed25519Signer
from backend.storage import open_store
from miniapp_mock.providers import SandboxFace, SandboxPolice
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.services import SANDBOX_COLLECTIONS
from miniapp_mock.sms import SandboxSms
from miniapp_mock.unified_identity import SandboxUnifiedIdentity
from schedulers.supervision import check_fund_supervision
from signing_flow.audit import verify_chain
from signing_flow.errors import (
    DependencyUnavailable,
    Forbidden,
    InvalidState,
    NotEligible,
    NotFound,
    ValidationFailed,
)
from signing_flow.fund_supervision import BankApplicationStatus as B
from signing_flow.models import Contract
from signing_flow.ports import DocumentStore, Ports
from signing_flow.repository import contracts
from signing_flow.roles import Actor, Role
from signing_flow.supervision import NoticeOutcome
from signing_flow.usecases.contracts import create_contract, submit_contract, update_contract
from signing_flow.usecases.fund_supervision import apply_notification, open_application
from signing_flow.usecases.properties import PropertyLookup
from signing_flow.usecases.signing import create_signing_order
from signing_flow.usecases.supervision_changes import cancel_agreement, record_branch_agreement
from signing_flow.vocabulary import ContractStatus, SupervisionStatus
from tests.bank_double import BankDouble
from tests.conftest import FakeClock

AGENT = Actor(account_id="acct-agent_li", role=Role.PRACTITIONER, agency_id="agency-demo")
OTHER_AGENT = Actor(account_id="acct-someone", role=Role.PRACTITIONER, agency_id="agency-demo")
ADMIN = Actor(account_id="acct-admin", role=Role.AGENCY_ADMIN, agency_id="agency-demo")
STAFF = Actor(account_id="acct-staff", role=Role.CENTER_STAFF)
QUERY_AFTER = timedelta(minutes=15)
PROP = next(p for p in DEMO_PROPERTIES if p.id == "prop-sole")


@pytest.fixture
def bank(clock: FakeClock) -> BankDouble:
    return BankDouble(clock)


@pytest.fixture
async def ports(store: DocumentStore, clock: FakeClock, bank: BankDouble) -> Ports:
    await seed_demo(store)
    return Ports(
        store=store,
        clock=clock,
        registry=SandboxRegistry(store),
        police=SandboxPolice(),
        face=SandboxFace(),
        signer=Ed25519Signer(os.urandom(32)),
        sms=SandboxSms(store, clock),
        unified_identity=SandboxUnifiedIdentity(store, clock),
        bank=bank,
    )


def fields(**overrides: Any) -> dict[str, Any]:
    body = {"sellers": seller_fields(PROP), "buyers": DEMO_BUYERS[:1], **contract_terms(PROP)}
    return ContractFields.model_validate({**body, **overrides}).changes()


def choice(enabled: bool, bank: str | None = None) -> dict[str, Any]:
    return fields(fund_supervision={"enabled": enabled, "bank": bank})


async def submitted(ports: Ports, **overrides: Any) -> str:
    lookup = PropertyLookup(cert_no=PROP.cert_no, owner_id_number=PROP.owners[0].id_number)
    contract = await create_contract(ports, AGENT, lookup, fields(**overrides))
    await submit_contract(ports, AGENT, contract.id)
    return contract.id


async def read(ports: Ports, contract_id: str) -> Contract:
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None
    return contract


async def opened(ports: Ports) -> tuple[str, str]:
    contract_id = await submitted(ports)
    contract, _ = await open_application(ports, AGENT, contract_id)
    assert contract.supervision is not None
    return contract_id, contract.supervision.id


async def test_a_ccb_application_opens_after_submit_and_a_second_call_returns_it(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id = await submitted(ports)
    contract, new = await open_application(ports, AGENT, contract_id)
    again, new_again = await open_application(ports, AGENT, contract_id)
    assert (new, new_again) == (True, False)
    assert len(bank.requests) == 1
    app = again.supervision
    assert app is not None and app.status is SupervisionStatus.PENDING
    assert app.redirect_url == "https://bank.test/ccb/ccb-1"
    assert bank.requests[0].amount_fen == contract.price_fen
    assert bank.requests[0].notify_url.endswith("/api/v1/callbacks/banks/ccb")
    assert again.events[-1].type == "fund_supervision_opened"


async def test_concurrent_opens_make_one_application_at_the_bank(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id = await submitted(ports)
    results = await asyncio.gather(*(open_application(ports, AGENT, contract_id) for _ in range(3)))
    assert [new for _, new in results].count(True) == 1
    assert len(bank.requests) == 1


async def test_the_agency_admin_may_open_it_other_agents_and_staff_may_not(ports: Ports) -> None:
    contract_id = await submitted(ports)
    with pytest.raises(NotFound):
        await open_application(ports, OTHER_AGENT, contract_id)
    with pytest.raises(Forbidden):
        await open_application(ports, STAFF, contract_id)
    _, new = await open_application(ports, ADMIN, contract_id)
    assert new


async def test_no_application_before_submit_without_ccb_or_past_the_deadline(
    ports: Ports, clock: FakeClock, bank: BankDouble
) -> None:
    lookup = PropertyLookup(cert_no=PROP.cert_no, owner_id_number=PROP.owners[0].id_number)
    draft = await create_contract(ports, AGENT, lookup, fields())
    with pytest.raises(InvalidState) as early:
        await open_application(ports, AGENT, draft.id)
    assert early.value.code == "CONTRACT_STATE_CONFLICT"
    await update_contract(ports, AGENT, draft.id, choice(True, "zsrcb"))
    await submit_contract(ports, AGENT, draft.id)
    with pytest.raises(NotEligible) as branch:
        await open_application(ports, AGENT, draft.id)
    assert branch.value.code == "SUPERVISION_NOT_ONLINE"
    await update_contract(ports, AGENT, draft.id, choice(True, "ccb"))
    await submit_contract(ports, AGENT, draft.id)
    clock.set((await read(ports, draft.id)).purge_at)
    with pytest.raises(NotEligible) as late:
        await open_application(ports, AGENT, draft.id)
    assert late.value.code == "SUPERVISION_DEADLINE_PASSED"
    assert bank.requests == []


async def test_a_bank_that_is_down_answers_503_and_nothing_is_written(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id = await submitted(ports)
    before = await read(ports, contract_id)
    bank.down = True
    with pytest.raises(DependencyUnavailable) as down:
        await open_application(ports, AGENT, contract_id)
    assert down.value.code == "BANK_UNAVAILABLE"
    after = await read(ports, contract_id)
    assert (after.version, after.supervision) == (before.version, None)


async def test_a_signed_notice_records_the_agreement_once_however_often_it_comes(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, app_id = await opened(ports)
    notice = bank.notice(app_id, B.SIGNED, notification_id="n-1")
    _, first = await apply_notification(ports, notice)
    version = (await read(ports, contract_id)).version
    _, second = await apply_notification(ports, notice)
    assert (first, second) == (NoticeOutcome.APPLIED, NoticeOutcome.DUPLICATE)
    contract = await read(ports, contract_id)
    assert contract.version == version
    app = contract.supervision
    assert app is not None and app.status is SupervisionStatus.SIGNED
    assert (app.agreement_number, app.supervision_account) == (
        f"LCG{app_id}",
        "6217000010001234567",
    )
    assert contract.supervision_check_at is None
    assert [e.type for e in contract.events].count("fund_supervision_signed") == 1
    assert verify_chain(contract.id, contract.events)


async def test_late_or_reordered_notices_never_undo_a_signature(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)
    earlier = clock.now()
    clock.advance(minutes=5)
    await apply_notification(ports, bank.notice(app_id, B.SIGNED, notification_id="n-2"))
    version = (await read(ports, contract_id)).version
    late_pending = bank.notice(app_id, B.PENDING, notification_id="n-1", occurred_at=earlier)
    older_reject = bank.notice(app_id, B.REJECTED, notification_id="n-0", occurred_at=earlier)
    for notice in (late_pending, older_reject):
        _, outcome = await apply_notification(ports, notice)
        assert outcome is NoticeOutcome.STALE
    contract = await read(ports, contract_id)
    assert contract.version == version
    assert contract.supervision is not None
    assert contract.supervision.status is SupervisionStatus.SIGNED


async def test_a_notice_for_an_application_nobody_opened_is_refused(
    ports: Ports, bank: BankDouble
) -> None:
    await opened(ports)
    with pytest.raises(NotFound) as unknown:
        await apply_notification(ports, bank.notice("ccb-999", B.SIGNED, notification_id="x"))
    assert unknown.value.code == "BANK_APPLICATION_NOT_FOUND"


async def test_after_a_rejection_a_new_application_opens_and_the_old_one_stays_closed(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, first = await opened(ports)
    rejected = bank.notice(first, B.REJECTED, notification_id="r-1", reason="账户信息有误")
    await apply_notification(ports, rejected)
    contract = await read(ports, contract_id)
    assert contract.supervision is not None
    assert (contract.supervision.status, contract.supervision.reason) == (
        SupervisionStatus.REJECTED,
        "账户信息有误",
    )
    contract, new = await open_application(ports, AGENT, contract_id)
    assert new and contract.supervision is not None and contract.supervision.id == "ccb-2"
    _, outcome = await apply_notification(ports, bank.notice(first, B.SIGNED, notification_id="s"))
    assert outcome is NoticeOutcome.STALE
    assert [a.id for a in (await read(ports, contract_id)).past_supervisions] == [first]


async def test_the_bank_cannot_change_while_an_agreement_is_signed_until_it_is_cancelled(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, app_id = await opened(ports)
    await apply_notification(ports, bank.notice(app_id, B.SIGNED, notification_id="n"))
    for change in (choice(True, "zsrcb"), choice(False)):
        with pytest.raises(InvalidState) as refused:
            await update_contract(ports, AGENT, contract_id, change)
        assert refused.value.code == "SUPERVISION_CANCEL_REQUIRED"
        assert refused.value.details["current_state"] == "signed"
    # other fields may change; the choice stays
    await update_contract(ports, AGENT, contract_id, fields(supplementary_terms="补充条款"))
    contract = await cancel_agreement(ports, AGENT, contract_id, "改为农商行监管")
    assert bank.cancels == [app_id]
    assert contract.supervision is not None
    assert contract.supervision.status is SupervisionStatus.CANCELLED
    edited = await update_contract(ports, AGENT, contract_id, choice(True, "zsrcb"))
    assert edited.fund_supervision.bank == "zsrcb"


async def test_a_pending_application_also_needs_cancelling_before_the_choice_changes(
    ports: Ports,
) -> None:
    contract_id, _ = await opened(ports)
    with pytest.raises(InvalidState) as refused:
        await update_contract(ports, AGENT, contract_id, choice(False))
    assert refused.value.details["current_state"] == "pending"


async def test_a_cancellation_while_the_bank_is_down_changes_nothing(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, _ = await opened(ports)
    version = (await read(ports, contract_id)).version
    bank.down = True
    with pytest.raises(DependencyUnavailable):
        await cancel_agreement(ports, AGENT, contract_id, "改为不监管")
    assert (await read(ports, contract_id)).version == version


async def test_the_zsrcb_agreement_is_recorded_by_the_agent_or_staff_with_a_valid_number(
    ports: Ports,
) -> None:
    contract_id = await submitted(ports, fund_supervision={"enabled": True, "bank": "zsrcb"})
    with pytest.raises(ValidationFailed) as invalid:
        await record_branch_agreement(ports, AGENT, contract_id, "12345", " ")
    assert {p.path for p in invalid.value.problems} == {"agreement_number", "branch"}
    with pytest.raises(Forbidden):
        await record_branch_agreement(ports, ADMIN, contract_id, "NSJG202600012345", "石岐支行")
    contract = await record_branch_agreement(
        ports, AGENT, contract_id, "nsjg202600012345", "中山农商银行石岐支行"
    )
    app = contract.supervision
    assert app is not None and app.status is SupervisionStatus.SIGNED
    assert (app.agreement_number, app.branch) == ("NSJG202600012345", "中山农商银行石岐支行")
    same = await record_branch_agreement(
        ports, STAFF, contract_id, "NSJG202600012345", "中山农商银行石岐支行"
    )
    assert same.version == contract.version
    with pytest.raises(InvalidState) as other:
        await record_branch_agreement(ports, STAFF, contract_id, "NSJG202600099999", "东区支行")
    assert other.value.code == "SUPERVISION_STATE_CONFLICT"
    assert contract.events[-1].type == "fund_supervision_recorded"


async def test_a_zsrcb_agreement_is_not_recorded_on_a_ccb_contract(ports: Ports) -> None:
    contract_id = await submitted(ports)
    with pytest.raises(NotEligible) as refused:
        await record_branch_agreement(ports, AGENT, contract_id, "NSJG202600012345", "石岐支行")
    assert refused.value.code == "SUPERVISION_NOT_AT_BRANCH"


async def test_filing_does_not_wait_for_the_supervision_agreement(ports: Ports) -> None:
    contract_id, _ = await opened(ports)
    contract, _ = await create_signing_order(ports, AGENT, contract_id)
    assert contract.status is ContractStatus.SIGNING


async def test_the_job_asks_the_bank_only_after_the_configured_time(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)
    clock.advance(minutes=14)
    assert (await check_fund_supervision(ports, query_after=QUERY_AFTER)).changed == []
    assert bank.queries == 0
    clock.advance(minutes=1)
    assert (await check_fund_supervision(ports, query_after=QUERY_AFTER)).changed == []
    assert bank.queries == 1  # still pending: asked again one interval later
    bank.status[app_id] = B.SIGNED
    clock.advance(minutes=1)
    assert (await check_fund_supervision(ports, query_after=QUERY_AFTER)).changed == []
    clock.advance(minutes=14)
    report = await check_fund_supervision(ports, query_after=QUERY_AFTER)
    assert len(report.changed) == 1
    contract = await read(ports, contract_id)
    assert contract.supervision is not None
    assert contract.supervision.status is SupervisionStatus.SIGNED
    assert contract.supervision_check_at is None


async def test_a_bank_down_is_retried_by_the_job_until_it_answers(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)
    bank.status[app_id] = B.SIGNED
    bank.down = True
    clock.advance(minutes=20)
    before = await read(ports, contract_id)
    assert (await check_fund_supervision(ports, query_after=QUERY_AFTER)).changed == []
    after = await read(ports, contract_id)
    assert (after.version, after.supervision_check_at) == (
        before.version,
        before.supervision_check_at,
    )
    bank.down = False
    clock.advance(minutes=1)  # the next run: still due
    assert len((await check_fund_supervision(ports, query_after=QUERY_AFTER)).changed) == 1


async def test_past_the_contracts_deadline_the_job_cancels_at_the_bank_and_expires_it(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)
    clock.set((await read(ports, contract_id)).purge_at)
    report = await check_fund_supervision(ports, query_after=QUERY_AFTER)
    assert len(report.changed) == 1
    assert bank.cancels == [app_id]
    contract = await read(ports, contract_id)
    assert contract.supervision is not None
    assert contract.supervision.status is SupervisionStatus.EXPIRED
    assert contract.events[-1].type == "fund_supervision_expired"
    # a signature the bank reports afterwards changes nothing
    _, late = await apply_notification(ports, bank.notice(app_id, B.SIGNED, notification_id="z"))
    assert late is NoticeOutcome.STALE


class CallbackFirst:
    """The agent's store: just before the edit's first write, the bank's callback lands through
    another process's store, so that the edit's compare-and-set loses exactly once."""

    def __init__(self, inner: DocumentStore, callback: Callable[[], Awaitable[object]]) -> None:
        self.inner = inner
        self.callback: Callable[[], Awaitable[object]] | None = callback

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def compare_and_set(self, collection: str, doc: Any, expected_version: int) -> Any:
        if self.callback is not None:
            callback, self.callback = self.callback, None
            await callback()
        return await self.inner.compare_and_set(collection, doc, expected_version)


@pytest.fixture
async def second_store(store_url: str) -> AsyncIterator[DocumentStore]:
    async with open_store(store_url, SANDBOX_COLLECTIONS) as second:
        yield second


def racing(ports: Ports, second: DocumentStore, app_id: str, bank: BankDouble) -> Ports:
    """``ports`` whose next contract write lets the bank's signed callback land first."""
    other = replace(ports, store=second)
    notice = bank.notice(app_id, B.SIGNED, notification_id="n")
    store = CallbackFirst(ports.store, lambda: apply_notification(other, notice))
    return replace(ports, store=cast(DocumentStore, store))


async def test_a_callback_landing_during_the_agents_edit_keeps_both(
    ports: Ports, bank: BankDouble, second_store: DocumentStore
) -> None:
    contract_id, app_id = await opened(ports)
    agent_side = racing(ports, second_store, app_id, bank)
    await update_contract(agent_side, AGENT, contract_id, fields(supplementary_terms="补充"))
    contract = await read(ports, contract_id)
    assert contract.supplementary_terms == "补充"
    assert contract.supervision is not None
    assert contract.supervision.status is SupervisionStatus.SIGNED
    assert verify_chain(contract.id, contract.events)
