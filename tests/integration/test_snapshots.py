"""Snapshots: decoded documents reused only while the store still holds their version."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.storage.snapshots import CONTRACT_WITHOUT_EVENTS, SESSION, Snapshots
from signing_flow.audit import AuditEvent
from signing_flow.models import Contract, PropertySnapshot, Session
from signing_flow.ports import DocumentStore
from signing_flow.repository import contracts, sessions
from signing_flow.vocabulary import Channel, ContractStatus

T0 = datetime(2026, 11, 26, tzinfo=UTC)


def session(session_id: str) -> Session:
    return Session(id=session_id, account_id="a1", created_at=T0, expires_at=T0)


async def test_an_unchanged_document_is_decoded_once(store: DocumentStore) -> None:
    await sessions(store).insert(session("s1"))
    snapshots = Snapshots(store)
    first = await snapshots.get(SESSION, "s1")
    assert first is not None
    assert await snapshots.get(SESSION, "s1") is first


async def test_a_change_written_elsewhere_is_seen_on_the_next_read(store: DocumentStore) -> None:
    await sessions(store).insert(session("s1"))
    snapshots = Snapshots(store)
    await snapshots.get(SESSION, "s1")
    changed = await sessions(store).get("s1")  # as another process would
    assert changed is not None
    changed.revoked = True
    await sessions(store).save(changed)
    seen = await snapshots.get(SESSION, "s1")
    assert seen is not None and seen.revoked and seen.version == 1


async def test_several_documents_come_back_in_order_and_missing_ones_as_none(
    store: DocumentStore,
) -> None:
    for session_id in ("s1", "s2"):
        await sessions(store).insert(session(session_id))
    found = await Snapshots(store).get_many((SESSION, "s2"), (SESSION, "nope"), (SESSION, "s1"))
    assert [s.id if s else None for s in found] == ["s2", None, "s1"]


async def test_the_least_recently_read_snapshot_is_let_go_first(store: DocumentStore) -> None:
    for session_id in ("s1", "s2", "s3"):
        await sessions(store).insert(session(session_id))
    snapshots = Snapshots(store, capacity=2)
    s1 = await snapshots.get(SESSION, "s1")
    await snapshots.get(SESSION, "s2")
    assert await snapshots.get(SESSION, "s1") is s1  # s1 is now the most recent
    await snapshots.get(SESSION, "s3")  # lets s2 go
    assert snapshots.held(SESSION, "s1") is s1
    assert snapshots.held(SESSION, "s2") is None


async def test_the_polled_contract_is_held_without_its_audit_trail_and_never_saved(
    store: DocumentStore,
) -> None:
    """The read model leaves the events out; the store keeps them, since nothing here writes."""
    event = AuditEvent(1, T0, "a1", "practitioner", "create", None, "draft", None, None, "0", "h")
    contract = Contract(
        id="c1",
        number="CL1",
        status=ContractStatus.DRAFT,
        channel=Channel.ONLINE,
        agency_id="g1",
        practitioner_id="a1",
        property=PropertySnapshot("p1", "cert", "unit", "address", "90.00", []),
        property_lock="p1",
        created_at=T0,
        updated_at=T0,
        purge_at=T0,
        events=[event],
    )
    await contracts(store).insert(contract)
    view = await Snapshots(store).get(CONTRACT_WITHOUT_EVENTS, "c1")
    assert view is not None and view.events == [] and view.number == "CL1"
    stored = await contracts(store).get("c1")
    assert stored is not None and stored.events == [event]
