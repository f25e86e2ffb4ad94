"""The embedded store: one SQLite file, one table per collection, JSON documents.

Each table is ``(id, version, body)``; the indexed fields of ``COLLECTIONS`` get expression
indexes on ``json_extract(body, '$.field')`` so that uniqueness (one active contract per
property, unique contract numbers) is enforced by SQLite itself.

Durability: WAL with ``synchronous=FULL``, so a commit is on disk (the WAL fsynced) before the
caller is answered, and an acknowledged signature survives a power loss, not only a process kill
(``NORMAL`` may lose the last commits on power loss; docs/performance.md has what FULL costs).

Calls run on the event loop thread, not in a thread pool: with WAL a read or a single-row write
takes microseconds, and a hop to a worker thread per query would cost
more than the query (the status poll does three). ``busy_timeout`` bounds the wait when another
process holds the write lock.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from backend.storage import file_lock
from backend.storage.writer_queue import WriterQueue
from signing_flow.errors import DependencyUnavailable, DuplicateKey, VersionConflict
from signing_flow.ports import COLLECTIONS, CollectionSpec, Doc, Where

_OPERATORS = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
log = logging.getLogger("wangqian")


class _Unavailable:
    """The errors of a store that cannot answer now (still locked after ``busy_timeout``, disk
    full, an I/O error, a damaged file) become 503 ``STORE_UNAVAILABLE`` (DESIGN §6), as Mongo's
    do, so the metrics count them too. Only those two exact classes: ``IntegrityError`` is a
    unique key (``DuplicateKey``), and ``ProgrammingError`` and the like are bugs (500)."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is sqlite3.OperationalError or kind is sqlite3.DatabaseError:
            log.warning("the embedded store did not answer: %s", exc)
            raise DependencyUnavailable(
                "the embedded store cannot answer now", code="STORE_UNAVAILABLE"
            ) from exc


_UNAVAILABLE = _Unavailable()  # a class, not @contextmanager: the status poll's reads are hot


def _column(field: str) -> str:
    if field == "_id":
        return "id"
    if not field.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"unsupported field name {field!r}")
    return f"json_extract(body, '$.{field}')"


def _where_sql(where: Where) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for field, cond in where.items():
        col = _column(field)
        ops = cond if isinstance(cond, dict) else {"$eq": cond}
        for op, value in ops.items():
            if op == "$eq":
                clauses.append(f"{col} IS ?")
                params.append(value)
            elif op == "$ne":
                clauses.append(f"{col} IS NOT ?")
                params.append(value)
            elif op == "$in":
                values = list(value)
                if not values:
                    clauses.append("0")
                    continue
                clauses.append(f"{col} IN ({','.join('?' * len(values))})")
                params.extend(values)
            elif op in _OPERATORS:
                clauses.append(f"{col} {_OPERATORS[op]} ?")
                params.append(value)
            else:
                raise ValueError(f"unsupported operator {op!r}")
    return (" AND ".join(clauses) or "1"), params


