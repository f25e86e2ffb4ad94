"""Part 1, the agent's status poll: ``GET /api/v1/signing-orders/{oid}`` (200), the same with
``If-None-Match`` (304), and the long-poll (``?wait=S&version=N``), each beside the floor."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bench import profiles
from bench.client import Http, Recorder
from bench.config import Budget
from bench.fixtures import people
from bench.floor import Canned
from bench.flows import AGENT, login, open_order, sign
from bench.load import LoadResult, run_load
from bench.longpoll import measure_longpolls
from bench.procs import HttpService, process_cpu_seconds, request
from bench.services import start_floor, start_service
from bench.stats import median, ratio
from signing_flow.orders import contract_id_of
from signing_flow.secrets import token_digest

POLL_PROPERTY = 0  # the bench property the polled order is on
SIGNED_FIRST = ("s1", "s2")  # mid-handshake: the sellers signed, the buyers not yet


@dataclass(frozen=True)
class PollTarget:
    order_id: str
    token: str
    answer: Canned  # the 200 as the service sent it

    @property
    def path(self) -> str:
        return f"/api/v1/signing-orders/{self.order_id}"

    @property
    def etag(self) -> str:
        return self.answer.headers["ETag"]

    @property
    def reads(self) -> list[tuple[str, str]]:
        """The documents whose versions the service reads to answer the poll."""
        return [
            ("sessions", token_digest(self.token)),
            ("accounts", f"acct-{AGENT}"),
            ("contracts", contract_id_of(self.order_id)),
        ]


async def prepare(base_url: str, prop_index: int = POLL_PROPERTY) -> PollTarget:
    """An order halfway through its handshake, polled by the agent who owns it (set up over HTTP)."""
    async with ClientSession() as session:
        http = Http(session, base_url, Recorder())
        agent = await login(http)
        body, order = await open_order(http, agent, prop_index)
        for party_id in SIGNED_FIRST:
            await sign(http, agent, order["id"], party_id, people(body)[party_id])
        capture = Recorder(capture=True)
        await Http(session, base_url, capture).call(
            "status", "GET", f"/api/v1/signing-orders/{order['id']}", token=agent
        )
    return PollTarget(order["id"], agent, capture.answers["status"])


def _check(service: HttpService, target: PollTarget, headers: dict[str, str], status: int) -> int:
    """One request by hand before loading: the expected status, and the body's size."""
    got, body = request(service.port, "GET", target.path, headers=headers)
    if got != status:
        raise RuntimeError(f"{service.base_url}{target.path} answered {got}, not {status}")
    return len(body)


def _summary(runs: list[Measured]) -> dict[str, Any]:
    return {
        "rps": median([r.load.rps for r in runs]),
        "p50_ms": median([r.load.p50_ms for r in runs]),
        "p99_ms": median([r.load.p99_ms for r in runs]),
        "cpu_us_per_request": median([r.cpu_us for r in runs]),
        "db_cpu_us_per_request": median([r.db_cpu_us for r in runs]),
        "bad": sum(r.load.bad for r in runs),
        "tool": runs[0].load.tool,
    }


@dataclass(frozen=True)
class Measured:
    load: LoadResult
    cpu_us: float  # the server's CPU per request
    db_cpu_us: float  # the database server's (FerretDB) CPU per request; 0 when in-process


def _measured(
    proc: HttpService,
    db_pid: int | None,
    url: str,
    c: int,
    budget: Budget,
    headers: dict[str, str],
    log: Path,
) -> Measured:
    cpu, db = proc.cpu_seconds(), process_cpu_seconds(db_pid) if db_pid else 0.0
    load = run_load(url, c, budget.poll_seconds, headers, log)
    cpu, db = proc.cpu_seconds() - cpu, (process_cpu_seconds(db_pid) - db) if db_pid else 0.0
    n = max(load.requests, 1)
    return Measured(load, cpu / n * 1e6, db / n * 1e6)


