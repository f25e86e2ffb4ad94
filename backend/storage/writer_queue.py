"""One writer at a time per document, in this process: how both stores implement
``DocumentStore.writing``, the use cases' unit of work.

Writers of one contract in one process would otherwise read the same version and all but one
lose their compare-and-set, then re-read and retry. On a store with slow writes that is most of
the work: four parties signing at once on FerretDB lost 37 of 64 writes per handshake (bench).
Queued, they each read the version the previous one wrote. Across processes nothing is queued
and the compare-and-set still decides; this only saves work, it guarantees nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class WriterQueue:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """Wait for the writers of ``key`` queued before this one. Not re-entrant: take a turn
        once per use case, around its whole read-decide-write (retries included)."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # the last one out forgets the key
                del self._waiting[key], self._locks[key]
