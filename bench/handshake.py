"""Part 2, whole handshakes: contract → order → QR for every party → each party's mini-program
steps (all parties at once) → the agent files; K handshakes in flight. Beside each run, the floor:
the same HTTP conversation replayed against canned answers. One more run at the largest K is
profiled (pyinstrument, event-loop thread) and summarised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import profiles
from bench.config import Budget
from bench.load import LOAD_CPU
from bench.poll import POLL_PROPERTY
from bench.procs import PYTHON, HttpService, pinned, run_json
from bench.services import start_floor, start_service
from bench.stats import ratio


def _load(base_url: str, k: int, seconds: float, log: Path, *extra: str) -> dict[str, Any]:
    argv = [
        *pinned(LOAD_CPU),
        PYTHON,
        "-m",
        "bench.handshake_load",
        "--base-url",
        base_url,
        "--k",
        str(k),
        "--seconds",
        str(seconds),
        *extra,
    ]
    return dict(run_json(argv, timeout=600, log_path=log))


def _per_handshake(result: dict[str, Any]) -> dict[str, float]:
    server, count = result["server"], max(result["count"], 1)
    retried = result.get("client_conflicts", {})
    return {
        "cpu_ms": server.get("cpu_s", 0.0) * 1000 / count,
        "db_cpu_ms": server.get("db_cpu_s", 0.0) * 1000 / count,
        "client_409s": sum(n for k, n in retried.items() if k.endswith(" 409")) / count,
        "client_503s": sum(n for k, n in retried.items() if k.endswith(" 503")) / count,
        "cas_writes": server.get("cas_writes", 0.0) / count,
        "cas_conflicts": server.get("cas_conflicts", 0.0) / count,
        "qr_encodes": server.get("qr_encodes", 0.0) / count,
        "qr_encode_cpu_ms": server.get("qr_encode_cpu_s", 0.0) * 1000 / count,
    }


def measure_service(
    store: str,
    service: HttpService,
    workdir: Path,
    budget: Budget,
    ks: tuple[int, ...],
    db_pid: int | None,
) -> tuple[list[dict[str, Any]], Path, dict[str, Any]]:
    log = workdir / f"handshake-{store}.log"
    pids = ["--server-pid", str(service.pid)]
    if db_pid is not None:
        pids += ["--db-pid", str(db_pid)]
    script = workdir / f"handshake-{store}.script.json"
    next_property = POLL_PROPERTY + 1

    def load(k: int, *extra: str) -> dict[str, Any]:
        nonlocal next_property
        properties = ["--first-property", str(next_property)]
        properties += ["--last-property", str(budget.properties)]
        result = _load(service.base_url, k, budget.handshake_seconds, log, *properties, *extra)
        next_property = result["next_property"]
        result["per_handshake"] = _per_handshake(result)
        return result

    runs = []
    for i, k in enumerate(ks):
        capture = ["--capture", str(script)] if i == 0 else []
        runs.append(load(k, "--warmup", "1", "--stats", *pids, *capture))
    k = max(ks)
    session = workdir / f"handshake-{store}.pyisession"
    profiled = load(k, "--stats", *pids, "--profile", str(session))
    profile = {"k": k, "run": profiled, "summary": profiles.summarize(session)}
    return runs, script, profile


def measure_floor(
    script: Path, workdir: Path, budget: Budget, ks: tuple[int, ...], store: str
) -> list[dict[str, Any]]:
    answers = json.loads(script.read_text())["answers"]
    floor = start_floor({"replay": answers}, workdir, f"floor-handshake-{store}")
    log = workdir / f"handshake-floor-{store}.log"
    try:
        return [
            _load(
                floor.base_url,
                k,
                budget.handshake_seconds,
                log,
                "--mode",
                "replay",
                "--script",
                str(script),
                "--warmup",
                "1",
                "--server-pid",
                str(floor.pid),
            )
            for k in ks
        ]
    finally:
        floor.stop()


def run(
    store: str,
    store_url: str,
    workdir: Path,
    budget: Budget,
    ks: tuple[int, ...],
    db_pid: int | None = None,
) -> list[dict[str, Any]]:
    service = start_service(store_url, workdir, f"service-handshake-{store}", instrumented=True)
    try:
        runs, script, profile = measure_service(store, service, workdir, budget, ks, db_pid)
    finally:
        service.stop()
    floors = measure_floor(script, workdir, budget, ks, store)
    rows: list[dict[str, Any]] = []
    for real, floor in zip(runs, floors, strict=True):
        rows.append(
            {
                "part": "handshake",
                "store": store,
                "k": real["k"],
                "count": real["count"],
                "service": real,
                "floor": floor,
                "ratio": ratio(real["handshakes_per_s"], floor["handshakes_per_s"]),
            }
        )
    rows.append({"part": "handshake_profile", "store": store, **profile})
    return rows
