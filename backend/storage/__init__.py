"""Storage adapters behind ``signing_flow.ports.DocumentStore``; the URL picks one.

A ``mongodb://`` URL may carry ``wangqianMode=mongodb|ferretdb|auto`` among its options (the
option is ours: it is taken out before PyMongo sees the URL). ``ferretdb`` is the FerretDB mode
(``backend/storage/ferretdb.py``), ``mongodb`` the plain one; ``auto``, the default, asks the
server's ``buildInfo`` at start, because the plain mode on FerretDB 1.x would lose writes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from signing_flow.ports import COLLECTIONS, CollectionSpec, DocumentStore

if TYPE_CHECKING:
    from backend.storage.mongo import MongoStore

MODE_OPTION = "wangqianMode"
MONGO_MODES = ("auto", "mongodb", "ferretdb")

log = logging.getLogger("wangqian.storage")


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
        mongo_store = await open_mongo(url, collections)
        try:
            yield mongo_store
        finally:
            await mongo_store.close()
    else:
        raise ValueError(f"unsupported store URL {url!r}: use sqlite:///… or mongodb://…")


def store_mode(url: str) -> tuple[str, str]:
    """The mode a MongoDB URL asks for, and the URL without that option. The query is split by
    hand rather than re-encoded, so the other options reach PyMongo exactly as written."""
    head, sep, query = url.partition("?")
    mode, kept = "auto", []
    for pair in query.replace(";", "&").split("&") if sep else []:
        key, _, value = pair.partition("=")
        if key.lower() == MODE_OPTION.lower():
            mode = value.lower()
        elif pair:
            kept.append(pair)
    if mode not in MONGO_MODES:
        raise ValueError(f"{MODE_OPTION}={mode!r} in the store URL: use one of {MONGO_MODES}")
    return mode, head + ("?" + "&".join(kept) if kept else "")


async def open_mongo(
    url: str, collections: Mapping[str, CollectionSpec] = COLLECTIONS
) -> MongoStore:
    """The MongoDB store in the mode the URL names, or else the one the server calls for."""
    from backend.storage.ferretdb import FerretDBStore, is_ferretdb
    from backend.storage.mongo import MongoStore

    mode, url = store_mode(url)
    kind = FerretDBStore if mode == "ferretdb" else MongoStore
    store = kind(url, collections=collections)
    await store.open()
    if mode == "auto" and is_ferretdb(store.build_info):
        await store.close()
        store = FerretDBStore(url, collections=collections)
        await store.open()
    version = store.build_info.get("ferretdbVersion") or store.build_info.get("version", "?")
    how = "configured" if mode != "auto" else "detected"
    log.info("store mode %s (%s; the server says version %s)", store.mode, how, version)
    return store
