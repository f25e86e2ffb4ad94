"""``serve --workers 2``: two processes on one port share the work and the store
(docs/operations.md "Several workers")."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import time
from pathlib import Path

from backend.storage import open_store
from backend.supervisor import EARLY_EXIT_SECONDS
from bench.fixtures import seed
from miniapp_mock.services import SANDBOX_COLLECTIONS
from tests.e2e.processes import order_with_party, server_process
from tests.e2e.test_shutdown_sweep import insert_expired_orders

WORKER = "X-Wangqian-Worker"


def _connection(port: int, avoid: str | None = None) -> tuple[http.client.HTTPConnection, str]:
    """A keep-alive connection and the worker it reached (another than ``avoid``): the kernel
    spreads new connections over the workers (reuse_port), so a few tries find each."""
    for _ in range(200):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        resp.read()
        worker = resp.headers[WORKER]
        if worker != avoid:
            return conn, worker
        conn.close()
    raise AssertionError(f"no connection reached a worker other than {avoid}")


def _call(
    conn: http.client.HTTPConnection, method: str, path: str, token: str, body: object = None
) -> tuple[int, str, dict]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.headers[WORKER], json.loads(resp.read())


async def test_a_long_poll_held_by_one_worker_wakes_on_a_step_taken_through_another(
    tmp_path: Path, store_url: str
) -> None:
    await seed(store_url, 1)
    with server_process(tmp_path, store_url, "--workers", "2") as server:
        agent, order, party = await order_with_party(server.base_url, 0)
        path = f"/api/v1/signing-orders/{order['id']}"
        holder, held_by = _connection(server.port)
        _, _, seen = _call(holder, "GET", path, agent)
        poll = asyncio.create_task(
            asyncio.to_thread(
                _call, holder, "GET", f"{path}?wait=25&version={seen['version']}", agent
            )
        )
        other, other_worker = _connection(server.port, avoid=held_by)
        await asyncio.sleep(0.5)
        assert not poll.done()
        review = {"document_sha256": party.document_sha256}
        stepped = time.monotonic()
        status, stepped_on, _ = _call(other, "POST", "/mp/v1/review", party.session, review)
        assert (status, stepped_on) == (200, other_worker)
        status, answered_by, answer = await asyncio.wait_for(poll, 10)
        assert time.monotonic() - stepped < 2  # the store re-read, not the 25 s timeout
        assert (status, answered_by) == (200, held_by)
        assert answer["version"] > seen["version"]
        holder.close()
        other.close()
        server.signal()
        assert await asyncio.to_thread(server.wait) == 0


async def test_every_worker_runs_the_jobs_and_each_expired_order_changes_once(
    tmp_path: Path,
) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    ids = await insert_expired_orders(store_url, 600)
    with server_process(tmp_path, store_url, "--workers", "2", WANGQIAN_LOG_LEVEL="INFO") as server:
        await asyncio.sleep(1)  # both workers' first runs (at start) are over
        server.signal()
        assert await asyncio.to_thread(server.wait) == 0
    runs = [int(n) for n in re.findall(r"expire_orders: (\d+) changed", server.log.read_text())]
    assert len(runs) >= 2 and sum(runs) == len(ids)  # every worker ran it; none changed twice
    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        docs = await store.find("contracts", {"_id": {"$in": ids}})
    for doc in docs:
        assert doc["status"] == "submitted"
        assert [e["type"] for e in doc["events"]].count("order_expired") == 1


def _environ(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")


def _workers_of(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(c) for c in children}


async def test_the_supervisor_starts_a_worker_again_when_it_dies(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    with server_process(tmp_path, store_url, "--workers", "2") as server:
        await asyncio.sleep(EARLY_EXIT_SECONDS + 0.5)  # past the start-up window
        first = _workers_of(server.proc.pid)
        assert len(first) == 2
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        for _ in range(100):
            now = _workers_of(server.proc.pid)
            if len(now) == 2 and victim not in now:
                break
            await asyncio.sleep(0.1)
        assert len(now) == 2 and victim not in now
        seen: set[str] = set()
        for _ in range(100):  # until the new worker answers too
            conn, worker = _connection(server.port)
            conn.close()
            seen.add(worker)
            if len(seen) == 2:
                break
            await asyncio.sleep(0.05)
        assert seen == {"0", "1"}
        server.signal()
        assert await asyncio.to_thread(server.wait) == 0


async def test_workers_stop_when_the_supervisor_is_killed(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    with server_process(tmp_path, store_url, "--workers", "2") as server:
        workers = _workers_of(server.proc.pid)
        assert len(workers) == 2
        server.signal(signal.SIGKILL)  # no SIGTERM forwarded: the workers must notice alone
        server.wait()
        try:
            for _ in range(100):
                if not any(_alive(pid) for pid in workers):
                    break
                await asyncio.sleep(0.1)
            assert not any(_alive(pid) for pid in workers)
        finally:
            for pid in filter(_alive, workers):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent (gone) would reap it


async def test_workers_that_cannot_start_stop_the_supervisor_with_status_1(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    with socket.socket() as taken:  # the port is held without SO_REUSEPORT: no worker can bind
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with server_process(
            tmp_path, store_url, "--workers", "2", port=port, ready=False
        ) as server:
            assert await asyncio.to_thread(server.wait, 60) == 1


async def test_workers_count_metrics_into_one_emptied_directory(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_99999.db").write_bytes(b"an earlier run's counts")
    with server_process(
        tmp_path, store_url, "--workers", "2", WANGQIAN_METRICS_DIR=str(metrics)
    ) as server:
        assert not (metrics / "counter_99999.db").exists()
        for pid in _workers_of(server.proc.pid):
            assert f"PROMETHEUS_MULTIPROC_DIR={metrics}" in _environ(pid)
        server.signal()
        assert await asyncio.to_thread(server.wait) == 0
