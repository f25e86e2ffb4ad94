"""What a stopping process waits for: the job runs under way, a pump's run, held long-polls."""

from __future__ import annotations

import asyncio
import time

from backend.shutdown import Draining
from backend.status_poll import ChangeFeed
from schedulers.pump import Pump
from schedulers.running import RunningJobs


async def test_a_job_run_under_way_is_waited_for_not_cancelled() -> None:
    running = RunningJobs()
    finished = []

    @running.track
    async def job() -> None:
        await asyncio.sleep(0.2)
        finished.append(True)

    task = asyncio.create_task(job())
    await asyncio.sleep(0)
    assert running.under_way == 1
    assert await running.wait(5)
    assert finished == [True] and task.done() and running.under_way == 0


async def test_waiting_for_job_runs_ends_with_the_grace_period() -> None:
    running = RunningJobs()
    task = asyncio.create_task(running.track(asyncio.sleep)(10))
    started = time.monotonic()
    assert not await running.wait(0.1)
    assert time.monotonic() - started < 1
    task.cancel()


async def test_a_stopping_pump_lets_its_run_end() -> None:
    ran: list[str] = []

    async def job() -> None:
        ran.append("start")
        await asyncio.sleep(0.2)
        ran.append("end")

    pump = Pump("test", job, interval=60)
    async with pump.running():
        await asyncio.sleep(0.05)  # the first run (at start) is under way
    assert ran == ["start", "end"]


async def test_a_closed_feed_wakes_its_waiters_and_holds_nobody_again() -> None:
    feed = ChangeFeed()
    waiter = asyncio.create_task(feed.wait("c1", 30))
    await asyncio.sleep(0)
    feed.close()
    await asyncio.wait_for(waiter, 1)
    started = time.monotonic()
    await feed.wait("c2", 30)
    assert time.monotonic() - started < 0.1


async def test_a_stopping_pump_waits_no_longer_than_the_grace_period_has_left() -> None:
    ran: list[str] = []

    async def job() -> None:
        ran.append("start")
        await asyncio.sleep(5)
        ran.append("end")

    draining = Draining(grace_seconds=0.3)
    draining.begin()
    first, second = Pump("first", job, interval=60), Pump("second", job, interval=60)
    started = time.monotonic()
    async with first.running(draining.left), second.running(draining.left):
        await asyncio.sleep(0.05)  # both first runs are under way
    # one after the other, on one clock: 0.3 s in all, not up to 10 s each
    assert time.monotonic() - started < 1
    assert ran == ["start", "start"]  # cancelled at the end of the grace period
