"""Typed access to one collection: dataclasses in, dataclasses out, compare-and-set on save."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from signing_flow.agency_models import Agency, Practitioner, UnifiedBinding
from signing_flow.codec import from_doc, to_doc
from signing_flow.errors import VersionConflict
from signing_flow.models import Account, Contract, Session
from signing_flow.ports import DocumentStore, Where
from signing_flow.uploads import StoredFile


class Versioned(Protocol):
    id: str
    version: int


T = TypeVar("T", bound=Versioned)
R = TypeVar("R")


class Repository(Generic[T]):
    def __init__(self, store: DocumentStore, collection: str, cls: type[T]) -> None:
        self.store = store
        self.collection = collection
        self.cls = cls

    async def get(self, doc_id: str) -> T | None:
        doc = await self.store.get(self.collection, doc_id)
        return from_doc(self.cls, doc) if doc is not None else None

    async def insert(self, obj: T) -> None:
        await self.store.insert(self.collection, to_doc(obj))

    async def save(self, obj: T) -> None:
        """Write ``obj`` if nobody changed it since it was read; raises VersionConflict."""
        saved = await self.store.compare_and_set(self.collection, to_doc(obj), obj.version)
        obj.version = saved["version"]

    async def find(self, where: Where, **options: Any) -> list[T]:
        return [
            from_doc(self.cls, d) for d in await self.store.find(self.collection, where, **options)
        ]


async def with_retries(action: Callable[[], Awaitable[R]], attempts: int = 12) -> R:
    """Re-run a read-modify-write that lost its compare-and-set. Only for actions that re-read
    everything they decide on, so that a retry decides again on fresh state. The pause before
    each retry grows and is jittered, so that writers who collided do not collide again in step
    (with four parties signing at once a writer can lose several times on a real network)."""
    for attempt in range(attempts - 1):
        try:
            return await action()
        except VersionConflict:
            await asyncio.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))
    return await action()


def accounts(store: DocumentStore) -> Repository[Account]:
    return Repository(store, "accounts", Account)


def sessions(store: DocumentStore) -> Repository[Session]:
    return Repository(store, "sessions", Session)


def contracts(store: DocumentStore) -> Repository[Contract]:
    return Repository(store, "contracts", Contract)


def files(store: DocumentStore) -> Repository[StoredFile]:
    return Repository(store, "files", StoredFile)


def agencies(store: DocumentStore) -> Repository[Agency]:
    return Repository(store, "agencies", Agency)


def practitioners(store: DocumentStore) -> Repository[Practitioner]:
    return Repository(store, "practitioners", Practitioner)


def unified_bindings(store: DocumentStore) -> Repository[UnifiedBinding]:
    return Repository(store, "unified_bindings", UnifiedBinding)
