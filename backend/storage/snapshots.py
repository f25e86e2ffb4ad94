"""Decoded documents reused while their stored version has not moved: the backend's read model.

Every authenticated request needs its session and account, and an agent's status poll the
contract too; decoding them was most of the poll's cost. A snapshot read asks the store for the
documents' versions alone (one small indexed statement for all of them on SQLite), and decodes a
document only when its version is not the one already held. The store is asked on every read,
so a revoked session or a disabled account is refused at once, in every process: nothing here
outlives a change in the store.

Snapshots are shared between requests and never reach a write: the use cases read what they
change through ``signing_flow.repository`` and save that copy. Read-only views that leave part
of a document out (``CONTRACT_WITHOUT_EVENTS``) exist only here, for that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cachetools import LRUCache

from signing_flow.codec import from_doc
from signing_flow.models import Account, Contract, Session
from signing_flow.ports import Doc, DocumentStore

T = TypeVar("T")

# Enough for every session, account and open contract a busy process polls; each contract
# snapshot is a few tens of KB (its rendered documents), so this bounds the cache to tens of MB.
CAPACITY = 1024


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each is a module constant
class View(Generic[T]):
    """How one collection's documents are decoded for reading."""

    collection: str
    decode: Callable[[Doc], T]


SESSION = View("sessions", lambda doc: from_doc(Session, doc))
ACCOUNT = View("accounts", lambda doc: from_doc(Account, doc))
# What the status poll shows of a contract: all of it but its audit trail, the largest part.
CONTRACT_WITHOUT_EVENTS = View("contracts", lambda doc: from_doc(Contract, {**doc, "events": []}))

Wanted = tuple[View[Any], str]  # a view and a document id


class Snapshots:
    def __init__(self, store: DocumentStore, capacity: int = CAPACITY) -> None:
        self.store = store
        self._held: LRUCache[tuple[View[Any], str], Any] = LRUCache(capacity)

    async def get(self, view: View[T], doc_id: str) -> T | None:
        """The document as stored now, decoded; None when there is none."""
        found: list[T | None] = await self.get_many((view, doc_id))
        return found[0]

    async def get_many(self, *wanted: Wanted) -> list[Any]:
        """Several documents as stored now (None for a missing one), with one version read."""
        versions = await self.store.get_versions([(v.collection, doc_id) for v, doc_id in wanted])
        found = []
        for key, version in zip(wanted, versions, strict=True):
            held = self._held.get(key)
            found.append(
                held if held is not None and held.version == version else await self._read(key)
            )
        return found

    def held(self, view: View[T], doc_id: str) -> T | None:
        """What is held for the document, unchecked: only for what never changes in it."""
        found: T | None = self._held.get((view, doc_id))
        return found

    async def signed_in(
        self, session_id: str, *also: Wanted
    ) -> tuple[Session | None, Account | None, list[Any]]:
        """The session and its account, and ``also`` when the session is held already (all in
        one version read; otherwise ``also`` comes back empty, to be read once the session is
        found good). Every request of every agent comes through here."""
        known = self.held(SESSION, session_id)
        if known is not None:
            # A session names its account for life, so every version can be read in one go.
            session, account, *found = await self.get_many(
                (SESSION, session_id), (ACCOUNT, known.account_id), *also
            )
            return session, account, found
        session = await self.get(SESSION, session_id)
        account = await self.get(ACCOUNT, session.account_id) if session else None
        return session, account, []

    async def _read(self, key: Wanted) -> Any:
        view, doc_id = key
        doc = await self.store.get(view.collection, doc_id)
        if doc is None:
            self._held.pop(key, None)
            return None
        fresh = self._held[key] = view.decode(doc)
        return fresh
