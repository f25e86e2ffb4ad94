"""Password hashing runs off the event loop with a bounded concurrency (issue 13: "Password
hashing blocks the event loop"). Times are compared with one scrypt measured here, on the same
machine and under the same load, never with a fixed number of milliseconds."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

import backend.passwords
from backend.passwords import PooledHasher
from signing_flow.lockout import DUMMY_HASH
from signing_flow.secrets import hash_password
from tests.api.conftest import Api


def one_scrypt() -> float:
    """The fastest of three hashes: what one scrypt costs on this machine now."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        hash_password("measure-me-1")
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
async def test_healthz_answers_at_once_while_30_bad_logins_hash(
    client: TestClient[Any, Any],
) -> None:
    """The probe runs in a thread of its own: the test client shares the server's event loop,
    so a blocked loop would delay its own measurements too."""
    scrypt = one_scrypt()
    url = str(client.make_url("/healthz"))
    storm_over = threading.Event()
    latencies: list[float] = []

    def probe() -> None:
        while not storm_over.is_set() or not latencies:
            start = time.perf_counter()
            with urllib.request.urlopen(url, timeout=60) as resp:
                assert resp.status == 200
            latencies.append(time.perf_counter() - start)

    prober = threading.Thread(target=probe)
    prober.start()
    began = time.perf_counter()
    try:
        answers = await asyncio.gather(
            *(
                Api(client).call(
                    "POST", "/api/v1/auth/login", {"username": f"nobody{i}", "password": "bad"}
                )
                for i in range(30)
            )
        )
    finally:
        storm = time.perf_counter() - began
        storm_over.set()
        await asyncio.to_thread(prober.join)
    assert {status for status, _ in answers} == {401}
    # On the loop, a /healthz waited for every hash queued before it: most of the storm, 30
    # scrypts (~1.5 s). Off it, an answer waits a scheduling slice or a login's own Python work
    # at most: a few scrypts under load, a small part of the storm, which its 30 hashes on a
    # few threads make several scrypts long.
    assert len(latencies) > 1
    assert max(latencies) < storm / 3, (max(latencies), storm, scrypt)


async def test_the_pool_hashes_at_most_its_workers_at_once_and_the_rest_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running = peak = 0
    lock = threading.Lock()

    def slow_check(password: str, stored: str) -> bool:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return False

    monkeypatch.setattr(backend.passwords, "verify_password", slow_check)
    hasher = PooledHasher(workers=2)
    try:
        results = await asyncio.gather(*(hasher.verify("x", DUMMY_HASH) for _ in range(8)))
    finally:
        hasher.close()
    assert results == [False] * 8
    assert peak == 2


async def test_the_pooled_hasher_checks_what_it_hashed() -> None:
    hasher = PooledHasher(workers=1)
    try:
        stored = await hasher.hash("Right2026")
        assert await hasher.verify("Right2026", stored)
        assert not await hasher.verify("Wrong2026", stored)
    finally:
        hasher.close()
