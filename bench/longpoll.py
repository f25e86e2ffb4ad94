"""Part 1b, the long-poll: W agents hold ``?wait=S&version=N`` on one order, one change wakes
them (bench.longpoll_load, in its own process), against the service and against the floor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.config import Budget
from bench.load import LOAD_CPU
from bench.procs import PYTHON, HttpService, pinned, run_json
from bench.stats import ratio

if TYPE_CHECKING:
    from bench.poll import PollTarget


def measure_longpolls(
    store: str,
    service: HttpService,
    floor: HttpService,
    target: PollTarget,
    budget: Budget,
    log: Path,
    db_pid: int | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for waiters in budget.longpoll_waiters:
        out: dict[str, Any] = {}
        for who, proc in (("floor", floor), ("service", service)):
            argv = [
                *pinned(LOAD_CPU),
                PYTHON,
                "-m",
                "bench.longpoll_load",
                "--base-url",
                proc.base_url,
                "--order-id",
                target.order_id,
                "--token",
                target.token,
                "--trigger",
                who,
                "--waiters",
                str(waiters),
                "--rounds",
                str(budget.longpoll_rounds),
                "--hold",
                str(budget.longpoll_hold),
                "--server-pid",
                str(proc.pid),
            ]
            if db_pid is not None and who == "service":
                argv += ["--db-pid", str(db_pid)]
            timeout = budget.longpoll_rounds * (budget.longpoll_hold + 30) + 30
            out[who] = run_json(argv, timeout, log)
        rows.append(
            {
                "part": "longpoll",
                "store": store,
                "waiters": waiters,
                **out,
                "ratio": ratio(out["service"]["wake_p99_ms"], out["floor"]["wake_p99_ms"]),
            }
        )
    return rows
