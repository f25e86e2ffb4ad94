"""A job that runs at once when woken and otherwise every few seconds: the events' jobs.

APScheduler runs jobs at times; the events' jobs should run as soon as there is work (a
transition's hand-off wakes the mover, a move wakes the deliveries) and also on a timer, since
a wake-up is a hint that may never come (another process wrote, this one restarted). One run at
a time per pump; a wake during a run makes one more run after it. Stopping lets a run under way
end (up to ``STOP_SECONDS``, and no longer than what is left of the process's grace period:
``stop_within``) rather than cancelling it in the middle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from schedulers.observe import JobObserver, observed
from signing_flow.errors import DependencyUnavailable

log = logging.getLogger("wangqian.jobs")

STOP_SECONDS = 10.0  # how long a stopping pump waits for its run under way


class Pump:
    def __init__(
        self,
        name: str,
        job: Callable[[], Awaitable[object]],
        interval: float,
        observer: JobObserver | None = None,
    ) -> None:
        self.name = name
        self.job = observed(name, job, observer)
        self.interval = interval
        self._wake = asyncio.Event()
        self._stopping = False
        self.runs = 0

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> None:
        self.runs += 1
        try:
            await self.job()
        except DependencyUnavailable as exc:
            log.warning("%s: %s; trying again in %ss", self.name, exc.message, self.interval)
        except Exception:
            # A bug must not end the pump either: the next run tries again.
            log.exception("%s failed; trying again in %ss", self.name, self.interval)

    async def _loop(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            self._wake.clear()
            if not self._stopping:
                await self.run_once()

    @contextlib.asynccontextmanager
    async def running(
        self, stop_within: Callable[[], float] = lambda: STOP_SECONDS
    ) -> AsyncIterator[None]:
        """``stop_within``: asked when stopping, the seconds left to wait for a run under way
        (``backend.shutdown.Draining.left``: the pumps stop one after another, on one clock)."""
        task = asyncio.create_task(self._loop(), name=self.name)
        self.wake()  # a first run at start: catch up with what happened while down
        try:
            yield
        finally:
            self._stopping = True
            self.wake()  # a pump between runs ends at once; one in a run ends after it
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(STOP_SECONDS, stop_within())):
                    await asyncio.shield(task)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
