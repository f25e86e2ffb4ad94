"""Decoded documents reused while their stored version has not moved.

Every authenticated request needs its session and account, and an agent's status poll the
contract too; decoding them was most of the poll's cost. A snapshot read asks the store for the
documents' versions alone (one small indexed statement for all of them on SQLite), and decodes a
document only when its version is not the one already held. The store is asked on every read,
so a revoked session or a disabled account is refused at once, in every process: nothing here
outlives a change in the store.

Snapshots are shared between requests: read-only. A use case that writes re-reads the document
with ``Repository.get`` and saves that copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from signing_flow.lru import LRU

if TYPE_CHECKING:  # the ports hold a Snapshots, and the repository imports the ports
    from signing_flow.repository import Repository, Versioned

T = TypeVar("T", bound="Versioned")

# Enough for every session, account and open contract a busy process polls; each contract
# snapshot is a few tens of KB (its rendered documents), so this bounds the cache to tens of MB.
CAPACITY = 1024


class Wanted(NamedTuple):
    repo: Repository[Any]
    doc_id: str
    without: str | None = None  # one large list field left out, as ``Repository.get_without``


class Snapshots:
    def __init__(self, capacity: int = CAPACITY) -> None:
        # by (collection, id, without)
        self._held: LRU[tuple[str, str, str | None], Any] = LRU(capacity)

    async def get(
        self, repo: Repository[T], doc_id: str, *, without: str | None = None
    ) -> T | None:
        """The document as stored now, decoded; None when there is none."""
        found: list[T | None] = await self.get_many(Wanted(repo, doc_id, without))
        return found[0]

    async def get_many(self, *wanted: Wanted) -> list[Any]:
        """Several documents as stored now (None for a missing one), with one version read."""
        store = wanted[0].repo.store
        versions = await store.get_versions([(w.repo.collection, w.doc_id) for w in wanted])
        found = []
        for w, version in zip(wanted, versions, strict=True):
            key = (w.repo.collection, w.doc_id, w.without)
            held = self._held.get(key)
            found.append(
                held if held is not None and held.version == version else await self._read(w)
            )
        return found

    def held(self, repo: Repository[T], doc_id: str) -> T | None:
        """What is held for the document, unchecked: only for what never changes in it."""
        found: T | None = self._held.get((repo.collection, doc_id, None))
        return found

    async def _read(self, wanted: Wanted) -> Any:
        repo, doc_id, without = wanted
        key = (repo.collection, doc_id, without)
        fresh = await (repo.get_without(doc_id, without) if without else repo.get(doc_id))
        if fresh is None:
            self._held.pop(key)
        else:
            self._held.put(key, fresh)
        return fresh
