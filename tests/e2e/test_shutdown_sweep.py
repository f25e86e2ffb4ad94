"""A SIGTERM in the middle of a sweep: the run ends before the scheduler stops, every contract
is changed once and whole, and a restarted service finds nothing left to do."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson

from backend.storage import open_store
from bench.sweep_data import FUTURE, clone, make_templates
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.codec import from_doc
from signing_flow.models import Contract
from tests.e2e.conftest import REPO, server_env
from tests.e2e.processes import server_process, write_lock

CONTRACTS = {"sqlite": 1000, "mongo": 30}  # FerretDB writes one by one, slowly: fewer
SWEEP_EVERY = "0.3"


async def insert_expired_orders(store_url: str, n: int) -> list[str]:
    """``n`` contracts in signing whose orders expired long ago (their purge deadline ahead)."""
    signing = (await make_templates())["signing"]
    ids = []
    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        for i in range(n):
            doc = orjson.loads(clone(signing, i))
            doc["purge_at"] = FUTURE.replace("2026", "2099")
            await store.insert("contracts", doc)
            ids.append(doc["_id"])
    return ids


async def expired_count(store_url: str, ids: list[str]) -> int:
    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        found = await store.find("contracts", {"_id": {"$in": ids}, "status": "submitted"})
    return len(found)


@contextlib.contextmanager
def held_sweep(store_url: str) -> Iterator[None]:
    """On SQLite a sweep never yields to the event loop, so a signal waits for its end anyway;
    holding the write lock keeps the sweep in its first write while the signal arrives."""
    if store_url.startswith("sqlite:"):
        with write_lock(Path(store_url.removeprefix("sqlite:///"))):
            time.sleep(3 * float(SWEEP_EVERY))  # the next run began and waits for the lock
            yield
    else:
        yield


async def test_sigterm_mid_sweep_lets_the_run_end_and_changes_each_contract_once(
    tmp_path: Path, store_url: str
) -> None:
    kind = "sqlite" if store_url.startswith("sqlite:") else "mongo"
    if kind == "mongo":  # before the start: the first run (at start) sees them all
        ids = await insert_expired_orders(store_url, CONTRACTS[kind])
    with server_process(
        tmp_path, store_url, WANGQIAN_EXPIRY_INTERVAL=SWEEP_EVERY, WANGQIAN_SHUTDOWN_GRACE_S="60"
    ) as server:
        if kind == "sqlite":  # a run that sees some of them leaves the rest to the held one
            ids = await insert_expired_orders(store_url, CONTRACTS[kind])
        if kind == "mongo":  # the sweep runs (slowly) when a first contract changed
            for _ in range(1200):
                if await expired_count(store_url, ids):
                    break
                await asyncio.sleep(0.05)
        with held_sweep(store_url):
            server.signal()
        assert await asyncio.to_thread(server.wait, 90) == 0

    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        docs = await store.find("contracts", {"_id": {"$in": ids}})
    contracts = [from_doc(Contract, d) for d in docs]
    assert {c.status.value for c in contracts} == {"submitted"}  # the run ended before the stop
    for c in contracts:
        # The clones' own chains name the template's id; the sweep's event links onto them.
        *_, last, expired = c.events
        assert (expired.type, expired.prev_hash) == ("order_expired", last.hash), c.number
        assert [e.type for e in c.events].count("order_expired") == 1, c.number

    with server_process(tmp_path, store_url, name="restarted", WANGQIAN_EXPIRY_INTERVAL="0.3"):
        await asyncio.sleep(1)  # a few runs: nothing left to change
        async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
            again = await store.find("contracts", {"_id": {"$in": ids}})
    assert {d["_id"]: d["version"] for d in again} == {d["_id"]: d["version"] for d in docs}


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "backend.cli", *args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_the_standalone_scheduler_stops_on_sigterm_after_its_run_under_way(
    tmp_path: Path,
) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    env = {
        **server_env(tmp_path, "http://127.0.0.1:1", store_url),
        "WANGQIAN_EXPIRY_INTERVAL": SWEEP_EVERY,
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "scheduler.log"
    proc = _start(["scheduler"], env, log)
    try:
        for _ in range(300):
            if "scheduler running" in log.read_text():
                break
            await asyncio.sleep(0.05)
        ids = await insert_expired_orders(store_url, 300)
        with held_sweep(store_url):
            proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert await expired_count(store_url, ids) == len(ids)
