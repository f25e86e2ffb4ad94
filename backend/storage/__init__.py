"""Storage adapters behind ``signing_flow.ports.DocumentStore``; the URL picks one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from signing_flow.ports import DocumentStore


@asynccontextmanager
async def open_store(url: str) -> AsyncIterator[DocumentStore]:
    """Open the store named by ``url`` (``sqlite:///…`` or ``mongodb://…``), close it after."""
    if url.startswith("sqlite:"):
        from backend.storage.sqlite import SqliteStore

        sqlite_store = SqliteStore.from_url(url)
        await sqlite_store.open()
        try:
            yield sqlite_store
        finally:
            await sqlite_store.close()
    elif url.startswith(("mongodb:", "mongodb+srv:")):
        from backend.storage.mongo import MongoStore

        mongo_store = MongoStore(url)
        await mongo_store.open()
        try:
            yield mongo_store
        finally:
            await mongo_store.close()
    else:
        raise ValueError(f"unsupported store URL {url!r}: use sqlite:///… or mongodb://…")
