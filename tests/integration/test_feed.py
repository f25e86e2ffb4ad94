"""The events feed on each store: every public audit event copied once, in one gapless order."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from schedulers.feed import FEED, FeedWriter, move_events
from signing_flow.codec import from_doc
from signing_flow.events import FeedEntry, public_types
from signing_flow.ports import DocumentStore, Ports
from signing_flow.repository import contracts
from signing_flow.usecases import party as party_steps
from signing_flow.usecases.contracts import delete_contract, submit_contract, update_contract
from signing_flow.usecases.party import Requester
from signing_flow.usecases.signing import cancel_signing_order, party_qr_link
from tests.integration import test_jobs
from tests.integration.test_jobs import AGENT, draft, signing_contract

ports = test_jobs.ports  # the same fixture: seeded store, sandbox providers


async def feed_of(store: DocumentStore) -> list[FeedEntry]:
    return [from_doc(FeedEntry, d) for d in await store.find(FEED, {}, sort="seq")]


async def public_ids(ports: Ports, contract_id: str) -> list[str]:
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None
    kinds = public_types(contract.events)
    return [e.id for e, kind in zip(contract.events, kinds, strict=True) if kind is not None]


async def some_history(ports: Ports) -> list[str]:
    """Two contracts: one whose order was cancelled, one whose order awaits signatures."""
    first, order = await signing_contract(ports)
    await cancel_signing_order(ports, AGENT, order)
    second, _ = await signing_contract(ports, prop_id="prop-sole-2")
    return [first, second]


def assert_one_gapless_order(feed: list[FeedEntry]) -> None:
    assert [e.seq for e in feed] == list(range(1, len(feed) + 1))
    assert len({e.id for e in feed}) == len(feed)


async def assert_feed_is_the_trails(ports: Ports, contract_ids: list[str]) -> None:
    feed = await feed_of(ports.store)
    assert_one_gapless_order(feed)
    for contract_id in contract_ids:
        mine = [e.id for e in feed if e.contract_id == contract_id]
        assert mine == await public_ids(ports, contract_id)


async def test_the_feed_from_cursor_zero_equals_the_public_audit_events_of_every_contract(
    ports: Ports,
) -> None:
    ids = await some_history(ports)
    report = await move_events(ports.store, ports.clock)
    assert report.moved == len(await feed_of(ports.store)) > 0
    await assert_feed_is_the_trails(ports, ids)
    types = [e.type for e in await feed_of(ports.store) if e.contract_id == ids[0]]
    assert types == ["contract.submitted", "order.created", "order.cancelled"]


async def test_a_second_run_copies_nothing_and_new_events_follow(ports: Ports) -> None:
    ids = await some_history(ports)
    await move_events(ports.store, ports.clock)
    again = await move_events(ports.store, ports.clock)
    assert (again.moved, again.again, again.contracts) == (0, 0, 0)
    await update_contract(
        ports, AGENT, ids[0], {"supplementary_terms": "双方另行约定：交房时抄表结算。"}
    )
    await submit_contract(ports, AGENT, ids[0])
    assert (await move_events(ports.store, ports.clock)).moved == 1
    await assert_feed_is_the_trails(ports, ids)


async def test_events_of_a_process_that_died_after_the_transition_are_moved_later(
    ports: Ports,
) -> None:
    # No hand-off at all (notifier None): the transitions are written, nothing was woken.
    ids = await some_history(dataclasses.replace(ports, notifier=None))
    stored = await contracts(ports.store).get(ids[0])
    assert stored is not None and stored.feed_pending is True
    await move_events(ports.store, ports.clock)
    await assert_feed_is_the_trails(ports, ids)


class Crash(Exception):
    pass


async def test_a_crash_between_the_inserts_and_the_mark_copies_nothing_twice(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await some_history(ports)

    async def dies(*args: Any) -> bool:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(ports.store, "set_fields", dies)
        with pytest.raises(Crash):
            await move_events(ports.store, ports.clock)
    assert await feed_of(ports.store)
    report = await move_events(ports.store, ports.clock)
    # Nothing copied again: the contracts' last events in the feed say how far they are.
    assert (report.moved, report.again, report.contracts) == (0, 0, len(ids))
    await assert_feed_is_the_trails(ports, ids)


async def test_a_crash_halfway_through_the_inserts_loses_and_doubles_nothing(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await some_history(ports)
    real_insert, inserted = ports.store.insert, 0

    async def dies_after_three(collection: str, doc: dict[str, Any]) -> None:
        nonlocal inserted
        if collection == FEED and inserted == 3:
            raise Crash
        await real_insert(collection, doc)
        inserted += collection == FEED

    with monkeypatch.context() as patch:
        patch.setattr(ports.store, "insert", dies_after_three)
        with pytest.raises(Crash):
            await move_events(ports.store, ports.clock)
    await move_events(ports.store, ports.clock)
    await assert_feed_is_the_trails(ports, ids)


async def test_two_movers_at_once_copy_each_event_once_in_each_contracts_order(
    ports: Ports, store_url: str
) -> None:
    ids = await some_history(ports)
    async with open_store(store_url, SANDBOX_COLLECTIONS) as other:
        reports = await asyncio.gather(
            move_events(ports.store, ports.clock, batch_size=1),
            move_events(other, ports.clock, batch_size=1),
        )
    await assert_feed_is_the_trails(ports, ids)
    assert sum(r.moved for r in reports) == len(await feed_of(ports.store))


async def test_writers_racing_for_the_head_leave_no_gap(
    store: DocumentStore, store_url: str
) -> None:
    at = datetime(2026, 11, 25, tzinfo=UTC)
    async with open_store(store_url, SANDBOX_COLLECTIONS) as other:
        writers = [FeedWriter(store), FeedWriter(other), FeedWriter(store)]

        async def write(n: int) -> None:
            for i in range(8):
                entry = FeedEntry(id=f"w{n}-e{i}", type="contract.submitted", at=at)
                assert await writers[n].append(entry)

        await asyncio.gather(*(write(n) for n in range(3)))
    feed = await feed_of(store)
    assert_one_gapless_order(feed)
    for n in range(3):  # each writer's entries in the order it wrote them
        assert [e.id for e in feed if e.id.startswith(f"w{n}-")] == [f"w{n}-e{i}" for i in range(8)]


async def test_moving_leaves_the_contracts_version_alone(ports: Ports) -> None:
    ids = await some_history(ports)
    before = await ports.store.get_versions([("contracts", i) for i in ids])
    await move_events(ports.store, ports.clock)
    assert await ports.store.get_versions([("contracts", i) for i in ids]) == before
    stored = await contracts(ports.store).get(ids[0])
    assert stored is not None and stored.feed_pending is False
    assert stored.events_moved == stored.events[-1].seq


async def test_a_write_between_the_movers_read_and_its_mark_keeps_the_contract_pending(
    ports: Ports,
) -> None:
    contract_id, order_id = await signing_contract(ports)
    read = await ports.store.get("contracts", contract_id)
    assert read is not None
    await cancel_signing_order(ports, AGENT, order_id)  # the version moves on
    marker = {"feed_pending": False, "events_moved": read["events"][-1]["seq"]}
    assert not await ports.store.set_fields("contracts", contract_id, read["version"], marker)
    stored = await contracts(ports.store).get(contract_id)
    assert stored is not None and stored.feed_pending is True
    await move_events(ports.store, ports.clock)
    await assert_feed_is_the_trails(ports, [contract_id])


async def test_a_writer_that_read_before_the_mark_makes_nothing_copied_twice(
    ports: Ports,
) -> None:
    contract_id, _ = await signing_contract(ports)
    stale = await contracts(ports.store).get(contract_id)
    assert stale is not None
    await move_events(ports.store, ports.clock)
    # An agent's compare-and-set of what it read before the mark: it wins (the mark moved no
    # version) and writes the old marker back.
    await contracts(ports.store).save(stale)
    stored = await contracts(ports.store).get(contract_id)
    assert stored is not None and stored.feed_pending is True  # the old marker, written back
    report = await move_events(ports.store, ports.clock)
    assert (report.moved, report.again, report.contracts) == (0, 0, 1)
    await assert_feed_is_the_trails(ports, [contract_id])


async def test_contracts_written_before_the_feed_are_moved_too(ports: Ports) -> None:
    contract_id, _ = await signing_contract(ports)
    doc = await ports.store.get("contracts", contract_id)
    assert doc is not None
    legacy = {"feed_pending": None, "events_moved": 0}
    assert await ports.store.set_fields("contracts", contract_id, doc["version"], legacy)
    await move_events(ports.store, ports.clock)
    await assert_feed_is_the_trails(ports, [contract_id])


async def test_each_event_carries_its_resources_new_version(ports: Ports) -> None:
    contract_id, order_id = await signing_contract(ports)
    link = await party_qr_link(ports, AGENT, order_id, "s1")
    origin = Requester(ip="203.0.113.9", user_agent="test")
    await party_steps.open_session(ports, link.url.split("token=")[1], origin)
    await move_events(ports.store, ports.clock)
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None
    by_type = {e.type: e for e in await feed_of(ports.store)}
    assert by_type["party.opened"].resource_version == contract.orders[0].version
    assert by_type["party.opened"].party_id == "s1"
    assert by_type["party.opened"].order_id == order_id
    submitted = by_type["contract.submitted"]
    assert submitted.resource_version is not None
    assert submitted.resource_version < contract.version
    assert submitted.contract_number == contract.number


async def test_a_contract_written_while_it_is_moved_is_finished_in_the_same_run(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract_id, order_id = await signing_contract(ports)
    real_set_fields, raced = ports.store.set_fields, []

    async def a_party_writes_first(collection: str, *args: Any) -> bool:
        if not raced:
            raced.append(True)
            await cancel_signing_order(ports, AGENT, order_id)  # the version moves on
        return await real_set_fields(collection, *args)

    monkeypatch.setattr(ports.store, "set_fields", a_party_writes_first)
    report = await move_events(ports.store, ports.clock)
    assert report.contracts == 1
    stored = await contracts(ports.store).get(contract_id)
    assert stored is not None and stored.feed_pending is False
    await assert_feed_is_the_trails(ports, [contract_id])
    assert (await feed_of(ports.store))[-1].type == "order.cancelled"


async def test_deleting_a_contract_the_feed_showed_is_an_event_and_a_new_draft_is_not(
    ports: Ports,
) -> None:
    signing, _ = await signing_contract(ports)
    cancelled, order = await signing_contract(ports, prop_id="prop-sole-2")
    # its order cancelled, back to a draft: integrators saw it, so they learn it is gone
    await cancel_signing_order(ports, AGENT, order)
    unseen = await draft(ports, "prop-joint")
    for contract_id in (signing, cancelled, unseen):
        await delete_contract(ports, AGENT, contract_id)
    await move_events(ports.store, ports.clock)
    feed = await feed_of(ports.store)
    deleted = [(e.contract_id, e.contract_status) for e in feed if e.type == "contract.deleted"]
    assert deleted == [(signing, "deleted"), (cancelled, "deleted")]
    assert not [e for e in feed if e.contract_id == unseen]
    await assert_feed_is_the_trails(ports, [signing, cancelled, unseen])
