"""A ``DocumentStore`` that counts what goes wrong on the way to the store, for the metrics:
calls the store did not answer (``DependencyUnavailable``, by operation) and compare-and-set
writes that lost to another writer (by collection). Everything else passes straight through."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from signing_flow.errors import DependencyUnavailable, VersionConflict
from signing_flow.ports import Doc, DocumentStore, Where


class StoreObserver(Protocol):
    def store_error(self, operation: str) -> None: ...

    def conflict(self, collection: str, lost: int = 1) -> None: ...


class MeteredStore:
    # Each call awaits the store itself rather than through a shared helper: the status poll
    # reads versions on every request, and a second coroutine per call would show in its bench.
    def __init__(self, inner: DocumentStore, observer: StoreObserver) -> None:
        self.inner = inner
        self.observer = observer
        self.writing = inner.writing

    async def insert(self, collection: str, doc: Doc) -> None:
        try:
            await self.inner.insert(collection, doc)
        except DependencyUnavailable:
            self.observer.store_error("insert")
            raise

    async def get(self, collection: str, doc_id: str) -> Doc | None:
        try:
            return await self.inner.get(collection, doc_id)
        except DependencyUnavailable:
            self.observer.store_error("get")
            raise

    async def get_versions(self, keys: Sequence[tuple[str, str]]) -> list[int | None]:
        try:
            return await self.inner.get_versions(keys)
        except DependencyUnavailable:
            self.observer.store_error("get_versions")
            raise

    async def find(
        self,
        collection: str,
        where: Where,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Doc]:
        try:
            return await self.inner.find(
                collection, where, sort=sort, descending=descending, limit=limit
            )
        except DependencyUnavailable:
            self.observer.store_error("find")
            raise

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        try:
            return await self.inner.compare_and_set(collection, doc, expected_version)
        except VersionConflict:
            self.observer.conflict(collection)
            raise
        except DependencyUnavailable:
            self.observer.store_error("compare_and_set")
            raise

    async def compare_and_set_many(self, collection: str, items: list[tuple[Doc, int]]) -> int:
        try:
            written = await self.inner.compare_and_set_many(collection, items)
        except DependencyUnavailable:
            self.observer.store_error("compare_and_set_many")
            raise
        if written < len(items):
            self.observer.conflict(collection, len(items) - written)
        return written

    async def set_fields(
        self, collection: str, doc_id: str, expected_version: int, fields: Mapping[str, Any]
    ) -> bool:
        try:
            done = await self.inner.set_fields(collection, doc_id, expected_version, fields)
        except DependencyUnavailable:
            self.observer.store_error("set_fields")
            raise
        if not done:
            self.observer.conflict(collection)
        return done

    async def next_sequence(self, name: str) -> int:
        try:
            return await self.inner.next_sequence(name)
        except DependencyUnavailable:
            self.observer.store_error("next_sequence")
            raise

    async def ping(self) -> None:
        try:
            await self.inner.ping()
        except DependencyUnavailable:
            self.observer.store_error("ping")
            raise


# mypy holds the wrapper to the port
_: Callable[[DocumentStore, StoreObserver], DocumentStore] = MeteredStore
