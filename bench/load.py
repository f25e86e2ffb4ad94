"""Closed-loop GET load from a separate process: wrk when installed, else bench.loadgen."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.procs import PYTHON, REPO, base_env, pinned, run_json

LOAD_CPU = 1  # the service and the floor run on CPU 0

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class LoadResult:
    tool: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int  # answers that were not 2xx/3xx, and socket errors

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse_wrk(output: str) -> LoadResult:
    def latency(pct: str) -> float:
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if m is None:
            raise ValueError(f"no {pct}% line in wrk output:\n{output}")
        return _ms(m.group(1), m.group(2))

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if rps is None or total is None:
        raise ValueError(f"unexpected wrk output:\n{output}")
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return LoadResult(
        "wrk", int(total.group(1)), float(rps.group(1)), latency("50"), latency("99"), bad
    )


def run_load(
    url: str, connections: int, seconds: int, headers: dict[str, str], log: Path
) -> LoadResult:
    if have_wrk():
        argv = [*pinned(LOAD_CPU), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
        for name, value in headers.items():
            argv += ["-H", f"{name}: {value}"]
        done = subprocess.run(
            [*argv, url],
            cwd=REPO,
            env=base_env(),
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=False,
        )
        with log.open("a") as f:
            f.write(done.stdout + done.stderr)
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
        return parse_wrk(done.stdout)
    argv = [
        *pinned(LOAD_CPU),
        PYTHON,
        "-m",
        "bench.loadgen",
        url,
        "--connections",
        str(connections),
        "--seconds",
        str(seconds),
    ]
    for name, value in headers.items():
        argv += ["--header", f"{name}: {value}"]
    raw = run_json(argv, seconds + 60, log)
    return LoadResult(**raw)
