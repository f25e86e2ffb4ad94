"""Storage adapters behind ``signing_flow.ports.DocumentStore``; the URL picks one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from signing_flow.ports import COLLECTIONS, CollectionSpec, DocumentStore


@asynccontextmanager
async def open_store(
    url: str, extra_collections: Mapping[str, CollectionSpec] | None = None
) -> AsyncIterator[DocumentStore]:
    """Open the store named by ``url`` (``sqlite:///…`` or ``mongodb://…``), close it after.
    It creates the domain's collections and ``extra_collections`` (the providers' own)."""
    collections = {**COLLECTIONS, **(extra_collections or {})}
    if url.startswith("sqlite:"):
        from backend.storage.sqlite import SqliteStore

        sqlite_store = SqliteStore.from_url(url, collections)
        await sqlite_store.open()
        try:
            yield sqlite_store
        finally:
            await sqlite_store.close()
    elif url.startswith(("mongodb:", "mongodb+srv:")):
        from backend.storage.mongo import MongoStore

        mongo_store = MongoStore(url, collections=collections)
        await mongo_store.open()
        try:
            yield mongo_store
        finally:
            await mongo_store.close()
    else:
        raise ValueError(f"unsupported store URL {url!r}: use sqlite:///… or mongodb://…")
