"""What a job run reports to whoever watches (the service's metrics, ``backend.metrics``): its
name, how long it took and its report (None when it failed). The jobs stay plain functions; the
wrapper here is what the scheduler and the pumps call."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

R = TypeVar("R")


class JobObserver(Protocol):
    def job_ran(self, job: str, seconds: float, report: object | None) -> None: ...


def observed(
    name: str, job: Callable[..., Awaitable[R]], observer: JobObserver | None
) -> Callable[..., Awaitable[R]]:
    """``job``, reporting each run to ``observer`` (``job`` itself when nobody watches)."""
    if observer is None:
        return job

    @functools.wraps(job)
    async def run(*args: Any, **kwargs: Any) -> R:
        started = time.perf_counter()
        report: object | None = None
        try:
            result = await job(*args, **kwargs)
            report = result
            return result
        finally:
            observer.job_ran(name, time.perf_counter() - started, report)

    return run
