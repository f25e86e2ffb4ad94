"""Part 5, several workers: the agent's status poll (the 200) against ``serve --workers N`` for
N = 1 and 2, each beside a floor of N processes on one port (``bench.floor --reuse-port``).

One worker and its floor run on CPU 0, as in part 1; two workers and two floors get every CPU
(the load generator's too: on a two-core machine they share it, and the ratio to the floor of
the same worker count is the figure to read, not the absolute requests per second)."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
from pathlib import Path
from typing import Any

from bench.config import Budget
from bench.load import run_load
from bench.poll import PollTarget, prepare
from bench.procs import HOST, PYTHON, HttpService, base_env, free_port, pinned
from bench.services import SERVER_CPU
from bench.stats import median, ratio

WORKERS = (1, 2)
CONCURRENCY = 32
WORKER_HEADER = "X-Wangqian-Worker"


def _serve(store_url: str, workdir: Path, n: int) -> HttpService:
    port = free_port()
    env = base_env(
        {
            "WANGQIAN_STORE": store_url,
            "WANGQIAN_KEY_DIR": str(workdir / "keys"),
            "WANGQIAN_SCHEDULER": "off",
            "WANGQIAN_PUBLIC_BASE_URL": f"http://{HOST}:{port}",
        }
    )
    cpu = pinned(SERVER_CPU) if n == 1 else []
    argv = [*cpu, PYTHON, "-m", "backend.cli", "serve", "--port", str(port), "--workers", str(n)]
    service = HttpService(argv, env, workdir / f"service-workers-{n}.log", port)
    _every_worker_answers(port, n)
    return service


def _every_worker_answers(port: int, n: int, timeout: float = 30) -> None:
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while n > 1 and len(seen) < n and time.monotonic() < deadline:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            resp.read()
            seen.add(resp.headers.get(WORKER_HEADER, ""))
        except OSError:
            time.sleep(0.05)
        finally:
            conn.close()
    if n > 1 and len(seen) < n:
        raise RuntimeError(f"only workers {sorted(seen)} of {n} answered")


def _floors(target: PollTarget, workdir: Path, n: int) -> list[HttpService]:
    port = free_port()
    config = workdir / f"floor-workers-{n}.json"
    config.write_text(json.dumps({"poll": target.answer.to_json(), "version": 1}))
    cpu = pinned(SERVER_CPU) if n == 1 else []
    floors = []
    for i in range(n):
        argv = [*cpu, PYTHON, "-m", "bench.floor", "--port", str(port), "--config", str(config)]
        argv += ["--reuse-port"] if n > 1 else []
        floors.append(HttpService(argv, base_env(), workdir / f"floor-workers-{n}-{i}.log", port))
    return floors


def _row(store: str, n: int, runs: dict[str, list[Any]]) -> dict[str, Any]:
    svc = {k: median([getattr(r, k) for r in runs["service"]]) for k in ("rps", "p50_ms", "p99_ms")}
    flo = {k: median([getattr(r, k) for r in runs["floor"]]) for k in ("rps", "p50_ms", "p99_ms")}
    return {
        "part": "workers",
        "store": store,
        "workers": n,
        "concurrency": CONCURRENCY,
        "service": svc,
        "floor": flo,
        "ratio": ratio(svc["rps"], flo["rps"]),
        "bad": sum(r.bad for rs in runs.values() for r in rs),
    }


def run(store: str, store_url: str, workdir: Path, budget: Budget) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    log = workdir / f"workers-{store}.log"
    target: PollTarget | None = None
    for n in WORKERS:
        service = _serve(store_url, workdir, n)
        floors: list[HttpService] = []
        try:
            target = target or asyncio.run(prepare(service.base_url, budget.properties))
            floors = _floors(target, workdir, n)
            headers = {"Authorization": f"Bearer {target.token}"}
            runs: dict[str, list[Any]] = {"service": [], "floor": []}
            for r in range(budget.poll_rounds):
                for who in ("floor", "service") if r % 2 == 0 else ("service", "floor"):
                    base = service.base_url if who == "service" else floors[0].base_url
                    url = base + target.path
                    runs[who].append(run_load(url, CONCURRENCY, budget.poll_seconds, headers, log))
            rows.append(_row(store, n, runs))
        finally:
            for floor in floors:
                floor.stop()
            service.stop()
    by = {r["workers"]: r for r in rows}
    if 1 in by and 2 in by:
        for r in rows:
            r["service_scaling"] = ratio(r["service"]["rps"], by[1]["service"]["rps"])
            r["floor_scaling"] = ratio(r["floor"]["rps"], by[1]["floor"]["rps"])
    return rows
