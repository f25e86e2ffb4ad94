"""Graceful shutdown (docs/operations.md "Shutdown"). On SIGTERM or SIGINT ``web.run_app``
stops listening, closes idle keep-alive connections, runs ``on_shutdown``, waits for the
requests in flight up to the grace period (``shutdown_timeout``) and then runs the cleanup
context (jobs, then the store). What is ours:

* ``on_shutdown`` closes the change feeds, so every held long-poll (签名状态 and the events
  feed) answers at once with the current state instead of holding the process for 30 s;
* it pauses the scheduler, so no job run starts while the process drains;
* the cleanup waits for the job runs under way (``schedulers.running``) within what is left of
  the same grace period, then shuts the scheduler down. A run still going then is cancelled at
  its next store call: each contract it changes is one compare-and-set, so every contract is
  changed or not, never half; the next run (here or in another process) finishes the rest.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Iterable

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from backend.status_poll import ChangeFeed
from schedulers.running import RunningJobs

log = logging.getLogger("wangqian")


class Draining:
    """When this process began to stop, how much of the grace period is left, and the
    schedulers to pause then."""

    def __init__(self, grace_seconds: float) -> None:
        self.grace_seconds = grace_seconds
        self.since: float | None = None
        self.schedulers: list[AsyncIOScheduler] = []

    def begin(self) -> None:
        if self.since is None:
            self.since = time.monotonic()
        for scheduler in self.schedulers:
            if scheduler.running:
                scheduler.pause()  # no run starts now; the ones under way go on

    def left(self) -> float:
        if self.since is None:
            return self.grace_seconds
        return max(0.0, self.grace_seconds - (time.monotonic() - self.since))


def drain_on_shutdown(
    app: web.Application, grace_seconds: float, feeds: Iterable[ChangeFeed]
) -> Draining:
    """Answer held long-polls and pause the jobs as soon as the process begins to stop."""
    draining = Draining(grace_seconds)
    held = list(feeds)

    async def on_shutdown(app: web.Application) -> None:
        log.info("stopping: answering long-polls, finishing requests (grace %ss)", grace_seconds)
        draining.begin()
        for feed in held:
            feed.close()

    app.on_shutdown.append(on_shutdown)
    return draining


async def stop_scheduler(
    scheduler: AsyncIOScheduler, running: RunningJobs, draining: Draining
) -> None:
    """Shut the scheduler down once its runs under way ended (or the grace period did)."""
    draining.begin()
    if not await running.wait(draining.left()):
        log.warning(
            "a job run did not end within the grace period: cancelled at its next store call "
            "(each contract is changed or not; the next run finishes the rest)"
        )
    scheduler.shutdown(wait=False)


def keep_draining_on_second_signal(app: web.Application) -> None:
    """Under ``web.run_app``: a second SIGTERM or SIGINT while draining would raise again and
    cancel the drain (requests, the job run) half-way; log it instead. SIGKILL still ends the
    process at once. (``run_app`` removes these handlers when its cleanup ends.)"""

    async def on_shutdown(app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, log.warning, "already stopping: signal %s ignored", sig)

    app.on_shutdown.insert(0, on_shutdown)


async def until_signalled() -> None:
    """For ``wangqian scheduler``: return at the first SIGTERM or SIGINT; later ones are logged
    and ignored, so that they do not cut the drain short."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def first() -> None:
        if stop.is_set():
            log.warning("already stopping: signal ignored")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, first)
    await stop.wait()
