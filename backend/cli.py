"""The ``wangqian`` command: serve, seed-demo, scheduler, purge, simulate, verify-receipt,
verify-audit (in the store, or over the API: ``backend.audit_client``), verify-webhook
(``backend.webhooks.cli``), verify-evidence, backup and restore, sandbox-bank
(``miniapp_mock.ccb.cli``)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession

from backend.audit_client import verify_over_api
from backend.backup import add_backup_commands
from backend.clock import SystemClock
from backend.demo import DEMO_PASSWORD, SIMULATE_PROPERTIES, demo_scenario
from backend.events.standalone import events_jobs
from backend.evidence.cli import add_verify_evidence
from backend.log_format import configure_logging
from backend.providers import providers
from backend.serve import add_serve, print_logins, seed
from backend.settings import Settings
from backend.shutdown import Draining, stop_scheduler, until_signalled
from backend.storage import open_store
from backend.storage.sweeps import StoreSweeps
from backend.webhooks.cli import add_verify_webhook
from miniapp_mock.ccb.cli import add_sandbox_bank
from miniapp_mock.clock import MovableClock
from miniapp_mock.phone import fetch_signing_keys, receipts_in, verify_receipt
from miniapp_mock.simulate import run_cli
from miniapp_mock.simulate_options import (
    DEFAULT_POLL_WAIT,
    FAIL_HELP,
    Options,
    parse_decline,
    parse_failure,
)
from schedulers.jobs import purge_preview, purge_stale_contracts
from schedulers.running import RunningJobs
from schedulers.scheduler import build_scheduler
from signing_flow.audit import chain_break
from signing_flow.codec import encode_time
from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import DependencyUnavailable
from signing_flow.ports import Clock, DocumentStore
from signing_flow.repository import contracts
from signing_flow.vocabulary import CONTRACT_LABELS


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """The scheduled jobs without the HTTP service, for deployments that run them apart."""

    async def run() -> None:
        chosen = providers(settings)
        async with (
            open_store(settings.store_url, chosen.collections) as store,
            events_jobs(settings, store),
        ):
            running = RunningJobs()
            scheduler = build_scheduler(
                StoreSweeps(store),
                SystemClock(),
                expiry_interval_seconds=settings.expiry_interval_seconds,
                running=running,
            )
            scheduler.start()
            print("wangqian scheduler running (SIGTERM or Ctrl-C: stops after the run under way)")
            await until_signalled()
            draining = Draining(settings.shutdown_grace_seconds)
            draining.schedulers.append(scheduler)
            await stop_scheduler(scheduler, running, draining)

    asyncio.run(run())
    return 0


def next_purge_time(now: datetime) -> datetime:
    """When the daily purge (00:00:30 Zhongshan time) next runs after ``now``."""
    local = now.astimezone(CITY_TZ)
    run = local.replace(hour=0, minute=0, second=30, microsecond=0)
    return run if run > local else run + timedelta(days=1)


@dataclass(frozen=True)
class _FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


def _iso_time(value: str) -> datetime:
    """``--now``: an ISO 8601 time with its UTC offset, within the years the service handles."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from exc
    if at.tzinfo is None:
        raise argparse.ArgumentTypeError("include the UTC offset, e.g. 2026-11-28T00:00:00+08:00")
    if not 2000 <= at.year <= 9000:
        raise argparse.ArgumentTypeError("choose a year from 2000 to 9000")
    return at


