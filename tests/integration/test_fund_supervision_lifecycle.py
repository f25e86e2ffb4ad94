"""资金监管 across the contract's life: the expiry cancel racing the parties' signature, the
supervision window after signing, deleting or editing a contract with an application open at the
bank, the to-do list after filing, and who may cancel (the use cases against the bank double)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from backend.contracts.schemas import ContractFields
from backend.demo import DEMO_BUYERS, DEMO_PROPERTIES, contract_terms, seller_fields
from schedulers.supervision import check_fund_supervision
from signing_flow.errors import AlreadyExists, InvalidState
from signing_flow.fund_supervision import BankApplicationStatus as B
from signing_flow.ports import Ports
from signing_flow.usecases.contracts import (
    create_contract,
    delete_contract,
    list_todo,
    submit_contract,
    update_contract,
)
from signing_flow.usecases.fund_supervision import apply_notification, open_application
from signing_flow.usecases.properties import PropertyLookup
from signing_flow.usecases.supervision_changes import cancel_agreement, record_branch_agreement
from signing_flow.vocabulary import ContractStatus, SupervisionStatus
from tests.bank_double import BankDouble
from tests.conftest import FakeClock
from tests.integration import test_fund_supervision as base
from tests.integration.test_fund_supervision import (
    ADMIN,
    AGENT,
    QUERY_AFTER,
    STAFF,
    fields,
    opened,
    read,
    submitted,
)

WINDOW = timedelta(days=30)
# the fixtures of the use case tests: the demo data, and the bank double as the bank port
ports = base.ports
bank = base.bank


async def set_status(ports: Ports, contract_id: str, status: ContractStatus) -> None:
    """The contract signed, filed or deleted meanwhile (those flows are tested elsewhere)."""
    contract = await read(ports, contract_id)
    assert await ports.store.set_fields(
        "contracts", contract_id, contract.version, {"status": status.value}
    )


async def test_the_expiry_cancel_keeps_an_agreement_signed_between_query_and_cancel(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)
    clock.set((await read(ports, contract_id)).purge_at)

    def parties_sign() -> None:
        bank.status[app_id] = B.SIGNED

    bank.before_cancel = parties_sign
    report = await check_fund_supervision(ports, query_after=QUERY_AFTER)
    assert len(report.changed) == 1
    assert bank.status[app_id] is B.SIGNED  # the bank kept it
    app = (await read(ports, contract_id)).supervision
    assert app is not None and app.status is SupervisionStatus.SIGNED
    assert app.agreement_number == f"LCG{app_id}"


async def test_a_signed_or_filed_contract_keeps_its_application_for_the_window(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)  # opened while submitted
    await set_status(ports, contract_id, ContractStatus.FILED)
    clock.set((await read(ports, contract_id)).purge_at + timedelta(hours=1))
    await check_fund_supervision(ports, query_after=QUERY_AFTER)
    assert bank.cancels == []
    app = (await read(ports, contract_id)).supervision
    assert app is not None and app.status is SupervisionStatus.PENDING
    clock.set(app.opened_at + WINDOW)
    await check_fund_supervision(ports, query_after=QUERY_AFTER)
    assert bank.cancels == [app_id]
    app = (await read(ports, contract_id)).supervision
    assert app is not None and app.status is SupervisionStatus.EXPIRED


async def test_a_filed_contract_opens_an_application_past_its_deletion_deadline(
    ports: Ports, clock: FakeClock
) -> None:
    contract_id = await submitted(ports)
    await set_status(ports, contract_id, ContractStatus.FILED)
    clock.set((await read(ports, contract_id)).purge_at + timedelta(days=3))
    contract, new = await open_application(ports, AGENT, contract_id)
    assert new and contract.supervision is not None
    assert contract.supervision.expires_at == clock.now() + WINDOW


async def test_a_contract_with_an_application_open_at_the_bank_is_not_deleted(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, app_id = await opened(ports)
    with pytest.raises(InvalidState) as pending:
        await delete_contract(ports, AGENT, contract_id)
    await apply_notification(ports, bank.notice(app_id, B.SIGNED, notification_id="n"))
    with pytest.raises(InvalidState) as signed:
        await delete_contract(ports, AGENT, contract_id)
    for refused in (pending, signed):
        assert refused.value.code == "SUPERVISION_CANCEL_REQUIRED"
    assert signed.value.details["current_state"] == "signed"
    await cancel_agreement(ports, AGENT, contract_id, "不再办理")
    deleted = await delete_contract(ports, AGENT, contract_id)
    assert deleted.status is ContractStatus.DELETED


async def test_the_job_cancels_the_pending_application_of_a_deleted_contract(
    ports: Ports, bank: BankDouble, clock: FakeClock
) -> None:
    contract_id, app_id = await opened(ports)
    await set_status(ports, contract_id, ContractStatus.DELETED)  # the purge job
    clock.advance(minutes=15)
    await check_fund_supervision(ports, query_after=QUERY_AFTER)
    assert bank.cancels == [app_id]
    app = (await read(ports, contract_id)).supervision
    assert app is not None and app.status is SupervisionStatus.EXPIRED


async def test_price_or_parties_do_not_change_while_an_application_is_open(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, _ = await opened(ports)
    price = (await read(ports, contract_id)).price_fen
    assert price is not None
    buyer = fields()["buyers"][0]
    for change in (
        fields(price_fen=price + 100_00),
        {"buyers": [replace(buyer, name="王五")]},
    ):
        with pytest.raises(InvalidState) as refused:
            await update_contract(ports, AGENT, contract_id, change)
        assert refused.value.code == "SUPERVISION_CANCEL_REQUIRED"
    # the same price and parties again, and other fields, may be saved
    await update_contract(ports, AGENT, contract_id, fields(supplementary_terms="补充"))
    await cancel_agreement(ports, AGENT, contract_id, "改价")
    edited = await update_contract(ports, AGENT, contract_id, fields(price_fen=price + 100_00))
    assert edited.price_fen == price + 100_00


async def test_a_filed_contract_stays_in_the_todo_list_until_its_agreement_is_signed(
    ports: Ports, bank: BankDouble
) -> None:
    contract_id, app_id = await opened(ports)
    await set_status(ports, contract_id, ContractStatus.FILED)
    assert [c.id for c in await list_todo(ports, AGENT)] == [contract_id]
    await apply_notification(ports, bank.notice(app_id, B.SIGNED, notification_id="n"))
    assert await list_todo(ports, AGENT) == []


async def test_the_agency_admin_who_may_open_it_may_cancel_it(ports: Ports) -> None:
    contract_id, _ = await opened(ports)
    contract = await cancel_agreement(ports, ADMIN, contract_id, "买方改为自行付款")
    assert contract.supervision is not None
    assert contract.supervision.status is SupervisionStatus.CANCELLED


async def test_a_zsrcb_agreement_number_is_entered_on_one_contract_only(ports: Ports) -> None:
    zsrcb = {"fund_supervision": {"enabled": True, "bank": "zsrcb"}}
    first = await submitted(ports, **zsrcb)
    joint = next(p for p in DEMO_PROPERTIES if p.id == "prop-joint")
    body = {"sellers": seller_fields(joint), "buyers": DEMO_BUYERS[:1], **contract_terms(joint)}
    lookup = PropertyLookup(cert_no=joint.cert_no, owner_id_number=joint.owners[0].id_number)
    changes = ContractFields.model_validate({**body, **zsrcb}).changes()
    second = await create_contract(ports, AGENT, lookup, changes)
    await submit_contract(ports, AGENT, second.id)
    number = "NSJG202600012345"
    await record_branch_agreement(ports, AGENT, first, number, "石岐支行")
    with pytest.raises(AlreadyExists) as taken:
        await record_branch_agreement(ports, STAFF, second.id, number.lower(), "东区支行")
    assert taken.value.code == "AGREEMENT_NUMBER_TAKEN"
    assert (await read(ports, second.id)).supervision is None
    # the first contract may enter it again (nothing changes), and the second another number
    await record_branch_agreement(ports, STAFF, first, number, "石岐支行")
    await record_branch_agreement(ports, AGENT, second.id, "NSJG202600054321", "东区支行")
