"""A closed-loop HTTP load generator in its own process, for machines without wrk:
``python -m bench.loadgen URL --connections C --seconds S [--header 'K: V']…``.
Prints one JSON line: requests/s, p50 and p99 latency, and how many answers were not 2xx/3xx."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from aiohttp import ClientSession, TCPConnector

from bench.stats import percentile


async def run(
    url: str, connections: int, seconds: float, headers: dict[str, str]
) -> dict[str, Any]:
    latencies: list[float] = []
    bad = 0
    async with ClientSession(connector=TCPConnector(limit=connections)) as session:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal bad
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.get(url, headers=headers) as resp:
                    await resp.read()
                    bad += resp.status >= 400
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return {
        "tool": "aiohttp-client",
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "bad": bad,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen")
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    print(json.dumps(asyncio.run(run(args.url, args.connections, args.seconds, headers))))


if __name__ == "__main__":
    main()