class SqliteStore:
    def __init__(self, path: str, collections: Mapping[str, CollectionSpec] = COLLECTIONS) -> None:
        self.path = path
        self.collections = collections
        self._db: sqlite3.Connection | None = None
        self._writers = WriterQueue()
        self._lock: int | None = None  # the shared flock that keeps a restore out

    @classmethod
    def from_url(
        cls, url: str, collections: Mapping[str, CollectionSpec] = COLLECTIONS
    ) -> SqliteStore:
        """``sqlite:///var/wangqian.db`` (relative) or ``sqlite:////abs/path.db``; ``:memory:``."""
        path = url.removeprefix("sqlite://").removeprefix("/")
        return cls(path or ":memory:", collections)

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._lock = file_lock.share(Path(self.path))
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA busy_timeout=5000")
        db.execute(
            "CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
        )
        for name, spec in self.collections.items():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {name} "
                "(id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL)"
            )
            for field in spec.unique:
                db.execute(
                    f"CREATE UNIQUE INDEX IF NOT EXISTS {name}_{field}_unique "
                    f"ON {name}({_column(field)})"
                )
            for field in spec.indexed:
                db.execute(
                    f"CREATE INDEX IF NOT EXISTS {name}_{field}_idx ON {name}({_column(field)})"
                )
            for fields in spec.compound:
                columns = ", ".join(_column(f) for f in fields)
                db.execute(
                    f"CREATE INDEX IF NOT EXISTS {name}_{'_'.join(fields)}_idx ON {name}({columns})"
                )
        self._db = db

    async def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock is not None:
            file_lock.release(self._lock)
            self._lock = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise DependencyUnavailable("the store is not open", code="STORE_UNAVAILABLE")
        return self._db

    async def insert(self, collection: str, doc: Doc) -> None:
        with _UNAVAILABLE:
            try:
                self.db.execute(
                    f"INSERT INTO {collection} (id, version, body) VALUES (?, ?, CAST(? AS TEXT))",
                    (doc["_id"], doc["version"], _dump(doc)),
                )
            except sqlite3.IntegrityError as exc:
                raise DuplicateKey(collection, _violated_key(collection, exc)) from exc

    async def get(self, collection: str, doc_id: str) -> Doc | None:
        with _UNAVAILABLE:
            row = self.db.execute(
                f"SELECT body FROM {collection} WHERE id = ?", (doc_id,)
            ).fetchone()
            return orjson.loads(row[0]) if row else None

    def writing(self, collection: str, doc_id: str) -> AbstractAsyncContextManager[None]:
        """This process's writers of one document take turns (``DocumentStore.writing``)."""
        return self._writers.turn(f"{collection}/{doc_id}")

    async def get_versions(self, keys: Sequence[tuple[str, str]]) -> list[int | None]:
        with _UNAVAILABLE:
            # One statement, so one read transaction: in WAL mode each costs a lock round trip.
            collections = tuple(map(itemgetter(0), keys))
            sql = _VERSIONS_SQL.get(collections)
            if sql is None:
                columns = (f"(SELECT version FROM {c} WHERE id = ?)" for c in collections)
                sql = _VERSIONS_SQL[collections] = f"SELECT {', '.join(columns)}"
            return list(self.db.execute(sql, list(map(itemgetter(1), keys))).fetchone())

    async def find(
        self,
        collection: str,
        where: Where,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Doc]:
        with _UNAVAILABLE:
            clause, params = _where_sql(where)
            sql = f"SELECT body FROM {collection} WHERE {clause}"
            if sort:
                sql += f" ORDER BY {_column(sort)} {'DESC' if descending else 'ASC'}"
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit)
            return [orjson.loads(row[0]) for row in self.db.execute(sql, params)]

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        with _UNAVAILABLE:
            new = {**doc, "version": expected_version + 1}
            try:
                cur = self.db.execute(
                    f"UPDATE {collection} SET version = ?, body = CAST(? AS TEXT) WHERE id = ? AND version = ?",
                    (new["version"], _dump(new), doc["_id"], expected_version),
                )
            except sqlite3.IntegrityError as exc:
                raise DuplicateKey(collection, _violated_key(collection, exc)) from exc
            if cur.rowcount != 1:
                raise VersionConflict(
                    "记录已被他人修改，请刷新后重试 (the record changed since it was read)",
                    details={"collection": collection, "expected_version": expected_version},
                )
            return new

    async def compare_and_set_many(self, collection: str, items: list[tuple[Doc, int]]) -> int:
        with _UNAVAILABLE:
            rows = [
                (expected + 1, _dump({**doc, "version": expected + 1}), doc["_id"], expected)
                for doc, expected in items
            ]
            db = self.db
            # One transaction: one commit for the whole batch instead of one per document.
            db.execute("BEGIN IMMEDIATE")
            try:
                written = db.executemany(
                    f"UPDATE {collection} SET version = ?, body = CAST(? AS TEXT) WHERE id = ? AND version = ?",
                    rows,
                ).rowcount
                db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                db.execute("ROLLBACK")
                raise DuplicateKey(collection, _violated_key(collection, exc)) from exc
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return written

    async def set_fields(
        self, collection: str, doc_id: str, expected_version: int, fields: Mapping[str, Any]
    ) -> bool:
        with _UNAVAILABLE:
            paths: list[str] = []
            params: list[Any] = []
            for field, value in fields.items():
                _column(field)  # validates the name
                if "." in field:
                    raise ValueError(f"top-level fields only: {field!r}")
                paths.append(f"'$.{field}', json(?)")
                params.append(orjson.dumps(value).decode())
            cur = self.db.execute(
                f"UPDATE {collection} SET body = json_set(body, {', '.join(paths)}) "
                "WHERE id = ? AND version = ?",
                (*params, doc_id, expected_version),
            )
            return cur.rowcount == 1

    async def next_sequence(self, name: str) -> int:
        with _UNAVAILABLE:
            row = self.db.execute(
                "INSERT INTO sequences (name, value) VALUES (?, 1) "
                "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
                (name,),
            ).fetchone()
            return int(row[0])

    async def ping(self) -> None:
        try:
            self.db.execute("SELECT 1").fetchone()
        except sqlite3.Error as exc:
            raise DependencyUnavailable(
                "the embedded store cannot be read", code="STORE_UNAVAILABLE"
            ) from exc


# get_versions' statements, by the collections read (a poll makes the same one every time)
_VERSIONS_SQL: dict[tuple[str, ...], str] = {}


def _dump(doc: Doc) -> bytes:
    # orjson: the sweeps write tens of thousands of documents, and stdlib json was a third of it.
    # Its UTF-8 bytes go in as they are (CAST(? AS TEXT)), not decoded to str and encoded back.
    return orjson.dumps(doc)


def _violated_key(collection: str, exc: sqlite3.IntegrityError) -> str:
    """The field whose unique index refused the write (index names are ``<coll>_<field>_unique``)."""
    for part in str(exc).replace("'", " ").split():
        if part.startswith(f"{collection}_") and part.endswith("_unique"):
            return part[len(collection) + 1 : -len("_unique")]
    return "_id"
