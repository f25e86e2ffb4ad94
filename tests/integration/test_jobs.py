"""The expiry and purge jobs against each store, with a clock the test moves."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest

from backend.contracts.schemas import ContractFields
from backend.demo import DEMO_BUYERS, DEMO_PROPERTIES, contract_terms, seed_demo, seller_fields
from backend.signing_keys import Ed25519Signer
from backend.storage.sweeps import StoreSweeps, decided
from miniapp_mock.providers import SandboxFace, SandboxPolice
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.sms import SandboxSms
from miniapp_mock.unified_identity import SandboxUnifiedIdentity
from schedulers.jobs import (
    _expire,
    _purge,
    expire_orders,
    purge_preview,
    purge_stale_contracts,
)
from signing_flow.audit import verify_chain
from signing_flow.codec import NotDecoded, from_doc, to_doc
from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import Gone
from signing_flow.models import Contract
from signing_flow.ports import DocumentStore, Ports
from signing_flow.repository import contracts
from signing_flow.roles import Actor, Role
from signing_flow.usecases import party as party_steps
from signing_flow.usecases.contracts import create_contract, submit_contract, update_contract
from signing_flow.usecases.properties import PropertyLookup
from signing_flow.usecases.signing import (
    cancel_signing_order,
    create_signing_order,
    party_qr_link,
)
from signing_flow.vocabulary import ContractStatus, OrderStatus
from tests.conftest import FakeClock

AGENT = Actor(account_id="acct-agent_li", role=Role.PRACTITIONER, agency_id="agency-demo")


@pytest.fixture
async def ports(store: DocumentStore, clock: FakeClock) -> Ports:
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
    )


def lookup(prop_id: str) -> PropertyLookup:
    prop = next(p for p in DEMO_PROPERTIES if p.id == prop_id)
    return PropertyLookup(cert_no=prop.cert_no, owner_id_number=prop.owners[0].id_number)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CITY_TZ)  # type: ignore[misc]


async def draft(ports: Ports, prop_id: str = "prop-sole") -> str:
    return (await create_contract(ports, AGENT, lookup(prop_id), {})).id


async def status_of(ports: Ports, contract_id: str) -> ContractStatus:
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None
    return contract.status


async def signing_contract(
    ports: Ports, order_at: datetime | None = None, prop_id: str = "prop-sole"
) -> tuple[str, str]:
    """A contract with the property's first owner as seller and one buyer, submitted, its order
    awaiting signatures (the order generated at ``order_at``, if given)."""
    prop = next(p for p in DEMO_PROPERTIES if p.id == prop_id)
    contract_id = await draft(ports, prop_id)
    # The demo's valid terms for this property, converted as the API converts a request.
    request = ContractFields.model_validate(
        {"sellers": seller_fields(prop)[:1], "buyers": DEMO_BUYERS[:1], **contract_terms(prop)}
    )
    changes = request.changes()
    await update_contract(ports, AGENT, contract_id, changes)
    await submit_contract(ports, AGENT, contract_id)
    if order_at is not None:
        assert isinstance(ports.clock, FakeClock)
        ports.clock.set(order_at)
    _, order = await create_signing_order(ports, AGENT, contract_id)
    return contract_id, order.id


@pytest.mark.parametrize(
    ("created", "deadline"),
    [
        (local(2026, 11, 25, 23, 59), local(2026, 11, 27)),
        (local(2026, 11, 30, 23, 59), local(2026, 12, 2)),  # month end
        (local(2026, 12, 31, 23, 59), local(2027, 1, 2)),  # year end
    ],
)
async def test_a_draft_is_purged_exactly_at_midnight_after_the_next_natural_day(
    ports: Ports, clock: FakeClock, created: datetime, deadline: datetime
) -> None:
    clock.set(created)
    contract_id = await draft(ports)
    clock.set(deadline - timedelta(seconds=1))
    assert (await purge_stale_contracts(StoreSweeps(ports.store), clock)).changed == []
    assert await status_of(ports, contract_id) is ContractStatus.DRAFT
    clock.set(deadline)
    report = await purge_stale_contracts(StoreSweeps(ports.store), clock)
    assert len(report.changed) == 1
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None and contract.status is ContractStatus.DELETED
    assert contract.property_lock == f"released:{contract_id}"
    assert contract.events[-1].action == "purge" and contract.events[-1].actor_id == "system"
    assert [e.action for e in contract.events] == ["create", "purge"]
    assert verify_chain(contract.id, contract.events)


async def test_a_purged_property_can_be_contracted_again(ports: Ports, clock: FakeClock) -> None:
    await draft(ports)
    clock.advance(days=2)
    await purge_stale_contracts(StoreSweeps(ports.store), clock)
    await draft(ports)


async def test_signed_filed_and_window_review_contracts_are_never_purged(
    ports: Ports, clock: FakeClock
) -> None:
    ids = []
    for prop_id, status in (
        ("prop-sole", ContractStatus.SIGNED),
        ("prop-joint", ContractStatus.FILED),
        ("prop-sole-2", ContractStatus.WINDOW_REVIEW),
    ):
        contract_id = await draft(ports, prop_id)
        repo = contracts(ports.store)
        contract = await repo.get(contract_id)
        assert contract is not None
        contract.status = status  # set directly: only the purge's view of the state matters here
        await repo.save(contract)
        ids.append(contract_id)
    clock.advance(days=30)
    assert (await purge_stale_contracts(StoreSweeps(ports.store), clock)).changed == []
    assert [await status_of(ports, i) for i in ids] == [
        ContractStatus.SIGNED,
        ContractStatus.FILED,
        ContractStatus.WINDOW_REVIEW,
    ]


async def test_purging_a_signing_contract_cancels_its_order_and_kills_its_tokens(
    ports: Ports, clock: FakeClock
) -> None:
    # Generated late on the next day, the order is still open when the deadline comes.
    contract_id, order_id = await signing_contract(ports, order_at=local(2026, 11, 26, 23, 55))
    link = await party_qr_link(ports, AGENT, order_id, "s1")
    session, _ = await party_steps.open_session(
        ports, link.url.split("token=")[1], party_steps.Requester()
    )
    other = await party_qr_link(ports, AGENT, order_id, "b1")
    clock.set(local(2026, 11, 27))
    assert len((await purge_stale_contracts(StoreSweeps(ports.store), clock)).changed) == 1
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None and contract.status is ContractStatus.DELETED
    order = contract.order(order_id)
    assert order is not None and order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
    assert verify_chain(
        contract.id, contract.events
    )  # the job appended to the whole trail, not to a copy of it
    with pytest.raises(Gone):
        await party_steps.confirm(ports, session, party_steps.Requester())
    with pytest.raises(Gone):
        await party_steps.open_session(ports, other.url.split("token=")[1], party_steps.Requester())


async def test_two_purges_at_once_delete_each_contract_once(ports: Ports, clock: FakeClock) -> None:
    ids = [await draft(ports, p) for p in ("prop-sole", "prop-joint", "prop-sole-2", "prop-hk")]
    clock.advance(days=2)
    first, second = await asyncio.gather(
        purge_stale_contracts(StoreSweeps(ports.store), clock, batch_size=2),
        purge_stale_contracts(StoreSweeps(ports.store), clock, batch_size=2),
    )
    assert sorted(first.changed + second.changed) == sorted(
        [(await contracts(ports.store).get(i)).number for i in ids]  # type: ignore[union-attr]
    )
    for contract_id in ids:
        contract = await contracts(ports.store).get(contract_id)
        assert contract is not None
        assert [e.action for e in contract.events].count("purge") == 1


async def test_a_party_authorizing_while_the_purge_runs_ends_one_way(
    ports: Ports, clock: FakeClock
) -> None:
    # Generated late on the next day, the order is still open when the deadline comes.
    contract_id, order_id = await signing_contract(ports, order_at=local(2026, 11, 26, 23, 55))
    link = await party_qr_link(ports, AGENT, order_id, "s1")
    origin = party_steps.Requester()
    session, ctx = await party_steps.open_session(ports, link.url.split("token=")[1], origin)
    await party_steps.review(ports, session, origin, ctx.order.document_sha256)
    await party_steps.confirm(ports, session, origin)
    await party_steps.verify_identity(ports, session, origin, ctx.party.name, ctx.party.id_number)
    clock.set(local(2026, 11, 27))
    authorized, purged = await asyncio.gather(
        party_steps.authorize(ports, session, origin, "match"),
        purge_stale_contracts(StoreSweeps(ports.store), clock),
        return_exceptions=True,
    )
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None and contract.status is ContractStatus.DELETED
    order = contract.order(order_id)
    assert order is not None
    party = order.party("s1")
    assert party is not None
    # Either the signature landed first (and the purge then deleted), or it was refused.
    assert (party.receipt is not None) == (not isinstance(authorized, BaseException))
    assert not isinstance(purged, BaseException) and len(purged.changed) == 1


async def test_an_overdue_order_expires_and_the_contract_returns_to_submitted(
    ports: Ports, clock: FakeClock
) -> None:
    contract_id, order_id = await signing_contract(ports)
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None and contract.order_expires_at is not None
    clock.set(contract.order_expires_at - timedelta(seconds=1))
    assert (await expire_orders(StoreSweeps(ports.store), clock)).changed == []
    clock.set(contract.order_expires_at)
    assert len((await expire_orders(StoreSweeps(ports.store), clock)).changed) == 1
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None and contract.status is ContractStatus.SUBMITTED
    order = contract.order(order_id)
    assert order is not None and order.status is OrderStatus.EXPIRED
    assert (await expire_orders(StoreSweeps(ports.store), clock)).changed == []


async def test_an_order_expires_with_its_contracts_deadline_when_that_comes_first(
    ports: Ports, clock: FakeClock
) -> None:
    contract_id, _ = await signing_contract(ports, order_at=local(2026, 11, 26, 20, 0))
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None
    assert contract.purge_at == local(2026, 11, 27).astimezone(UTC)
    assert contract.order_expires_at == contract.purge_at  # not 24 h after 11-26 20:00


async def test_the_purge_preview_lists_what_would_go_with_deadlines(
    ports: Ports, clock: FakeClock
) -> None:
    await draft(ports)
    clock.set(local(2026, 11, 26, 12))
    soon = await draft(ports, "prop-joint")
    preview = await purge_preview(ports.store, "2026-11-26T16:00:30.000000+00:00")
    assert [c.status for c in preview] == [ContractStatus.DRAFT]
    assert soon not in [c.id for c in preview]


@pytest.mark.parametrize("job", ["purge", "expire"])
async def test_a_sweep_writes_what_a_whole_decode_and_encode_would(
    ports: Ports, clock: FakeClock, job: str
) -> None:
    """The jobs decode only part of each contract; the document they write must be the one the
    whole round trip through the dataclasses gives, for every state a sweep meets."""
    signing_id, _ = await signing_contract(ports)
    cancelled_id, cancelled_order = await signing_contract(ports, prop_id="prop-sole-2")
    await cancel_signing_order(ports, AGENT, cancelled_order)  # back to draft
    await submit_contract(ports, AGENT, cancelled_id)
    await create_signing_order(ports, AGENT, cancelled_id)  # a second order; the first ended
    ids = [await draft(ports, "prop-hk"), signing_id, cancelled_id]
    clock.advance(days=3)
    decide = _purge if job == "purge" else _expire

    def bound(contract: Contract, run: str) -> bool:
        return decide(contract, clock, run)

    changed = 0
    for contract_id in ids:
        doc = await ports.store.get("contracts", contract_id)
        assert doc is not None
        whole = from_doc(Contract, doc)
        if decide(whole, clock, "run-1"):
            changed += 1
            assert decided(doc, "run-1", bound) == to_doc(whole)
        else:
            assert decided(doc, "run-1", bound) is None
    assert changed == (3 if job == "purge" else 2)


async def test_a_sweep_decision_that_reads_a_field_left_undecoded_fails_loudly(
    ports: Ports, clock: FakeClock
) -> None:
    """A future rule reading a field the sweeps leave out must not get a raw document."""
    contract_id, _ = await signing_contract(ports)
    doc = await ports.store.get("contracts", contract_id)
    assert doc is not None

    def reads_the_sellers(contract: Contract, run: str) -> bool:
        return any(p.name for p in contract.sellers)

    def reads_the_parties(contract: Contract, run: str) -> bool:
        return len(contract.orders[0].parties) > 1

    for decide in (reads_the_sellers, reads_the_parties):
        with pytest.raises(NotDecoded):
            decided(doc, "run-1", decide)
