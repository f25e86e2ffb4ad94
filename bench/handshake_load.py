"""The handshake load generator, in its own process: K handshakes in flight for a while, against
the service (``--mode real``) or the floor replaying a recorded one (``--mode replay``).
Prints one JSON line: handshakes/s, each step's latency, the answers it had to retry."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, TCPConnector

from bench.client import Http, Recorder, Request
from bench.flows import handshake, login
from bench.procs import process_cpu_seconds
from bench.stats import percentile

DRAIN_SECONDS = 60.0


def script_of(recorder: Recorder) -> dict[str, Any]:
    """A captured handshake as phases: the agent's opening, the parties' lanes, the finish."""
    lanes = {name: [r.to_json() for r in reqs] for name, reqs in recorder.lanes.items()}
    return {
        "prelude": lanes.pop("agent", []),
        "finish": lanes.pop("finish", []),
        "parallel": lanes,
        "answers": {step: canned.to_json() for step, canned in recorder.answers.items()},
    }


def replayer(http: Http, script: dict[str, Any]) -> Callable[[int], Awaitable[None]]:
    prelude = [Request.of(r) for r in script["prelude"]]
    finish = [Request.of(r) for r in script["finish"]]
    parallel = [[Request.of(r) for r in lane] for lane in script["parallel"].values()]

    async def run_lane(requests: list[Request]) -> None:
        for request in requests:
            await http.replay(request)

    async def one(_: int) -> None:
        await run_lane(prelude)
        await asyncio.gather(*(run_lane(lane) for lane in parallel))
        await run_lane(finish)

    return one


def real(http: Http, agent: str) -> Callable[[int], Awaitable[None]]:
    async def one(index: int) -> None:
        await handshake(http, agent, index)

    return one


async def run_workers(
    k: int, jobs: Iterator[int], one: Callable[[int], Awaitable[None]], seconds: float
) -> int:
    """K workers start handshakes until ``seconds`` have passed (or the properties run out),
    then finish the ones in flight — for at most ``DRAIN_SECONDS`` more, after which the
    unfinished ones are abandoned. Returns how many were done."""
    deadline = time.perf_counter() + seconds
    done = 0

    async def worker() -> None:
        nonlocal done
        for index in jobs:  # a shared iterator: each worker takes the next property
            if time.perf_counter() >= deadline:
                return
            await one(index)
            done += 1

    try:
        async with asyncio.timeout(seconds + DRAIN_SECONDS):
            await asyncio.gather(*(worker() for _ in range(k)))
    except TimeoutError:
        print(f"abandoned the handshakes still running after {DRAIN_SECONDS}s", file=sys.stderr)
    return done


async def server_counters(http: Http, args: argparse.Namespace) -> dict[str, float]:
    """The instrumented service's counters and the CPU it used so far (empty for the floor)."""
    counters: dict[str, float] = {}
    if args.server_pid:
        counters["cpu_s"] = process_cpu_seconds(args.server_pid)
    if args.db_pid:
        counters["db_cpu_s"] = process_cpu_seconds(args.db_pid)
    if args.stats:
        counters.update(await http.call("stats", "GET", "/__bench/stats"))
        http.recorder.timings.pop("stats", None)
    return counters


async def main_async(
    args: argparse.Namespace, script: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The run's result, and the handshake captured first when asked to."""
    recorder = Recorder()
    captured = None
    async with ClientSession(connector=TCPConnector(limit=0)) as session:
        http = Http(session, args.base_url, recorder)
        one: Callable[[int], Awaitable[None]]
        if args.mode == "replay":
            assert script is not None
            one = replayer(http, script)
            first = 0
            for i in range(args.warmup):
                await one(i)
        else:
            agent = await login(http)
            one = real(http, agent)
            first = args.first_property
            if args.capture:
                capture = Recorder(capture=True)
                await handshake(Http(session, args.base_url, capture), agent, first)
                captured = script_of(capture)
                first += 1
            for _ in range(args.warmup):
                await one(first)
                first += 1
        recorder.timings.clear()
        recorder.conflicts.clear()
        jobs = iter(range(first, args.last_property if args.mode == "real" else 10**9))
        before = await server_counters(http, args)
        if args.profile:
            await http.call("profile", "POST", "/__bench/profile/start")
        started = time.perf_counter()
        count = await run_workers(args.k, jobs, one, args.seconds)
        elapsed = time.perf_counter() - started
        if args.profile:
            await http.call(
                "profile", "POST", "/__bench/profile/stop", json_body={"path": args.profile}
            )
        after = await server_counters(http, args)
        recorder.timings.pop("profile", None)
    steps = {
        step: {
            "n": len(samples),
            "p50_ms": percentile(samples, 50) * 1000,
            "p99_ms": percentile(samples, 99) * 1000,
        }
        for step, samples in recorder.timings.items()
    }
    result = {
        "mode": args.mode,
        "k": args.k,
        "count": count,
        "elapsed_s": elapsed,
        "handshakes_per_s": count / elapsed,
        "steps": steps,
        "client_conflicts": dict(recorder.conflicts),
        "next_property": next(jobs, args.last_property),
        "server": {k: after[k] - before[k] for k in after},
    }
    return result, captured


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.handshake_load")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--mode", choices=("real", "replay"), default="real")
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True, help="start handshakes this long")
    parser.add_argument("--first-property", type=int, default=0)
    parser.add_argument("--last-property", type=int, default=0, help="real mode: seeded up to here")
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--capture", help="real mode: record one handshake here first")
    parser.add_argument("--script", help="replay mode: the recorded handshake")
    parser.add_argument("--server-pid", type=int, help="report the CPU the server used")
    parser.add_argument("--db-pid", type=int, help="report the CPU the database server used")
    parser.add_argument("--stats", action="store_true", help="read /__bench/stats before and after")
    parser.add_argument(
        "--profile", help="profile the server during the run, save the session here"
    )
    args = parser.parse_args()
    script = json.loads(Path(args.script).read_text()) if args.script else None
    result, captured = asyncio.run(main_async(args, script))
    if args.capture and captured is not None:
        Path(args.capture).write_text(json.dumps(captured))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
