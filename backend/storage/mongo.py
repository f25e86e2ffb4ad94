"""The production store: MongoDB through PyMongo's native async API (``AsyncMongoClient``).

One collection per entry of ``COLLECTIONS``; a document is stored exactly as given (its ``_id`` is
the application's string id, never an ObjectId). Unique and plain single-field indexes are created
by ``open()``. Every write is a single-document operation (``compare_and_set_many`` is an unordered
bulk of them); nothing here uses transactions, change streams, TTL or partial indexes, projections
in findAndModify or aggregation. A compare-and-set is ``replace_one({_id, version})``, which
MongoDB applies atomically to the one document.

Durability: every write is acknowledged only once a majority of the replica set has it in its
journal (``w="majority", j=True`` on the client), so an acknowledged signature survives a power
loss and a failover. The URL's own ``w``/``journal`` options win (a deployment's deliberate choice).

FerretDB 1.x speaks the same protocol but its updates are not atomic under concurrency:
``backend/storage/ferretdb.py`` is this store in FerretDB mode, which claims each version first.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager, suppress
from typing import Any, NoReturn
from urllib.parse import parse_qsl, urlsplit

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReplaceOne, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    BulkWriteError,
    ConnectionFailure,
    DuplicateKeyError,
    InvalidOperation,
    PyMongoError,
)

from backend.storage.writer_queue import WriterQueue
from signing_flow.errors import DependencyUnavailable, DuplicateKey, VersionConflict
from signing_flow.ports import COLLECTIONS, CollectionSpec, Doc, Where

log = logging.getLogger("wangqian.store")

UNAVAILABLE = "存储暂时不可用，请稍后重试 (the store is unavailable; try again shortly)"
DEFAULT_DATABASE = "wangqian"
DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 3000
DEFAULT_SOCKET_TIMEOUT_MS = 10000

SEQUENCES = "sequences"  # {_id: name, value: last number handed out}

_OPERATORS = frozenset({"$eq", "$ne", "$in", "$lt", "$lte", "$gt", "$gte"})
_FIELD = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
_SEQUENCE_ATTEMPTS = 10


def _check_field(field: str) -> str:
    if not _FIELD.match(field):
        raise ValueError(f"unsupported field name {field!r}")
    return field


def _filter(where: Where) -> Doc:
    """The port's query subset as a MongoDB filter (validated like the SQLite store does)."""
    query: Doc = {}
    for field, cond in where.items():
        _check_field(field)
        if not isinstance(cond, dict):
            query[field] = {"$eq": cond}
            continue
        ops: Doc = {}
        for op, value in cond.items():
            if op not in _OPERATORS:
                raise ValueError(f"unsupported operator {op!r}")
            ops[op] = list(value) if op == "$in" else value
        if ops:  # ``{}`` would be an equality test against an empty document
            query[field] = ops
    return query


def _lookup(doc: Mapping[str, Any], field: str) -> Any:
    value: Any = doc
    for part in field.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _option_names(url: str) -> set[str]:
    return {key.lower() for key, _ in parse_qsl(urlsplit(url).query)}


def _hosts(url: str) -> str:
    """The host list of a MongoDB URL, without credentials, for messages."""
    return urlsplit(url).netloc.rpartition("@")[2] or "?"


def _unavailable(what: str, exc: BaseException, *, message: str = UNAVAILABLE) -> NoReturn:
    """The driver's error names the servers, its timeouts and its view of the topology: that is
    for the log. The answer (a 503 to any client) says ``message``, plain."""
    # the text, not the exception: a record kept by a log handler must not keep the driver's
    # connections (in the traceback's frames) alive
    log.warning("%s: %s", what, str(exc))
    raise DependencyUnavailable(message, code="STORE_UNAVAILABLE") from exc


@contextmanager
def _reachable(what: str) -> Iterator[None]:
    """Map a lost or unreachable server to ``DependencyUnavailable``."""
    try:
        yield
    except ConnectionFailure as exc:  # AutoReconnect, NetworkTimeout, ServerSelectionTimeout, …
        _unavailable(f"MongoDB did not answer ({what})", exc)
    except InvalidOperation as exc:  # the client was closed under us
        _unavailable(f"the store is closed ({what})", exc)


def _conflict(collection: str, expected_version: int) -> VersionConflict:
    return VersionConflict(
        "记录已被他人修改，请刷新后重试 (the record changed since it was read)",
        details={"collection": collection, "expected_version": expected_version},
    )


