"""Password hashing off the event loop (DESIGN §9): the service's ``ports.PasswordHasher``.

One scrypt is ~50 ms of CPU and 16 MiB. Run on the event loop, 30 concurrent bad logins held
every other request (status polls, handshakes, ``/healthz``) for 1.5–2 s. Here each hash runs in
a thread pool of the hasher's own, one thread per core the process may use: ``hashlib.scrypt``
releases the GIL, so the loop keeps serving while the threads hash. The pool is the bound: more
logins than threads wait in its queue (FIFO), so logins queue and nothing else does, and memory
stays at 16 MiB per thread. A pool of its own, not the loop's default executor, so that a login
storm does not hold up whatever else uses that one (DNS lookups, file reads). A login whose
client went away before its turn is dropped from the queue (cancelling the awaiting task
cancels the pending work).

A ``ThreadPoolExecutor`` rather than an ``asyncio.Semaphore`` around ``asyncio.to_thread``: the
same bound without tying the hasher to one event loop, and without growing the default pool.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from signing_flow.secrets import hash_password, verify_password


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class PooledHasher:
    """``signing_flow.ports.PasswordHasher`` with at most ``workers`` hashes at once."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or usable_cores()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="scrypt")

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._pool, hash_password, password)

    async def verify(self, password: str, stored: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, verify_password, password, stored
        )

    def close(self) -> None:
        """Stop taking work; queued hashes are cancelled, running ones finish on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)
