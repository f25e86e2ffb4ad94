"""The storage contract: what every DocumentStore must do, run unchanged against each store."""

from __future__ import annotations

import asyncio

import pytest

from signing_flow.errors import DuplicateKey, VersionConflict
from signing_flow.ports import DocumentStore


def contract_doc(doc_id: str, number: str, **extra: object) -> dict[str, object]:
    return {
        "_id": doc_id,
        "version": 0,
        "number": number,
        "property_lock": f"p-{doc_id}",
        "status": "draft",
        **extra,
    }


async def test_an_inserted_document_reads_back_equal(store: DocumentStore) -> None:
    doc = contract_doc("c1", "N1", nested={"a": [1, 2, {"b": "中文"}]}, flag=True, none=None)
    await store.insert("contracts", doc)
    assert await store.get("contracts", "c1") == doc


async def test_an_unknown_id_reads_as_none(store: DocumentStore) -> None:
    assert await store.get("contracts", "nope") is None


async def test_versions_are_read_for_several_collections_at_once(store: DocumentStore) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    await store.insert("sessions", {"_id": "s1", "version": 0, "account_id": "a1"})
    doc = await store.get("contracts", "c1")
    assert doc is not None
    await store.compare_and_set("contracts", doc, 0)
    keys = [("sessions", "s1"), ("contracts", "c1"), ("accounts", "a1"), ("contracts", "c2")]
    assert await store.get_versions(keys) == [0, 1, None, None]


async def test_a_second_insert_with_the_same_id_is_a_duplicate(store: DocumentStore) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    with pytest.raises(DuplicateKey):
        await store.insert("contracts", contract_doc("c1", "N2"))


async def test_a_unique_field_refuses_a_second_document_and_names_the_field(
    store: DocumentStore,
) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    with pytest.raises(DuplicateKey) as err:
        await store.insert("contracts", contract_doc("c2", "N1"))
    assert err.value.key == "number"
    assert await store.get("contracts", "c2") is None


async def test_compare_and_set_bumps_the_version_and_replaces_the_body(
    store: DocumentStore,
) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    doc = await store.get("contracts", "c1")
    assert doc is not None
    saved = await store.compare_and_set("contracts", {**doc, "status": "submitted"}, 0)
    assert saved["version"] == 1
    assert await store.get("contracts", "c1") == {**doc, "status": "submitted", "version": 1}


async def test_compare_and_set_with_a_stale_version_raises_and_changes_nothing(
    store: DocumentStore,
) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    doc = await store.get("contracts", "c1")
    assert doc is not None
    await store.compare_and_set("contracts", {**doc, "status": "submitted"}, 0)
    with pytest.raises(VersionConflict):
        await store.compare_and_set("contracts", {**doc, "status": "deleted"}, 0)
    stored = await store.get("contracts", "c1")
    assert stored is not None and stored["status"] == "submitted"


async def test_compare_and_set_on_a_missing_document_is_a_conflict(store: DocumentStore) -> None:
    with pytest.raises(VersionConflict):
        await store.compare_and_set("contracts", contract_doc("ghost", "N9"), 0)


async def test_compare_and_set_that_breaks_a_unique_field_is_refused(store: DocumentStore) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    await store.insert("contracts", contract_doc("c2", "N2"))
    doc = await store.get("contracts", "c2")
    assert doc is not None
    with pytest.raises(DuplicateKey):
        await store.compare_and_set("contracts", {**doc, "number": "N1"}, 0)
    assert (await store.get("contracts", "c2")) == doc


async def test_of_many_concurrent_compare_and_sets_on_one_version_exactly_one_wins(
    store: DocumentStore,
) -> None:
    await store.insert("contracts", contract_doc("c1", "N1"))
    doc = await store.get("contracts", "c1")
    assert doc is not None

    async def attempt(i: int) -> bool:
        try:
            await store.compare_and_set("contracts", {**doc, "status": f"s{i}"}, 0)
            return True
        except VersionConflict:
            return False

    results = await asyncio.gather(*(attempt(i) for i in range(8)))
    assert results.count(True) == 1


async def test_concurrent_read_modify_writes_lose_no_write(store: DocumentStore) -> None:
    """Each writer re-reads and retries after a conflict, so every reported success must be in
    the final document: a compare-and-set that succeeded but was overwritten would show here."""
    await store.insert("contracts", contract_doc("c1", "N1", count=0, by=[]))

    async def add(writer: int, times: int) -> int:
        done = 0
        while done < times:
            doc = await store.get("contracts", "c1")
            assert doc is not None
            new = {**doc, "count": doc["count"] + 1, "by": [*doc["by"], writer]}
            try:
                await store.compare_and_set("contracts", new, doc["version"])
            except VersionConflict:
                continue
            done += 1
        return done

    successes = await asyncio.gather(*(add(w, 3) for w in range(6)))
    final = await store.get("contracts", "c1")
    assert final is not None
    assert final["count"] == final["version"] == sum(successes) == 18
    assert sorted(final["by"]) == sorted(w for w in range(6) for _ in range(3))


