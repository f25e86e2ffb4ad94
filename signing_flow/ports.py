"""The ports: what the use cases need from the outside world, as Protocols.

The storage port is a small document store: one aggregate, one document, one write. Its query
language is the subset both SQLite and MongoDB run with an index: equality and the operators
``$in``, ``$ne``, ``$lt``, ``$lte``, ``$gt``, ``$gte`` on top-level or dotted (non-array) fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from signing_flow.models import RegistryProperty

Doc = dict[str, Any]
Where = Mapping[str, Any]


@dataclass(frozen=True)
class CollectionSpec:
    unique: tuple[str, ...] = ()
    indexed: tuple[str, ...] = ()


# Every collection, with the fields its queries filter or sort on. Both stores create exactly these.
COLLECTIONS: dict[str, CollectionSpec] = {
    "accounts": CollectionSpec(unique=("username",), indexed=("agency_id",)),
    "sessions": CollectionSpec(indexed=("account_id",)),
    "registry_properties": CollectionSpec(unique=("cert_no", "unit_no")),
    "contracts": CollectionSpec(
        unique=("number", "property_lock"),
        indexed=("practitioner_id", "agency_id", "status", "purge_at", "created_at"),
    ),
}


class DocumentStore(Protocol):
    """Documents carry ``_id`` and ``version``; writes are compare-and-set on ``version``."""

    async def insert(self, collection: str, doc: Doc) -> None:
        """Insert a new document. Raises ``DuplicateKey`` on any unique-key collision."""

    async def get(self, collection: str, doc_id: str) -> Doc | None: ...

    async def find(
        self,
        collection: str,
        where: Where,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Doc]: ...

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        """Replace the document if its stored version still equals ``expected_version``; the
        stored and returned document has version ``expected_version + 1``. Raises
        ``VersionConflict`` when the version moved on (or the document is gone) and
        ``DuplicateKey`` on a unique-key collision."""

    async def next_sequence(self, name: str) -> int:
        """An atomic counter: 1, 2, 3, … per name, never repeating, across processes."""

    async def ping(self) -> None:
        """Raise ``DependencyUnavailable`` when the store cannot be reached."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""


class PropertyRegistry(Protocol):
    """The real-estate registry (不动产登记), read-only for us."""

    async def find_by_cert_no(self, cert_no: str) -> RegistryProperty | None:
        """By normalised certificate number (房产证号 or 不动产权证号)."""

    async def find_by_unit_no(self, unit_no: str) -> RegistryProperty | None: ...


@dataclass(frozen=True)
class Ports:
    """What the use cases take. Built once per app in ``backend.app``'s cleanup context."""

    store: DocumentStore
    clock: Clock
    registry: PropertyRegistry
    session_ttl_seconds: int = 12 * 3600
