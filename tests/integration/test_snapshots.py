"""Snapshots: decoded documents reused only while the store still holds their version."""

from __future__ import annotations

from datetime import UTC, datetime

from signing_flow.models import Session
from signing_flow.ports import DocumentStore
from signing_flow.repository import sessions
from signing_flow.snapshots import Snapshots, Wanted

T0 = datetime(2026, 11, 26, tzinfo=UTC)


def session(session_id: str) -> Session:
    return Session(id=session_id, account_id="a1", created_at=T0, expires_at=T0)


async def test_an_unchanged_document_is_decoded_once(store: DocumentStore) -> None:
    await sessions(store).insert(session("s1"))
    snapshots = Snapshots()
    first = await snapshots.get(sessions(store), "s1")
    assert first is not None
    assert await snapshots.get(sessions(store), "s1") is first


async def test_a_change_written_elsewhere_is_seen_on_the_next_read(store: DocumentStore) -> None:
    await sessions(store).insert(session("s1"))
    snapshots = Snapshots()
    await snapshots.get(sessions(store), "s1")
    changed = await sessions(store).get("s1")  # as another process would
    assert changed is not None
    changed.revoked = True
    await sessions(store).save(changed)
    seen = await snapshots.get(sessions(store), "s1")
    assert seen is not None and seen.revoked and seen.version == 1


async def test_several_documents_come_back_in_order_and_missing_ones_as_none(
    store: DocumentStore,
) -> None:
    for session_id in ("s1", "s2"):
        await sessions(store).insert(session(session_id))
    found = await Snapshots().get_many(
        Wanted(sessions(store), "s2"),
        Wanted(sessions(store), "nope"),
        Wanted(sessions(store), "s1"),
    )
    assert [s.id if s else None for s in found] == ["s2", None, "s1"]


async def test_the_least_recently_read_snapshot_is_let_go_first(store: DocumentStore) -> None:
    for session_id in ("s1", "s2", "s3"):
        await sessions(store).insert(session(session_id))
    snapshots = Snapshots(capacity=2)
    s1 = await snapshots.get(sessions(store), "s1")
    await snapshots.get(sessions(store), "s2")
    assert await snapshots.get(sessions(store), "s1") is s1  # s1 is now the most recent
    await snapshots.get(sessions(store), "s3")  # lets s2 go
    assert snapshots.held(sessions(store), "s1") is s1
    assert snapshots.held(sessions(store), "s2") is None