def measure_polls(
    store: str,
    service: HttpService,
    floor: HttpService,
    target: PollTarget,
    budget: Budget,
    log: Path,
    db_pid: int | None = None,
) -> list[dict[str, Any]]:
    rows = []
    auth = {"Authorization": f"Bearer {target.token}"}
    variants = {"200": auth, "304": {**auth, "If-None-Match": target.etag}}
    for variant, headers in variants.items():
        sizes = {_check(s, target, headers, int(variant)) for s in (service, floor)}
        if len(sizes) != 1:
            raise RuntimeError(f"service and floor bodies differ in size: {sorted(sizes)}")
        (size,) = sizes
        for c in budget.concurrencies:
            who_runs = ["floor", "service"] + (["reads"] if variant == "200" else [])
            runs: dict[str, list[Measured]] = {who: [] for who in who_runs}
            for r in range(budget.poll_rounds):
                for who in who_runs if r % 2 == 0 else who_runs[::-1]:
                    proc = service if who == "service" else floor
                    url = proc.base_url + ("/reads" if who == "reads" else "") + target.path
                    pid = db_pid if who != "floor" else None
                    runs[who].append(_measured(proc, pid, url, c, budget, headers, log))
            svc, flo = _summary(runs["service"]), _summary(runs["floor"])
            reads = _summary(runs["reads"]) if "reads" in runs else None
            rows.append(
                {
                    "part": "poll",
                    "store": store,
                    "variant": variant,
                    "concurrency": c,
                    "body_bytes": size,
                    "service": svc,
                    "floor": flo,
                    "floor_with_reads": reads,
                    "ratio": ratio(svc["rps"], flo["rps"]),
                    "ratio_to_floor_with_reads": ratio(svc["rps"], reads["rps"]) if reads else None,
                    "runs": {
                        k: [
                            {**x.load.to_json(), "cpu_us": x.cpu_us, "db_cpu_us": x.db_cpu_us}
                            for x in v
                        ]
                        for k, v in runs.items()
                    },
                }
            )
    return rows


PROFILE_CONCURRENCY = 8


def _post(service: HttpService, path: str, body: dict[str, Any]) -> None:
    headers = {"Content-Type": "application/json"}
    status, _ = request(service.port, "POST", path, headers=headers, body=json.dumps(body))
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")


def profile_poll(
    store: str, store_url: str, target: PollTarget, workdir: Path, budget: Budget, log: Path
) -> dict[str, Any]:
    """The 200 poll once more, on the instrumented twin of the service, profiled."""
    service = start_service(store_url, workdir, f"service-poll-profile-{store}", instrumented=True)
    session = workdir / f"poll-{store}.pyisession"
    try:
        _post(service, "/__bench/profile/start", {})
        url = service.base_url + target.path
        auth = {"Authorization": f"Bearer {target.token}"}
        load = run_load(url, PROFILE_CONCURRENCY, budget.poll_seconds, auth, log)
        _post(service, "/__bench/profile/stop", {"path": str(session)})
    finally:
        service.stop()
    return {
        "part": "poll_profile",
        "store": store,
        "k": PROFILE_CONCURRENCY,
        "run": load.to_json(),
        "summary": profiles.summarize(session),
    }


def run(
    store: str, store_url: str, workdir: Path, budget: Budget, db_pid: int | None = None
) -> list[dict[str, Any]]:
    """The real service (``python -m backend.cli serve``) beside the floor, then a profiled run."""
    service = start_service(store_url, workdir, f"service-poll-{store}")
    log = workdir / f"poll-{store}.log"
    try:
        target = asyncio.run(prepare(service.base_url))
        reads = {"store_url": store_url, "keys": target.reads}
        floor = start_floor(
            {"poll": target.answer.to_json(), "version": 1, "reads": reads},
            workdir,
            f"floor-poll-{store}",
        )
        try:
            rows = measure_polls(store, service, floor, target, budget, log, db_pid)
            rows += measure_longpolls(store, service, floor, target, budget, log, db_pid)
        finally:
            floor.stop()
    finally:
        service.stop()
    rows.append(profile_poll(store, store_url, target, workdir, budget, log))
    return rows