async def test_a_bulk_compare_and_set_racing_single_ones_counts_only_its_own_writes(
    store: DocumentStore,
) -> None:
    for i in range(6):
        await store.insert("contracts", contract_doc(f"c{i}", f"N{i}"))
    docs = [doc for i in range(6) if (doc := await store.get("contracts", f"c{i}"))]

    async def single(doc: dict[str, object]) -> bool:
        try:
            await store.compare_and_set("contracts", {**doc, "status": "single"}, 0)
            return True
        except VersionConflict:
            return False

    bulk = store.compare_and_set_many("contracts", [({**d, "status": "bulk"}, 0) for d in docs])
    written, *singles = await asyncio.gather(bulk, *(single(d) for d in docs))
    finals = [await store.get("contracts", f"c{i}") for i in range(6)]
    statuses = [(f or {}).get("status") for f in finals]
    assert written == statuses.count("bulk")
    assert [s == "single" for s in statuses] == singles
    assert all((f or {}).get("version") == 1 for f in finals)


async def test_find_filters_with_every_supported_operator(store: DocumentStore) -> None:
    for i in range(6):
        await store.insert(
            "contracts",
            contract_doc(
                f"c{i}",
                f"N{i}",
                status="draft" if i % 2 else "submitted",
                purge_at=f"2026-11-2{i}T00:00:00.000000+00:00",
                agency_id="a1",
                practitioner_id=None if i == 5 else "p1",
            ),
        )

    async def ids(where: dict[str, object], **kw: object) -> list[str]:
        return [d["_id"] for d in await store.find("contracts", where, **kw)]  # type: ignore[arg-type]

    assert await ids({"status": "draft"}, sort="_id") == ["c1", "c3", "c5"]
    assert await ids({"status": {"$in": ["draft"]}, "_id": {"$ne": "c1"}}, sort="_id") == [
        "c3",
        "c5",
    ]
    assert await ids({"status": {"$in": []}}) == []
    assert await ids({"purge_at": {"$lt": "2026-11-22T00:00:00.000000+00:00"}}, sort="_id") == [
        "c0",
        "c1",
    ]
    assert await ids(
        {"purge_at": {"$gte": "2026-11-22T00:00:00.000000+00:00", "$lte": "2026-11-23T00:00:00Z"}},
        sort="_id",
    ) == ["c2", "c3"]
    assert await ids({"purge_at": {"$gt": "2026-11-24T00:00:00.000000+00:00"}}) == ["c5"]
    assert await ids({"practitioner_id": None}) == ["c5"]
    assert await ids({"agency_id": "a1"}, sort="purge_at", descending=True, limit=2) == [
        "c5",
        "c4",
    ]


async def test_find_matches_dotted_fields_of_embedded_documents(store: DocumentStore) -> None:
    await store.insert("contracts", contract_doc("c1", "N1", property={"unit_no": "U1"}))
    await store.insert("contracts", contract_doc("c2", "N2", property={"unit_no": "U2"}))
    found = await store.find("contracts", {"property.unit_no": "U2"})
    assert [d["_id"] for d in found] == ["c2"]


async def test_sequences_count_up_independently_per_name(store: DocumentStore) -> None:
    assert [await store.next_sequence("a") for _ in range(3)] == [1, 2, 3]
    assert await store.next_sequence("b") == 1


async def test_concurrent_sequence_draws_never_repeat(store: DocumentStore) -> None:
    values = await asyncio.gather(*(store.next_sequence("x") for _ in range(20)))
    assert sorted(values) == list(range(1, 21))


async def test_ping_answers_when_the_store_is_up(store: DocumentStore) -> None:
    await store.ping()


async def test_a_bulk_compare_and_set_writes_the_current_and_skips_the_stale(
    store: DocumentStore,
) -> None:
    for i in range(3):
        await store.insert("contracts", contract_doc(f"c{i}", f"N{i}"))
    docs = [await store.get("contracts", f"c{i}") for i in range(3)]
    assert all(docs)
    await store.compare_and_set("contracts", {**docs[1], "status": "moved-on"}, 0)  # type: ignore[dict-item]
    written = await store.compare_and_set_many(
        "contracts", [({**d, "status": "deleted"}, 0) for d in docs if d is not None]
    )
    assert written == 2
    statuses = [(await store.get("contracts", f"c{i}") or {}).get("status") for i in range(3)]
    assert statuses == ["deleted", "moved-on", "deleted"]
    assert (await store.get("contracts", "c0") or {})["version"] == 1


async def test_a_bulk_compare_and_set_of_nothing_writes_nothing(store: DocumentStore) -> None:
    assert await store.compare_and_set_many("contracts", []) == 0
