"""APScheduler 3.11 wiring: when each job runs. The jobs themselves are in ``jobs.py``.

Day-of-week fields use names: APScheduler 3 counts 0 as Monday, cron counts 0 as Sunday.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from schedulers.jobs import JobReport, expire_orders, purge_stale_contracts
from schedulers.observe import JobObserver, observed
from schedulers.running import RunningJobs
from schedulers.supervision import check_fund_supervision
from signing_flow.deadlines import CITY_TZ
from signing_flow.ports import Clock, ContractSweeps, Ports

JOB_DEFAULTS = {
    "coalesce": True,  # a backlog of missed runs collapses into one
    "max_instances": 1,  # never two runs of one job in one process
    "misfire_grace_time": 300,
}


def build_scheduler(
    sweeps: ContractSweeps,
    clock: Clock,
    *,
    expiry_interval_seconds: float = 30,
    running: RunningJobs | None = None,
    observer: JobObserver | None = None,
) -> AsyncIOScheduler:
    """The jobs on their timers; with ``running``, each run is known there while it runs (so a
    stopping service can wait for it: ``schedulers.running``)."""
    scheduler = AsyncIOScheduler(timezone=CITY_TZ, job_defaults=JOB_DEFAULTS)
    args = [sweeps, clock]
    expire = _wrapped("expire_orders", expire_orders, running, observer)
    purge = _wrapped("purge_stale_contracts", purge_stale_contracts, running, observer)
    scheduler.add_job(
        expire,
        "interval",
        seconds=expiry_interval_seconds,
        args=args,
        id="expire_orders",
        next_run_time=datetime.now(CITY_TZ),
    )
    # Deadlines fall at 00:00 Zhongshan time; run just after.
    scheduler.add_job(
        purge,
        CronTrigger(day_of_week="mon-sun", hour=0, minute=0, second=30, timezone=CITY_TZ),
        args=args,
        id="purge_daily",
    )
    # A catch-up run at start (a process that was down at midnight) and an hourly safety net.
    scheduler.add_job(
        purge,
        "interval",
        hours=1,
        args=args,
        id="purge_hourly",
        next_run_time=datetime.now(CITY_TZ),
    )
    return scheduler


def _wrapped(
    name: str,
    job: Callable[..., Awaitable[JobReport]],
    running: RunningJobs | None,
    observer: JobObserver | None,
) -> Callable[..., Awaitable[JobReport]]:
    """``job`` counted by the metrics, and known while it runs to a stopping service."""
    job = observed(name, job, observer)
    return running.track(job) if running is not None else job


def add_supervision_job(
    scheduler: AsyncIOScheduler,
    ports: Ports,
    *,
    interval_seconds: float,
    query_after_seconds: float,
    running: RunningJobs | None = None,
    observer: JobObserver | None = None,
) -> None:
    """The bank status job (``schedulers.supervision``): a lost callback, a bank that was down."""
    scheduler.add_job(
        _wrapped("check_fund_supervision", check_fund_supervision, running, observer),
        "interval",
        seconds=interval_seconds,
        args=[ports],
        kwargs={"query_after": timedelta(seconds=query_after_seconds)},
        id="check_fund_supervision",
    )
