"""Which scheduled job runs are under way in this process, so that a stopping service can let
them end instead of cancelling them.

APScheduler's asyncio executor cancels the tasks of running jobs when it shuts down (it cannot
wait: its ``shutdown`` is not a coroutine). A sweep cancelled between two batches leaves every
contract either changed or not (each is one compare-and-set), but the run itself half-done; so
the service pauses the scheduler, waits here for the runs under way, and only then shuts it
down (``backend.shutdown``).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class RunningJobs:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def track(self, job: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        """``job``, with each run's task known here while it runs."""

        @functools.wraps(job)
        async def tracked(*args: P.args, **kwargs: P.kwargs) -> R:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                return await job(*args, **kwargs)
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return tracked

    @property
    def under_way(self) -> int:
        return len(self._tasks)

    async def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the runs under way; True when none is left."""
        await asyncio.sleep(0)  # a run submitted just now starts, and is counted
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=max(seconds, 0))
        return not pending
