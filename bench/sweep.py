"""Part 3, the sweeps: ``purge_stale_contracts`` and ``expire_orders`` over N contracts (half of
them due), each beside one raw bulk statement doing the same change on an identical copy of the
same store: SQLite one ``UPDATE … WHERE json_extract(…)``, MongoDB one ``update_many``."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from backend.storage.ferretdb import FerretDBStore
from backend.storage.mongo import MongoStore
from backend.storage.sqlite import SqliteStore
from backend.storage.sweeps import StoreSweeps
from bench.stats import ratio
from bench.sweep_data import (
    SWEEP_NOW,
    FixedClock,
    Row,
    Template,
    expiry_dataset,
    purge_dataset,
)
from schedulers.jobs import JobReport, expire_orders, purge_stale_contracts
from signing_flow.codec import encode_time
from signing_flow.ports import Doc, DocumentStore
from signing_flow.states import PURGEABLE_STATUSES

NOW = encode_time(SWEEP_NOW)
PURGEABLE = sorted(s.value for s in PURGEABLE_STATUSES)
EXPIRABLE = ["cancelling", "signing"]
CHUNK = 1000
# One bulk statement over N documents takes FerretDB far longer than the store's 10 s default.
MONGO_TIMEOUT_MS = 600_000

Job = Callable[[DocumentStore, FixedClock], Awaitable[JobReport]]


@dataclass(frozen=True)
class Sweep:
    """One job and the raw statement that makes the same change."""

    name: str
    job: Job
    dataset: Callable[[dict[str, Template], int], Iterator[Row]]
    sqlite_sql: str
    mongo_filter: dict[str, Any]
    mongo_update: dict[str, Any]


def _in(values: list[str]) -> str:
    return ",".join(f"'{v}'" for v in values)


async def _purge(store: DocumentStore, clock: FixedClock) -> JobReport:
    return await purge_stale_contracts(StoreSweeps(store), clock)


async def _expire(store: DocumentStore, clock: FixedClock) -> JobReport:
    return await expire_orders(StoreSweeps(store), clock)


SWEEPS = (
    Sweep(
        name="purge_stale_contracts",
        job=_purge,
        dataset=purge_dataset,
        sqlite_sql=(
            "UPDATE contracts SET version = version + 1, body = json_set(body, "
            "'$.status', 'deleted', '$.property_lock', 'released:' || id, '$.version', version + 1) "
            f"WHERE json_extract(body, '$.status') IN ({_in(PURGEABLE)}) "
            "AND json_extract(body, '$.purge_at') <= ?"
        ),
        mongo_filter={"status": {"$in": PURGEABLE}, "purge_at": {"$lte": NOW}},
        mongo_update={"$set": {"status": "deleted"}, "$inc": {"version": 1}},
    ),
    Sweep(
        name="expire_orders",
        job=_expire,
        dataset=expiry_dataset,
        sqlite_sql=(
            "UPDATE contracts SET version = version + 1, body = json_set(body, "
            "'$.status', 'submitted', '$.open_order_id', NULL, '$.order_expires_at', NULL, "
            "'$.version', version + 1) "
            f"WHERE json_extract(body, '$.status') IN ({_in(EXPIRABLE)}) "
            "AND json_extract(body, '$.order_expires_at') <= ?"
        ),
        mongo_filter={"status": {"$in": EXPIRABLE}, "order_expires_at": {"$lte": NOW}},
        mongo_update={
            "$set": {"status": "submitted", "open_order_id": None, "order_expires_at": None},
            "$inc": {"version": 1},
        },
    ),
)


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


# -- SQLite ---------------------------------------------------------------------------------


async def _sqlite_build(path: Path, rows: Iterable[Row]) -> None:
    """The product's schema and indexes (SqliteStore.open), then the rows in one transaction."""
    store = SqliteStore(str(path))
    await store.open()
    try:
        db = store.db
        db.execute("BEGIN")
        db.executemany("INSERT INTO contracts (id, version, body) VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await store.close()


async def _sqlite_job(path: Path, sweep: Sweep) -> tuple[float, int]:
    store = SqliteStore(str(path))
    await store.open()
    try:
        started = time.perf_counter()
        report = await sweep.job(store, FixedClock(SWEEP_NOW))
        return time.perf_counter() - started, len(report.changed)
    finally:
        await store.close()


def _sqlite_raw(path: Path, sweep: Sweep) -> tuple[float, int]:
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        started = time.perf_counter()
        changed = db.execute(sweep.sqlite_sql, (NOW,)).rowcount
        return time.perf_counter() - started, changed
    finally:
        db.close()


def _copies(base: Path) -> tuple[Path, Path]:
    """Two identical copies of a built store: one for the job, one for the raw statement."""
    job_db, raw_db = base.with_suffix(".job.db"), base.with_suffix(".raw.db")
    shutil.copyfile(base, job_db)
    shutil.copyfile(base, raw_db)
    return job_db, raw_db


def _remove(*paths: Path) -> None:
    for path in paths:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


async def sqlite_sweep(
    sweep: Sweep, templates: dict[str, Template], n: int, workdir: Path
) -> dict[str, Any]:
    base = workdir / f"sweep-{sweep.name}.db"
    started = time.perf_counter()
    await _sqlite_build(base, sweep.dataset(templates, n))
    job_db, raw_db = _copies(base)
    setup = time.perf_counter() - started
    raw_s, raw_changed = _sqlite_raw(raw_db, sweep)
    job_s, job_changed = await _sqlite_job(job_db, sweep)
    _remove(base, job_db, raw_db)
    return _row("sqlite", sweep, n, setup, job_s, job_changed, raw_s, raw_changed)


# -- MongoDB --------------------------------------------------------------------------------


async def _mongo_build(url: str, rows: Iterable[Row]) -> None:
    store = MongoStore(url, socket_timeout_ms=MONGO_TIMEOUT_MS)
    await store.open()
    try:
        contracts = store.db["contracts"]
        for chunk in _chunks(rows):
            await contracts.insert_many([json.loads(body) for _, _, body in chunk], ordered=False)
    finally:
        await store.close()


async def mongo_sweep(
    sweep: Sweep, templates: dict[str, Template], n: int, url_for: Callable[[str], str], kind: str
) -> dict[str, Any]:
    job_url, raw_url = url_for(f"{sweep.name}_job"), url_for(f"{sweep.name}_raw")
    started = time.perf_counter()
    for url in (job_url, raw_url):
        await _mongo_build(url, sweep.dataset(templates, n))
    setup = time.perf_counter() - started

    raw = MongoStore(raw_url, socket_timeout_ms=MONGO_TIMEOUT_MS)
    await raw.open()
    try:
        started = time.perf_counter()
        result = await raw.db["contracts"].update_many(sweep.mongo_filter, sweep.mongo_update)
        raw_s, raw_changed = time.perf_counter() - started, result.modified_count
    finally:
        await raw.close()

    adapter = FerretDBStore if kind == "ferretdb" else MongoStore
    job = adapter(job_url, socket_timeout_ms=MONGO_TIMEOUT_MS)
    await job.open()
    try:
        started = time.perf_counter()
        report = await sweep.job(job, FixedClock(SWEEP_NOW))
        job_s, job_changed = time.perf_counter() - started, len(report.changed)
    finally:
        await job.close()
    return _row(f"mongo ({kind})", sweep, n, setup, job_s, job_changed, raw_s, raw_changed)


def _row(
    store: str,
    sweep: Sweep,
    n: int,
    setup: float,
    job_s: float,
    job_n: int,
    raw_s: float,
    raw_n: int,
) -> dict[str, Any]:
    return {
        "part": "sweep",
        "store": store,
        "job": sweep.name,
        "n": n,
        "due": (n + 1) // 2,
        "setup_s": setup,
        "job_s": job_s,
        "job_changed": job_n,
        "raw_s": raw_s,
        "raw_changed": raw_n,
        "ratio": ratio(job_s, raw_s),
        "ok": job_n == raw_n == (n + 1) // 2,
    }


def codec_costs(templates: dict[str, Template], repeat: int = 500) -> dict[str, Any]:
    """Per contract, in µs: what a sweep pays besides the store — the JSON the store parses and
    writes (orjson), the whole dataclass round trip, and the partial one the sweeps make."""
    import orjson

    from backend.storage.sweeps import CONTRACT_UNDECODED
    from signing_flow.codec import from_doc, to_doc
    from signing_flow.models import Contract

    def per_call(fn: Callable[[Any], object], arg: Any) -> float:
        started = time.perf_counter()
        for _ in range(repeat):
            fn(arg)
        return (time.perf_counter() - started) / repeat * 1e6

    def whole(doc: Doc) -> None:
        to_doc(from_doc(Contract, doc))

    def partial(doc: Doc) -> None:
        head = {**doc, "orders": [], "events": doc["events"][-1:]}
        contract = from_doc(Contract, head, undecoded=CONTRACT_UNDECODED)
        {**head, **to_doc(contract, undecoded=CONTRACT_UNDECODED)}  # the left-out fields back

    out: dict[str, Any] = {"part": "codec"}
    for status in ("draft", "signing"):
        body = templates[status].body
        doc = orjson.loads(body)
        out[status] = {
            "bytes": len(body.encode()),
            "loads_us": per_call(orjson.loads, body),
            "whole_round_trip_us": per_call(whole, doc),
            "sweep_round_trip_us": per_call(partial, doc),
            "dumps_us": per_call(orjson.dumps, doc),
        }
    return out
