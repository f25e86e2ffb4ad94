"""The embedded store's lock file: a restore and an open store keep each other out."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.storage import file_lock
from backend.storage.sqlite import SqliteStore
from signing_flow.errors import DependencyUnavailable


async def test_a_restore_is_refused_while_a_process_has_the_store_open(tmp_path: Path) -> None:
    path = tmp_path / "wangqian.db"
    store = SqliteStore(str(path))
    await store.open()
    try:
        with pytest.raises(file_lock.StoreInUse), file_lock.exclusive(path):
            pass
    finally:
        await store.close()
    with file_lock.exclusive(path):  # closed: the lock went with it
        pass


async def test_the_store_does_not_open_while_a_restore_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "wangqian.db"
    with file_lock.exclusive(path), pytest.raises(DependencyUnavailable):
        await SqliteStore(str(path)).open()
    store = SqliteStore(str(path))
    await store.open()
    await store.close()


async def test_several_processes_share_the_store(tmp_path: Path) -> None:
    path = tmp_path / "wangqian.db"
    one, two = SqliteStore(str(path)), SqliteStore(str(path))
    await one.open()
    await two.open()
    await one.close()
    await two.close()
