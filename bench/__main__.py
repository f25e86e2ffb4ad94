"""``python -m bench [--quick] [--only poll,handshake,sweep,events,pdf,evidence,workers] [--stores sqlite,mongo]``.

Runs each part on each store, prints the tables and writes bench/results/<timestamp>.json.
Exits 1 when a part could not be measured (a missed target is a result, not a failure)."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from bench import events, evidence, handshake, pdf, poll, sweep, workers
from bench.config import FULL, QUICK, Budget
from bench.fixtures import seed
from bench.report import machine, render, say, write_json
from bench.stores import STORE_NAMES, Stores
from bench.sweep_data import make_templates

PARTS = ("poll", "handshake", "sweep", "events", "pdf", "evidence", "workers")


def _names(value: str, allowed: tuple[str, ...], what: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = set(names) - set(allowed)
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{what}: choose from {', '.join(allowed)}")
    return names


def _sizes(value: str) -> dict[str, int]:
    try:
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        return {kind.strip(): int(n) for kind, n in pairs}
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            "use KIND=N,… with KIND sqlite, ferretdb or mongodb"
        ) from exc


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short runs, small N (~3 min): checks the harness"
    )
    parser.add_argument(
        "--only",
        type=lambda v: _names(v, PARTS, "--only"),
        default=list(PARTS),
        help="parts to run: poll,handshake,sweep,events,pdf,evidence,workers (default: all)",
    )
    parser.add_argument(
        "--stores",
        type=lambda v: _names(v, STORE_NAMES, "--stores"),
        default=list(STORE_NAMES),
        help="stores: sqlite,mongo (default: both)",
    )
    parser.add_argument(
        "--sweep-n",
        type=_sizes,
        default={},
        metavar="KIND=N,…",
        help="override the sweep sizes, e.g. sqlite=20000,ferretdb=200,mongodb=100000",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, data)")
    return parser.parse_args(argv)


class Run:
    def __init__(self, args: argparse.Namespace, budget: Budget, workdir: Path) -> None:
        self.args = args
        self.budget = budget
        self.workdir = workdir
        self.stores = Stores(workdir)
        self.rows: list[dict[str, Any]] = []
        self.errors: list[dict[str, str]] = []

    def attempt(self, part: str, store: str, fn: Callable[[], list[dict[str, Any]]]) -> None:
        started = time.monotonic()
        say(f"{part} on {store} …")
        try:
            result = fn()
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            self.errors.append(
                {"part": part, "store": store, "error": f"{type(exc).__name__}: {exc}"}
            )
            say(f"{part} on {store} FAILED: {exc}")
            return
        self.rows += result
        say(f"{part} on {store} done in {time.monotonic() - started:.0f}s")

    def ks(self, store: str) -> tuple[int, ...]:
        return self.budget.ks_for(self.stores.mongo_kind if store == "mongo" else store)

    def db_pid(self, store: str) -> int | None:
        return self.stores.ferretdb_pid() if store == "mongo" else None

    def service_parts(self, store: str) -> None:
        url = self.stores.url(store, "service")
        # one more than the handshakes use: the workers part polls an order on the last one
        asyncio.run(seed(url, self.budget.properties + 1))
        if "poll" in self.args.only:
            self.attempt(
                "poll",
                store,
                lambda: poll.run(store, url, self.workdir, self.budget, self.db_pid(store)),
            )
        if "workers" in self.args.only:
            self.attempt(
                "workers", store, lambda: workers.run(store, url, self.workdir, self.budget)
            )
        if "handshake" in self.args.only:
            self.attempt(
                "handshake",
                store,
                lambda: handshake.run(
                    store, url, self.workdir, self.budget, self.ks(store), self.db_pid(store)
                ),
            )

    def sweeps(self, store: str) -> None:
        templates = asyncio.run(make_templates())
        if store == "sqlite":
            n = self.budget.sweep_n["sqlite"]

            async def run_sqlite() -> list[dict[str, Any]]:
                rows = [sweep.codec_costs(templates)]
                for s in sweep.SWEEPS:
                    rows.append(await sweep.sqlite_sweep(s, templates, n, self.workdir))
                return rows

            self.attempt("sweep", store, lambda: asyncio.run(run_sqlite()))
        else:
            kind = self.stores.mongo_kind
            n = self.budget.sweep_n[kind]

            async def run_mongo() -> list[dict[str, Any]]:
                def url_for(label: str) -> str:
                    return self.stores.url("mongo", label)

                return [
                    await sweep.mongo_sweep(s, templates, n, url_for, kind) for s in sweep.SWEEPS
                ]

            self.attempt("sweep", store, lambda: asyncio.run(run_mongo()))

    def events(self, store: str) -> None:
        ferretdb = store == "mongo" and self.stores.mongo_kind == "ferretdb"
        contracts = self.budget.events_contracts // (10 if ferretdb else 1)

        def url_for(label: str) -> str:
            return self.stores.url(store, label)

        self.attempt(
            "events",
            store,
            lambda: events.run(store, url_for, contracts, self.budget.events_changes),
        )

    def run(self) -> None:
        try:
            for store in self.args.stores:
                if {"poll", "handshake", "workers"} & set(self.args.only):
                    try:
                        self.service_parts(store)
                    except Exception as exc:  # the store could not be had or seeded
                        traceback.print_exc(file=sys.stderr)
                        self.errors.append({"part": "setup", "store": store, "error": str(exc)})
                if "sweep" in self.args.only:
                    self.sweeps(store)
                if "events" in self.args.only:
                    self.events(store)
            if "pdf" in self.args.only:  # no store: the rendering is in-process
                self.attempt("pdf", "-", lambda: pdf.run(self.budget.pdf_renders))
            if "evidence" in self.args.only:  # CPU only: the same on every store
                rounds = 3 if self.args.quick else 10
                self.attempt("evidence", "-", lambda: evidence.run(rounds))
        finally:
            self.stores.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    budget = QUICK if args.quick else FULL
    if args.sweep_n:
        budget = replace(budget, sweep_n={**budget.sweep_n, **args.sweep_n})
    workdir = Path(tempfile.mkdtemp(prefix="wangqian-bench-")).resolve()
    say(f"work directory {workdir}; parts {','.join(args.only)}; stores {','.join(args.stores)}")
    run = Run(args, budget, workdir)
    try:
        run.run()
    finally:
        record = {
            "machine": machine(),
            "quick": args.quick,
            "parts": args.only,
            "stores": args.stores,
            "budget": asdict(budget),
            "rows": run.rows,
            "errors": run.errors,
        }
        path = write_json(record)
        print(render(record))
        print(f"\nresults: {path}")
        if args.keep or run.errors:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if run.errors else 0


if __name__ == "__main__":
    sys.exit(main())