class MongoStore:
    """``DocumentStore`` on MongoDB. ``url`` is ``mongodb://host:port/database``."""

    mode = "mongodb"

    def __init__(
        self,
        url: str,
        *,
        server_selection_timeout_ms: int | None = None,
        socket_timeout_ms: int | None = None,
        collections: Mapping[str, CollectionSpec] = COLLECTIONS,
    ) -> None:
        """Timeouts given here win over the URL's options, which win over the defaults (3 s to
        find a server, 10 s for any one reply)."""
        self.url = url
        self.collections = collections
        in_url = _option_names(url)
        timeouts = {
            "serverSelectionTimeoutMS": (
                server_selection_timeout_ms,
                DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
            ),
            "connectTimeoutMS": (server_selection_timeout_ms, DEFAULT_SERVER_SELECTION_TIMEOUT_MS),
            "socketTimeoutMS": (socket_timeout_ms, DEFAULT_SOCKET_TIMEOUT_MS),
        }
        self._client_options: dict[str, Any] = {}
        for name, (given, default) in timeouts.items():
            if given is not None:
                self._client_options[name] = given
            elif name.lower() not in in_url:
                self._client_options[name] = default
        if "w" not in in_url:
            self._client_options["w"] = "majority"
        if not {"journal", "j"} & in_url:
            self._client_options["journal"] = True
        self._client: AsyncMongoClient[Doc] | None = None
        self._db: AsyncDatabase[Doc] | None = None
        self.build_info: Doc = {}  # the server's answer at open(), to tell FerretDB apart
        self._writers = WriterQueue()

    # -- lifecycle ------------------------------------------------------------------------------

    async def open(self) -> None:
        client: AsyncMongoClient[Doc] = AsyncMongoClient(
            self.url, document_class=dict, appname="wangqian", **self._client_options
        )
        try:
            db = client.get_default_database(DEFAULT_DATABASE)
            self.build_info = await client.admin.command("buildInfo")
            for name, spec in self.collections.items():
                coll = db[name]
                for field in spec.unique:
                    await coll.create_index(
                        [(_check_field(field), ASCENDING)], unique=True, name=f"{field}_unique"
                    )
                for field in spec.indexed:
                    await coll.create_index([(_check_field(field), ASCENDING)], name=f"{field}_idx")
                for fields in spec.compound:
                    await coll.create_index(
                        [(_check_field(f), ASCENDING) for f in fields],
                        name="_".join(fields) + "_idx",
                    )
        except ConnectionFailure as exc:
            # Right after a server-selection timeout the client's monitor task is usually in the
            # middle of its next connection attempt; closing now cancels it there and PyMongo
            # (4.20) leaks that attempt's socket (a ResourceWarning at the next garbage
            # collection, an error under ``-W error``). A moment's grace lets the attempt fail.
            await asyncio.sleep(0.1)
            await client.close()
            # at start, for whoever starts the service: where, but not the driver's detail
            where = f"cannot reach MongoDB at {_hosts(self.url)}"
            _unavailable(where, exc, message=where)
        except BaseException:
            await client.close()
            raise
        self._client, self._db = client, db

    async def close(self) -> None:
        if self._client is not None:
            client, self._client, self._db = self._client, None, None
            await client.close()

    @property
    def db(self) -> AsyncDatabase[Doc]:
        if self._db is None:
            raise DependencyUnavailable("the store is not open", code="STORE_UNAVAILABLE")
        return self._db

    def _coll(self, name: str) -> AsyncCollection[Doc]:
        return self.db[name]

    # -- the port -------------------------------------------------------------------------------

    async def insert(self, collection: str, doc: Doc) -> None:
        coll = self._coll(collection)
        with _reachable(f"insert into {collection}"):
            try:
                await coll.insert_one(dict(doc))  # a copy: insert_one may add fields to its arg
            except DuplicateKeyError as exc:
                key = await self._violated_key(collection, doc, exc, inserting=True)
                raise DuplicateKey(collection, key) from exc

    async def get(self, collection: str, doc_id: str) -> Doc | None:
        with _reachable(f"read from {collection}"):
            return await self._coll(collection).find_one({"_id": doc_id})

    def writing(self, collection: str, doc_id: str) -> AbstractAsyncContextManager[None]:
        """This process's writers of one document take turns (``DocumentStore.writing``)."""
        return self._writers.turn(f"{collection}/{doc_id}")

    async def get_versions(self, keys: Sequence[tuple[str, str]]) -> list[int | None]:
        async def version(collection: str, doc_id: str) -> int | None:
            with _reachable(f"read from {collection}"):
                doc = await self._coll(collection).find_one({"_id": doc_id}, {"version": 1})
            return int(doc["version"]) if doc is not None else None

        return list(await asyncio.gather(*(version(c, i) for c, i in keys)))

    async def find(
        self,
        collection: str,
        where: Where,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Doc]:
        cursor = self._coll(collection).find(_filter(where))
        if sort:
            cursor = cursor.sort(_check_field(sort), DESCENDING if descending else ASCENDING)
        if limit is not None:
            if limit <= 0:  # MongoDB reads 0 as "no limit" and a negative one as a batch size
                return []
            cursor = cursor.limit(limit)
        with _reachable(f"query {collection}"):
            return await cursor.to_list()

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        new = {**doc, "version": expected_version + 1}
        await self._replace(collection, new, expected_version)
        return new

    async def compare_and_set_many(self, collection: str, items: list[tuple[Doc, int]]) -> int:
        """One unordered bulk write of ``replace_one({_id, version: expected})``: every item that
        can be written is, the stale ones are skipped. A unique-key collision of any item raises
        ``DuplicateKey`` after the others were written (MongoDB has no all-or-nothing batch
        without a transaction)."""
        if not items:
            return 0
        news = [({**doc, "version": expected + 1}, expected) for doc, expected in items]
        return await self._replace_many(collection, news)

    async def _replace_many(self, collection: str, news: list[tuple[Doc, int]]) -> int:
        coll = self._coll(collection)
        requests = [
            ReplaceOne({"_id": new["_id"], "version": expected}, new) for new, expected in news
        ]
        with _reachable(f"update {collection}"):
            try:
                result = await coll.bulk_write(requests, ordered=False)
            except BulkWriteError as exc:
                errors = exc.details.get("writeErrors") or []
                duplicates = [e for e in errors if e.get("code") == 11000]
                if not duplicates or len(duplicates) != len(errors):
                    raise
                first = duplicates[0]
                key = await self._violated_key(
                    collection, news[int(first["index"])][0], first, inserting=False
                )
                raise DuplicateKey(collection, key) from exc
        return int(result.matched_count)

    async def set_fields(
        self, collection: str, doc_id: str, expected_version: int, fields: Mapping[str, Any]
    ) -> bool:
        changes = {_check_field(field): value for field, value in fields.items()}
        if any("." in field for field in changes):
            raise ValueError("top-level fields only")
        with _reachable(f"update {collection}"):
            result = await self._coll(collection).update_one(
                {"_id": doc_id, "version": expected_version}, {"$set": changes}
            )
        return result.matched_count == 1

    async def next_sequence(self, name: str) -> int:
        coll = self._coll(SEQUENCES)
        with _reachable("draw a sequence number"):
            for _ in range(_SEQUENCE_ATTEMPTS):
                try:
                    counter = await coll.find_one_and_update(
                        {"_id": name},
                        {"$inc": {"value": 1}},
                        upsert=True,
                        return_document=ReturnDocument.AFTER,
                    )
                except DuplicateKeyError:
                    continue  # two first draws raced to create the counter: the loser retries
                if counter is not None:
                    return int(counter["value"])
        raise DependencyUnavailable(
            f"could not draw from sequence {name!r}", code="STORE_UNAVAILABLE"
        )

    async def ping(self) -> None:
        client = self._client
        if client is None:
            raise DependencyUnavailable("the store is not open", code="STORE_UNAVAILABLE")
        with _reachable("ping"):
            await client.admin.command("ping")

    # -- compare-and-set ------------------------------------------------------------------------

    async def _replace(self, collection: str, new: Doc, expected_version: int) -> None:
        """The write itself: replace the document if it is still at ``expected_version``."""
        coll = self._coll(collection)
        with _reachable(f"update {collection}"):
            try:
                result = await coll.replace_one(
                    {"_id": new["_id"], "version": expected_version}, new
                )
            except DuplicateKeyError as exc:
                key = await self._violated_key(collection, new, exc, inserting=False)
                raise DuplicateKey(collection, key) from exc
        if result.matched_count != 1:
            raise _conflict(collection, expected_version)

    # -- duplicate keys -------------------------------------------------------------------------

    async def _violated_key(
        self, collection: str, doc: Doc, error: PyMongoError | Mapping[str, Any], *, inserting: bool
    ) -> str:
        """The field whose unique index refused ``doc``: from MongoDB's ``keyPattern``, from the
        index name in the message, or else by finding the document it collided with.
        ``error`` is the exception, or one entry of a bulk write's ``writeErrors``."""
        spec = self.collections.get(collection)
        unique = spec.unique if spec is not None else ()
        if isinstance(error, Mapping):
            details: Mapping[str, Any] = error
        else:
            details = getattr(error, "details", None) or {}
        pattern = details.get("keyPattern")
        if isinstance(pattern, Mapping) and pattern:
            return str(next(iter(pattern)))
        message = str(details.get("errmsg") or error)
        for field in unique:
            if f"index: {field}_unique " in message:
                return field
        if "index: _id_ " in message:
            return "_id"
        coll = self._coll(collection)
        with suppress(PyMongoError):
            if inserting and await coll.find_one({"_id": doc["_id"]}):
                return "_id"
            # Fields with a value first: a null or missing one collides with another null only.
            for field in sorted(unique, key=lambda f: _lookup(doc, f) is None):
                other = await coll.find_one(
                    {field: _lookup(doc, field), "_id": {"$ne": doc["_id"]}}
                )
                if other is not None:
                    return field
        return "_id"
