"""An acknowledged write survives a power loss: SQLite fsyncs its WAL at every commit, MongoDB
acknowledges once a majority has the write in its journal."""

from __future__ import annotations

import pytest
from pymongo import WriteConcern

from backend.storage import open_store
from backend.storage.mongo import MongoStore
from backend.storage.sqlite import SqliteStore
from signing_flow.ports import DocumentStore

SQLITE_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


async def test_the_store_commits_durably(store: DocumentStore) -> None:
    if isinstance(store, SqliteStore):
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == SQLITE_FULL
    else:
        assert isinstance(store, MongoStore)
        for name in ("contracts", "sessions", "accounts"):
            assert store.db[name].write_concern == WriteConcern(w="majority", j=True)
    # and writes still go through with it (FerretDB accepts the write concern)
    await store.insert("sessions", {"_id": "durable", "version": 0, "account_id": "a"})
    assert await store.get("sessions", "durable") is not None


@pytest.mark.parametrize("store_url", ["mongo"], indirect=True)
async def test_a_write_concern_in_the_url_is_kept(store_url: str) -> None:
    async with open_store(f"{store_url}{'&' if '?' in store_url else '?'}w=1") as store:
        assert isinstance(store, MongoStore)
        assert store.db["contracts"].write_concern == WriteConcern(w=1, j=True)
