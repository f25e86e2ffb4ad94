"""The run's record: the machine, a JSON file under bench/results/, and the tables printed."""

from __future__ import annotations

import json
import math
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.evidence import table as evidence_table
from bench.load import have_wrk
from bench.procs import REPO, cpu_count

RESULTS = Path(__file__).resolve().parent / "results"
_STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress, on stderr, with the time since the run began."""
    print(f"[{time.monotonic() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _wrk_version() -> str | None:
    if not have_wrk():
        return None
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).split(" Copyright")[0].strip()


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "sqlite": sqlite3.sqlite_version,
        "load_generator": _wrk_version() or "bench.loadgen (aiohttp client)",
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain")),
    }


def write_json(record: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.now().strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2, allow_nan=True))
    return path


# -- tables ---------------------------------------------------------------------------------


def _num(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    line = "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))
    out = [f"\n{title}", line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def poll_table(rows: list[dict[str, Any]]) -> str:
    body = []
    for r in rows:
        s, f = r["service"], r["floor"]
        target = _mark(r["ratio"] >= 0.5) if r["store"] == "sqlite" else ""
        body.append(
            [
                r["store"],
                r["variant"],
                str(r["concurrency"]),
                _num(s["rps"]),
                _num(s["p50_ms"], 2),
                _num(s["p99_ms"], 2),
                _num(f["rps"]),
                _num(f["p50_ms"], 2),
                _num(f["p99_ms"], 2),
                _num(r["ratio"], 2),
                target,
                _num(s.get("cpu_us_per_request"), 0),
                _num(s.get("db_cpu_us_per_request") or None, 0),
                _num(f.get("cpu_us_per_request"), 0),
                _num((r.get("floor_with_reads") or {}).get("rps")),
                _num(r.get("ratio_to_floor_with_reads"), 2),
            ]
        )
    header = ["store", "answer", "conc", "req/s", "p50 ms", "p99 ms"]
    header += ["floor req/s", "p50 ms", "p99 ms", "ratio", "≥0.5 (sqlite)"]
    header += ["CPU µs/req", "db CPU µs/req", "floor CPU µs/req", "floor+reads req/s", "ratio"]
    return table(
        "1. Status poll GET /api/v1/signing-orders/{oid} vs bare aiohttp floor", header, body
    )


def longpoll_table(rows: list[dict[str, Any]]) -> str:
    body = [
        [
            r["store"],
            str(r["waiters"]),
            _num(r["service"]["wake_p50_ms"], 1),
            _num(r["service"]["wake_p99_ms"], 1),
            _num(r["floor"]["wake_p50_ms"], 1),
            _num(r["floor"]["wake_p99_ms"], 1),
            _num(r["ratio"], 1),
            _num(r["service"]["hold_cpu_pct"], 1),
            _num(r["service"].get("hold_db_cpu_pct") or None, 1),
            _num(r["floor"]["hold_cpu_pct"], 1),
        ]
        for r in rows
    ]
    header = ["store", "waiters", "wake p50 ms", "p99 ms", "floor p50", "floor p99"]
    header += ["p99 ×floor", "CPU% held", "db CPU% held", "floor CPU%"]
    return table(
        "1b. Long-poll ?wait=20&version=N: wake-up after one change, CPU while held", header, body
    )


def handshake_table(rows: list[dict[str, Any]]) -> str:
    body = []
    for r in rows:
        s, per = r["service"], r["service"]["per_handshake"]
        body.append(
            [
                r["store"],
                str(r["k"]),
                str(r["count"]),
                _num(s["handshakes_per_s"], 2),
                _num(r["floor"]["handshakes_per_s"], 1),
                _num(r["ratio"], 3),
                _num(per["cpu_ms"], 0),
                _num(per.get("db_cpu_ms") or None, 0),
                _num(per["cas_writes"], 1),
                _num(per["cas_conflicts"], 2),
                _num(per["qr_encodes"], 1),
                _num(per["qr_encode_cpu_ms"], 0),
                _num(per.get("client_409s"), 2),
                _num(per.get("client_503s"), 2),
            ]
        )
    header = ["store", "K", "n", "hs/s", "floor hs/s", "ratio", "srv CPU ms/hs", "db CPU ms/hs"]
    header += ["CAS/hs", "lost CAS/hs", "QR enc/hs", "QR CPU ms/hs", "409s/hs", "503s/hs"]
    return table("2. Whole handshakes (4 parties each), K in flight", header, body)


def step_table(rows: list[dict[str, Any]]) -> str:
    columns = [(r["store"], r["k"], r["service"]["steps"]) for r in rows]
    steps: list[str] = []
    for _, _, st in columns:
        steps += [s for s in st if s not in steps]
    header = ["step p99 ms", *(f"{store[:6]} K={k}" for store, k, _ in columns)]
    body = [[s, *(_num(st.get(s, {}).get("p99_ms"), 1) for _, _, st in columns)] for s in steps]
    return table("2b. Handshake steps, p99 latency (ms)", header, body)


def profile_table(row: dict[str, Any]) -> str:
    summary = row["summary"]
    busy = summary["busy_s"]
    what = (
        f"1c. Server profile of the 200 poll, {row['store']}, {row['k']} connections"
        if row["part"] == "poll_profile"
        else f"2c. Server profile of the handshakes, {row['store']}, K={row['k']}"
    )
    lines = [
        f"\n{what} "
        f"({_num(summary['duration_s'], 1)} s sampled, {_num(busy, 1)} s busy on the event loop)"
    ]
    for a in summary["areas"][:10]:
        share = a["share_of_busy"]
        lines.append(
            f"  {a['seconds']:7.2f} s  {'' if share is None else f'{share:6.1%}'}  {a['area']}"
        )
    lines.append("  inclusive, application functions:")
    for f in summary["functions"]:
        lines.append(f"  {f['seconds']:7.2f} s  {f['share_of_busy']:6.1%}  {f['function']}")
    return "\n".join(lines)


def sweep_table(rows: list[dict[str, Any]]) -> str:
    body = [
        [
            r["store"],
            r["job"],
            f"{r['n']:,}",
            f"{r['due']:,}",
            _num(r["job_s"], 2),
            _num(r["raw_s"], 2),
            _num(r["ratio"], 1),
            _mark(r["ratio"] <= 3),
            "yes" if r["ok"] else f"NO ({r['job_changed']}/{r['raw_changed']})",
        ]
        for r in rows
    ]
    header = ["store", "job", "N", "due", "job s", "raw s", "ratio", "≤3×", "same result"]
    return table("3. Sweeps vs one raw bulk statement on an identical copy", header, body)


def codec_table(row: dict[str, Any]) -> str:
    body = [
        [
            status,
            f"{row[status]['bytes']:,}",
            _num(row[status]["loads_us"], 1),
            _num(row[status]["whole_round_trip_us"], 1),
            _num(row[status]["sweep_round_trip_us"], 1),
            _num(row[status]["dumps_us"], 1),
        ]
        for status in ("draft", "signing")
    ]
    header = [
        "contract",
        "bytes",
        "orjson.loads µs",
        "from_doc+to_doc µs",
        "as the sweeps µs",
        "orjson.dumps µs",
    ]
    return table("3b. Per-contract codec cost (in-process)", header, body)


def events_table(rows: list[dict[str, Any]]) -> str:
    header = ["store", "contracts", "events moved", "moved/s", "changes", "arrived"]
    header += ["p50 ms", "p99 ms", "max ms", "p99 < 2 s"]
    body = [
        [
            r["store"],
            _num(r["contracts"]),
            _num(r["events"]),
            _num(r["per_second"]),
            _num(r["changes"]),
            _num(r["arrived"]),
            _num(r["p50_ms"], 1),
            _num(r["p99_ms"], 1),
            _num(r["max_ms"], 1),
            _mark(r["p99_ms"] < 2000 and r["arrived"] == r["changes"]),
        ]
        for r in rows
    ]
    return table("4. Events: outbox → feed (one run), change → webhook receiver", header, body)


def workers_table(rows: list[dict[str, Any]]) -> str:
    body = [
        [
            r["store"],
            str(r["workers"]),
            str(r["concurrency"]),
            _num(r["service"]["rps"]),
            _num(r["service"]["p99_ms"], 2),
            _num(r["floor"]["rps"]),
            _num(r["floor"]["p99_ms"], 2),
            _num(r["ratio"], 2),
            _num(r.get("service_scaling"), 2),
            _num(r.get("floor_scaling"), 2),
        ]
        for r in rows
    ]
    header = ["store", "workers", "conc", "req/s", "p99 ms", "floor req/s", "p99 ms", "ratio"]
    header += ["scaling", "floor scaling"]
    return table("5. Status poll (200) with serve --workers N vs N floor processes", header, body)


def pdf_table(rows: list[dict[str, Any]]) -> str:
    body = [
        [
            "contract (4 parties)",
            f"{r['contract_bytes']:,}",
            str(r["contract_pages"]),
            _num(r["contract_cpu_ms"], 0),
            _num(r["contract_wall_ms"], 0),
            "",
        ]
        for r in rows
    ] + [
        [
            "completion certificate",
            f"{r['certificate_bytes']:,}",
            "1",
            _num(r["certificate_cpu_ms"], 0),
            _num(r["certificate_wall_ms"], 0),
            f"{r['unsigned_bytes']:,} of {r['target_bytes']:,} "
            f"({_mark(r['unsigned_bytes'] <= r['target_bytes'])}, before signatures)",
        ]
        for r in rows
    ]
    header = ["PDF", "bytes", "pages", "CPU ms", "wall ms", "both ≤ 300 KB"]
    return table("5. The contract PDF and its completion certificate (median render)", header, body)


def render(record: dict[str, Any]) -> str:
    rows = record["rows"]
    by = {part: [r for r in rows if r["part"] == part] for part in {r["part"] for r in rows}}
    m = record["machine"]
    out = [
        f"wangqian bench — {m['date']}, {m['nproc']} × {m['cpu_model']}, Python {m['python']}, "
        f"load: {m['load_generator']}, {'quick' if record['quick'] else 'full'} run"
    ]
    if by.get("poll"):
        out.append(poll_table(by["poll"]))
    if by.get("longpoll"):
        out.append(longpoll_table(by["longpoll"]))
    out += [profile_table(r) for r in by.get("poll_profile", [])]
    if by.get("handshake"):
        out.append(handshake_table(by["handshake"]))
        out.append(step_table(by["handshake"]))
    out += [profile_table(r) for r in by.get("handshake_profile", [])]
    if by.get("sweep"):
        out.append(sweep_table(by["sweep"]))
    out += [codec_table(r) for r in by.get("codec", [])]
    if by.get("events"):
        out.append(events_table(by["events"]))
    if by.get("workers"):
        out.append(workers_table(by["workers"]))
    if by.get("pdf"):
        out.append(pdf_table(by["pdf"]))
    out += [evidence_table(r) for r in by.get("evidence", [])]
    for e in record["errors"]:
        out.append(f"\nERROR in {e['part']} on {e['store']}: {e['error']}")
    return "\n".join(out)