async def _purge_clock(settings: Settings, store: DocumentStore, at: datetime | None) -> Clock:
    """``--now`` if given; otherwise the service's clock, in the sandbox moved as the service's
    processes see it (the offset is in the store)."""
    if at is not None:
        return _FixedClock(at)
    clock = providers(settings).clock
    if isinstance(clock, MovableClock):
        await clock.refresh(store)
    return clock


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Preview (--dry-run) or run the purge of stale contracts now."""
    if args.now is not None and not args.dry_run:
        print("wangqian purge: --now only goes with --dry-run", file=sys.stderr)
        return 2

    async def run() -> int:
        async with open_store(settings.store_url, providers(settings).collections) as store:
            clock = await _purge_clock(settings, store, args.now)
            if not args.dry_run:
                report = await purge_stale_contracts(StoreSweeps(store), clock)
                print(f"已删除 {len(report.changed)} 份合同 (purged): {' '.join(report.changed)}")
                return 0
            at = next_purge_time(clock.now())
            stale = await purge_preview(store, encode_time(at))
            print(f"下次清理 (next purge) {at.isoformat()}: {len(stale)} 份合同将被删除")
            for c in stale:
                deadline = c.purge_at.astimezone(CITY_TZ).isoformat()
                print(f"  {c.number}  {CONTRACT_LABELS[c.status]:<6}  截止 (deadline) {deadline}")
            return 0

    return asyncio.run(run())


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    seeded = seed(settings)
    if args.json:
        print(json.dumps(seeded, ensure_ascii=False, indent=2))
    else:
        print("已写入演示数据 (demo data seeded)" if seeded["created"] else "演示数据已存在")
        print_logins(seeded)
    return 0


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    try:
        failures = tuple(parse_failure(spec) for spec in args.fail)
        declines = dict(parse_decline(spec) for spec in args.decline)
    except ValueError as exc:
        print(f"wangqian simulate: {exc}", file=sys.stderr)
        return 2
    options = Options(
        base_url=(args.base_url or settings.public_base_url).rstrip("/"),
        username=args.username,
        password=args.password,
        failures=failures,
        declines=declines,
        poll_wait=args.poll_wait,
        events=args.events,
    )
    return asyncio.run(run_cli(options, demo_scenario(args.property)))


async def _fetch_keys(base_url: str) -> dict[str, Any]:
    async with ClientSession() as http:
        return await fetch_signing_keys(http, base_url)


def _read_json(name: str) -> Any:
    text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    return json.loads(text)


def cmd_verify_receipt(args: argparse.Namespace, settings: Settings) -> int:
    """OK and 0 when every receipt in FILE verifies; FAILED and 1 otherwise, including when
    FILE or the keys cannot be read (nothing was verified)."""
    try:
        document = _read_json(args.file)
        keys = _read_json(args.keys) if args.keys else asyncio.run(_fetch_keys(args.base_url))
    except (OSError, ValueError, ClientError) as exc:
        print(f"FAILED  cannot read the receipt or the keys: {exc}")
        return 1
    receipts = receipts_in(document)
    if not receipts:
        print(f"FAILED  no receipt in {args.file} (expected {{payload, key_id, alg, signature}})")
        return 1
    failed = 0
    for receipt in receipts:
        check = verify_receipt(receipt, keys)
        payload = receipt.get("payload") or {}
        who = f"{payload.get('order_id', '?')} {payload.get('party_id', '?')} {payload.get('name', '')}"
        print(f"{'OK    ' if check.ok else 'FAILED'}  {who}: {check.reason} ({check.key_id})")
        failed += not check.ok
    return 1 if failed else 0


def cmd_verify_audit(args: argparse.Namespace, settings: Settings) -> int:
    """OK and 0 when each contract's audit trail, as stored (or as served, with --base-url), is
    an unbroken hash chain; FAILED with the first event that breaks it, and 1, otherwise (also
    for an unknown contract)."""
    if args.base_url:
        token = args.token or os.environ.get("WANGQIAN_TOKEN")
        if not token:
            print("wangqian verify-audit: --base-url needs --token or WANGQIAN_TOKEN")
            return 2
        return asyncio.run(verify_over_api(args.base_url, token, args.contract_ids))

    async def run() -> int:
        failed = 0
        async with open_store(settings.store_url) as store:
            for contract_id in args.contract_ids:
                contract = await contracts(store).get(contract_id)
                if contract is None:
                    print(f"FAILED  {contract_id}: no such contract")
                    failed += 1
                    continue
                seq = chain_break(contract.id, contract.events)
                verdict = f"broken at event {seq}" if seq else f"{len(contract.events)} events"
                print(
                    f"{'FAILED' if seq else 'OK    '}  {contract.number} ({contract.id}): {verdict}"
                )
                failed += seq is not None
        return 1 if failed else 0

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wangqian", description="中山存量房网签备案 backend")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve(sub)
    seed = sub.add_parser("seed-demo", help="create the demo agency, accounts and properties")
    seed.add_argument("--json", action="store_true", help="print what exists as JSON")
    seed.set_defaults(run=cmd_seed_demo)
    scheduler = sub.add_parser("scheduler", help="run the scheduled jobs without the service")
    scheduler.set_defaults(run=cmd_scheduler)
    purge = sub.add_parser("purge", help="purge stale contracts now, or preview the next purge")
    purge.add_argument(
        "--dry-run", action="store_true", help="list what the next purge would delete"
    )
    purge.add_argument(
        "--now",
        type=_iso_time,
        metavar="ISO_TIME",
        help="with --dry-run: preview as if it were this time (e.g. 2026-11-28T00:00:00+08:00)",
    )
    purge.set_defaults(run=cmd_purge)
    _add_simulate(sub)
    _add_verify_receipt(sub)
    _add_verify_audit(sub)
    add_verify_webhook(sub)
    add_backup_commands(sub)
    add_verify_evidence(sub)
    add_sandbox_bank(sub)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)  # text or JSON lines
    # The access log writes a line per request, and our format uses none of these record fields
    # (the Logging HOWTO's "Optimization": about a quarter of a line's cost).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None
    # Our jobs log their own counts; APScheduler's per-run lines would repeat them every 30 s.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.root.level))
    try:
        return int(args.run(args, settings))
    except DependencyUnavailable as exc:
        print(f"wangqian: {exc.message}", file=sys.stderr)
        return 2


def _add_simulate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sim = sub.add_parser(
        "simulate",
        help="run a whole e-signing handshake against a running server (sandbox)",
        description="Log in as a demo agent, draft and submit a contract on a demo property, "
        "generate the signing order and walk every party through the mini-program; file the "
        "contract and verify every receipt. Exit 0 on the expected outcome.",
    )
    sim.add_argument("--base-url", help="the server, default: WANGQIAN_PUBLIC_BASE_URL")
    sim.add_argument("--username", default="agent_li", help="practitioner (default: agent_li)")
    sim.add_argument("--password", default=DEMO_PASSWORD, help="its password")
    sim.add_argument(
        "--property",
        default="prop-joint",
        choices=SIMULATE_PROPERTIES,
        help="demo property (default: prop-joint, two joint owners)",
    )
    sim.add_argument(
        "--fail",
        action="append",
        default=[],
        metavar="PARTY:CHECK[=KIND][:TIMES]",
        help=FAIL_HELP,
    )
    sim.add_argument(
        "--decline",
        action="append",
        default=[],
        metavar="PARTY[:REASON]",
        help="the party declines after reading the document, e.g. b2; repeatable",
    )
    sim.add_argument(
        "--poll-wait",
        type=int,
        default=DEFAULT_POLL_WAIT,
        choices=range(1, 31),
        metavar="SECONDS",
        help=f"long-poll hold time, 1–30 (default: {DEFAULT_POLL_WAIT})",
    )
    sim.add_argument(
        "--events", action="store_true", help="print the events the run caused (the events feed)"
    )
    sim.set_defaults(run=cmd_simulate)


def _add_verify_audit(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser(
        "verify-audit",
        help="check contracts' audit trails, in the store or over the API",
        description="Without --base-url: the trails as stored (WANGQIAN_STORE), every digest. "
        "With --base-url: the trails as served to the token's account, recomputed as "
        "docs/audit.md describes. Exit 0 only when every chain is unbroken.",
    )
    audit.add_argument("contract_ids", nargs="+", metavar="CONTRACT_ID")
    audit.add_argument("--base-url", help="check over the API of this server")
    audit.add_argument(
        "--token", help="a bearer token that may read the contracts (default: WANGQIAN_TOKEN)"
    )
    audit.set_defaults(run=cmd_verify_audit)


def _add_verify_receipt(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ver = sub.add_parser(
        "verify-receipt",
        help="verify a signature receipt offline against the platform's public keys",
        description="FILE holds a receipt {payload, key_id, alg, signature}, or a saved party "
        "view or signing order with receipts ('-' reads stdin). Prints OK or FAILED per "
        "receipt; exit 0 only when all verify.",
    )
    ver.add_argument("file", metavar="FILE")
    keys = ver.add_mutually_exclusive_group(required=True)
    keys.add_argument("--keys", metavar="KEYS.json", help="the body of GET /api/v1/signing-keys")
    keys.add_argument("--base-url", help="fetch the keys from this server")
    ver.set_defaults(run=cmd_verify_receipt)


if __name__ == "__main__":
    sys.exit(main())
