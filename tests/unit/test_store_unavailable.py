"""An embedded store that cannot answer (locked past ``busy_timeout``, disk full, I/O) is a 503
``STORE_UNAVAILABLE`` counted by the metrics, not a 500; a unique key is still a duplicate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from backend.metrics import Metrics
from backend.storage.metered import MeteredStore
from backend.storage.sqlite import SqliteStore
from signing_flow.errors import DependencyUnavailable, DuplicateKey


async def test_a_locked_store_is_unavailable_and_counted(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "wangqian.db"))
    await store.open()
    metrics = Metrics()
    metered = MeteredStore(store, metrics)
    await metered.insert("accounts", {"_id": "a1", "version": 1, "username": "li"})
    store.db.execute("PRAGMA busy_timeout=0")  # no 5 s wait in a test
    other = sqlite3.connect(tmp_path / "wangqian.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(DependencyUnavailable) as raised:
            await metered.insert("accounts", {"_id": "a2", "version": 1, "username": "wang"})
        assert raised.value.code == "STORE_UNAVAILABLE"
        with pytest.raises(DependencyUnavailable):
            await metered.compare_and_set_many("accounts", [({"_id": "a1"}, 1)])
        with pytest.raises(DependencyUnavailable):
            await metered.next_sequence("contract_number")
    finally:
        other.execute("ROLLBACK")
        other.close()
    errors = "wangqian_store_errors_total"
    for operation in ("insert", "compare_and_set_many", "next_sequence"):
        assert metrics.registry.get_sample_value(errors, {"operation": operation}) == 1
    with pytest.raises(DuplicateKey):  # an IntegrityError keeps its own meaning
        await metered.insert("accounts", {"_id": "a3", "version": 1, "username": "li"})
    await store.close()


async def test_a_damaged_store_file_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "wangqian.db"
    store = SqliteStore(str(path))
    await store.open()
    await store.insert("contracts", {"_id": "c1", "version": 1, "number": "N1"})
    await store.close()
    path.write_bytes(b"not a database at all" * 400)  # sqlite3.DatabaseError, not Operational
    damaged = sqlite3.connect(path)
    store._db = damaged  # as if the file went bad under an open store
    with pytest.raises(DependencyUnavailable):
        await store.get("contracts", "c1")
    damaged.close()
