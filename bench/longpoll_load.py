"""The long-poll load generator, in its own process: W agents hold
``GET /api/v1/signing-orders/{oid}?wait=S&version=N`` on one order; after a hold, one change
moves the version and every waiter must answer. Measures the service's CPU while the waiters are
held (the service re-reads the store for each of them every 0.5 s) and each waiter's wake-up
latency from the start of the change. The change is a party scanning a fresh QR code (service)
or ``POST /floor/bump`` (floor). Prints one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from aiohttp import ClientSession, TCPConnector

from bench.client import Http, Recorder
from bench.flows import scan, show_qr
from bench.procs import process_cpu_seconds
from bench.stats import median, percentile

WAIT_SECONDS = 20
WARM_SECONDS = 0.5  # waiters are all in by then; CPU is counted from here to the end of the hold


async def one_round(http: Http, args: argparse.Namespace) -> tuple[list[float], float, float]:
    """One change under W held waiters: their wake-up latencies, and the CPU shares of the
    service and of the database server while they were held."""
    path = f"/api/v1/signing-orders/{args.order_id}"
    service = args.trigger == "service"
    qr_token = ""
    if service:  # issue the QR code before anyone waits: only the scan moves the version
        qr_token = await show_qr(http, args.token, args.order_id, args.party, args.party)
        seen = (await http.call("status", "GET", path, token=args.token))["version"]
    else:  # the floor's body is canned: its version lives apart
        seen = (await http.call("version", "GET", "/floor/version"))["version"]

    async def waiter() -> float:
        body = await http.call(
            "wait", "GET", f"{path}?wait={WAIT_SECONDS}&version={seen}", token=args.token
        )
        done = time.perf_counter()
        if service and body["version"] <= seen:
            raise RuntimeError(f"a waiter came back without a change: {body['version']} <= {seen}")
        return done

    waiters = [asyncio.create_task(waiter()) for _ in range(args.waiters)]
    await asyncio.sleep(WARM_SECONDS)
    cpu_before = process_cpu_seconds(args.server_pid)
    db_before = process_cpu_seconds(args.db_pid) if args.db_pid else 0.0
    await asyncio.sleep(args.hold - WARM_SECONDS)
    cpu_held = process_cpu_seconds(args.server_pid) - cpu_before
    db_held = process_cpu_seconds(args.db_pid) - db_before if args.db_pid else 0.0
    if any(w.done() for w in waiters):
        await asyncio.gather(*waiters)  # surfaces the error
        raise RuntimeError("a waiter answered before the change")
    started = time.perf_counter()
    if service:
        await scan(http, qr_token, args.party)
    else:
        await http.call("bump", "POST", "/floor/bump")
    woke = await asyncio.gather(*waiters)
    held = args.hold - WARM_SECONDS
    return [t - started for t in woke], cpu_held / held, db_held / held


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    latencies: list[float] = []
    cpu: list[float] = []
    db_cpu: list[float] = []
    async with ClientSession(connector=TCPConnector(limit=0)) as session:
        http = Http(session, args.base_url, Recorder())
        for _ in range(args.rounds):
            woke, held, db_held = await one_round(http, args)
            latencies += woke
            cpu.append(held)
            db_cpu.append(db_held)
    return {
        "waiters": args.waiters,
        "rounds": args.rounds,
        "wake_p50_ms": percentile(latencies, 50) * 1000,
        "wake_p99_ms": percentile(latencies, 99) * 1000,
        "hold_cpu_pct": median(cpu) * 100,
        "hold_db_cpu_pct": median(db_cpu) * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.longpoll_load")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--order-id", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--trigger", choices=("service", "floor"), required=True)
    parser.add_argument("--party", default="b2", help="service: the party whose scan moves it")
    parser.add_argument("--waiters", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hold", type=float, default=3.0)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--db-pid", type=int, help="the database server's pid (FerretDB)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
