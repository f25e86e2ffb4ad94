"""The store's FerretDB mode: ``MongoStore`` with claimed compare-and-sets and claimed sequences.

"Also runs on FerretDB" is a deployment option (FerretDB 1.x, SQLite or PostgreSQL backend, checked
against 1.24), chosen with ``?wangqianMode=ferretdb`` on the store URL or found by asking
``buildInfo`` at start (see ``backend.storage.open_store``). FerretDB 1.x differs from MongoDB in
two ways that matter here:

* Its ``update``/``findAndModify`` read the matching document and then write it back by ``_id``
  without re-checking the filter, so ``replace_one({_id, version})`` is *not* a compare-and-set
  under concurrency (two writers of one version both succeed, one write is lost) and an ``$inc``
  upsert hands out the same number twice. Inserts, on the other hand, are atomic against unique
  indexes (they are SQLite ``UNIQUE`` constraints). So a compare-and-set first inserts a claim
  ``<collection>:<id>:<new version>`` into ``cas_claims`` (the one writer whose insert succeeds
  may write; the others lost the race, and are told so once the winner's write is visible, as on
  MongoDB), and a sequence number ``n`` is handed out by inserting ``<name>:<n>`` into
  ``sequence_claims``. Each compare-and-set costs two more round trips (claim, release) than on
  MongoDB, and a bulk one becomes one claimed write per item.
* Its duplicate-key errors name no index (no ``keyPattern``), and a unique-index collision in an
  update comes back as an ``InternalError`` carrying SQLite's message. The colliding field is then
  found from the index name in that message, or else by looking for the other document.

The mode is also correct on MongoDB, only slower; the plain mode on FerretDB is not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from pymongo.errors import DuplicateKeyError, OperationFailure, PyMongoError

from backend.storage.mongo import SEQUENCES, MongoStore, _check_field, _conflict, _reachable
from signing_flow.errors import DuplicateKey, VersionConflict
from signing_flow.ports import Doc

SEQUENCE_CLAIMS = "sequence_claims"  # {_id: "<name>:<n>"}
CAS_CLAIMS = "cas_claims"  # {_id: "<collection>:<id>:<version>", at: epoch s}

# A claim older than this was left behind by a writer that died between claiming and releasing
# (a compare-and-set takes milliseconds); it may be taken over.
STALE_CLAIM_SECONDS = 30.0
# How long a compare-and-set that found the claim taken waits for the holder to finish, looking
# again after 5, 10, 20, 40, 40… ms: with four parties writing one contract, a fixed 5 ms made
# the waiting writers most of FerretDB's load (bench).
CLAIM_WAIT_SECONDS = 2.0
CLAIM_POLL_SECONDS = 0.005
CLAIM_POLL_MAX_SECONDS = 0.04


def is_ferretdb(build_info: Mapping[str, Any]) -> bool:
    """Whether a ``buildInfo`` answer came from FerretDB (it adds its own version)."""
    return "ferretdbVersion" in build_info


class FerretDBStore(MongoStore):
    """``DocumentStore`` on FerretDB 1.x: every write of a version goes through a claim."""

    mode = "ferretdb"

    async def _replace(self, collection: str, new: Doc, expected_version: int) -> None:
        """Only the writer whose claim on the new version went in may write it."""
        claims = self._coll(CAS_CLAIMS)
        claim_id = f"{collection}:{new['_id']}:{new['version']}"
        with _reachable(f"update {collection}"):
            await self._claim(collection, new["_id"], claim_id, expected_version)
            try:
                await self._replace_claimed(collection, new, expected_version)
            finally:
                # Once the document moved on, a claim on this version can never win again, so
                # releasing it keeps cas_claims small. If the release fails, it goes stale.
                with suppress(PyMongoError):
                    await claims.delete_one({"_id": claim_id})

    async def _replace_claimed(self, collection: str, new: Doc, expected_version: int) -> None:
        try:
            await super()._replace(collection, new, expected_version)
        except OperationFailure as exc:
            if "UNIQUE constraint failed" not in str(exc):  # FerretDB's unique-index refusal
                raise
            key = await self._violated_key(collection, new, exc, inserting=False)
            raise DuplicateKey(collection, key) from exc

    async def _replace_many(self, collection: str, news: list[tuple[Doc, int]]) -> int:
        """The bulk compare-and-set as one claimed compare-and-set per item: a bulk write would
        not be a compare-and-set here."""
        written, duplicate = 0, None
        for new, expected in news:
            try:
                await self._replace(collection, new, expected)
            except VersionConflict:
                continue
            except DuplicateKey as exc:
                duplicate = duplicate or exc
                continue
            written += 1
        if duplicate is not None:
            raise duplicate
        return written

    async def set_fields(
        self, collection: str, doc_id: str, expected_version: int, fields: Mapping[str, Any]
    ) -> bool:
        """Under the claim on the next version, as a compare-and-set: FerretDB's ``$set`` writes
        the whole document it read back by ``_id``, and would undo a replace made meanwhile.
        While the claim is held no other writer may write this version, so the version is
        checked on a read by ``_id`` and the document replaced by ``_id``: FerretDB 1.x looks a
        document up by ``_id`` alone with an index, but scans the collection for
        ``{_id, version}`` (150 ms a contract at 150 contracts, bench)."""
        claims = self._coll(CAS_CLAIMS)
        claim_id = f"{collection}:{doc_id}:{expected_version + 1}"
        coll = self._coll(collection)
        with _reachable(f"update {collection}"):
            try:
                await self._claim(collection, doc_id, claim_id, expected_version)
            except VersionConflict:
                return False
            try:
                doc = await coll.find_one({"_id": doc_id})
                if doc is None or doc.get("version") != expected_version:
                    return False
                changed = {**doc, **{_check_field(f): v for f, v in fields.items()}}
                return (await coll.replace_one({"_id": doc_id}, changed)).matched_count == 1
            finally:
                with suppress(PyMongoError):
                    await claims.delete_one({"_id": claim_id})

    async def _claim(
        self, collection: str, doc_id: Any, claim_id: str, expected_version: int
    ) -> None:
        """Take the claim, or raise ``VersionConflict`` once the competing write is visible.

        A lost claim does not fail at once: the holder may still be writing, and a caller that
        re-read the document now would see the old version and lose again (on MongoDB a lost
        compare-and-set means the winner's write is already there). So wait until the document
        moved on (conflict) or the holder gave the claim up without writing (claim it again)."""
        claims = self._coll(CAS_CLAIMS)
        deadline = time.monotonic() + CLAIM_WAIT_SECONDS
        pause = CLAIM_POLL_SECONDS
        while True:
            try:
                await claims.insert_one({"_id": claim_id, "at": time.time()})
                return
            except DuplicateKeyError as exc:
                current = await self._coll(collection).find_one({"_id": doc_id}, {"version": 1})
                if current is None or current.get("version") != expected_version:
                    raise _conflict(collection, expected_version) from exc
                if await self._take_over_stale_claim(claim_id):
                    return
                if time.monotonic() > deadline:
                    raise _conflict(collection, expected_version) from exc
            await asyncio.sleep(pause)
            pause = min(pause * 2, CLAIM_POLL_MAX_SECONDS)

    async def _take_over_stale_claim(self, claim_id: str) -> bool:
        claims = self._coll(CAS_CLAIMS)
        claim = await claims.find_one({"_id": claim_id})
        if claim is None or time.time() - float(claim.get("at", 0)) < STALE_CLAIM_SECONDS:
            return False
        await claims.delete_one({"_id": claim_id, "at": claim.get("at")})
        try:
            await claims.insert_one({"_id": claim_id, "at": time.time()})
        except DuplicateKeyError:
            return False
        return True

    async def next_sequence(self, name: str) -> int:
        """``n`` is ours when the insert of ``<name>:<n>`` went in. The counter document only
        remembers where to start looking; it may lag behind under concurrency."""
        counters, claims = self._coll(SEQUENCES), self._coll(SEQUENCE_CLAIMS)
        with _reachable("draw a sequence number"):
            counter = await counters.find_one({"_id": name})
            n = int(counter["value"]) if counter else 0
            while True:
                n += 1
                try:
                    await claims.insert_one({"_id": f"{name}:{n}"})
                except DuplicateKeyError:
                    continue
                # The counter document is only a hint: losing a race to create it is harmless.
                with suppress(DuplicateKeyError):
                    await counters.update_one({"_id": name}, {"$max": {"value": n}}, upsert=True)
                return n

    async def _violated_key(
        self, collection: str, doc: Doc, error: PyMongoError | Mapping[str, Any], *, inserting: bool
    ) -> str:
        """First the index name in SQLite's message (``… index 'number_unique'``)."""
        details = error if isinstance(error, Mapping) else getattr(error, "details", None) or {}
        message = str(details.get("errmsg") or error)
        spec = self.collections.get(collection)
        unique = spec.unique if spec is not None else ()
        for field in unique:
            if f"{field}_unique'" in message:
                return field
        return await super()._violated_key(collection, doc, error, inserting=inserting)
