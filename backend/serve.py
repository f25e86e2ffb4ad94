"""``wangqian serve``: one process, or ``--workers N`` processes on one port (docs/operations.md
"Several workers").

With N > 1 this process is the supervisor: it starts N workers (``serve --worker I``, each the
whole service with ``reuse_port``, so the kernel spreads connections among them), restarts one
that dies, and on SIGTERM or SIGINT forwards SIGTERM to each and waits for them all to stop
gracefully (``backend.shutdown``). Workers run in a session of their own, so a terminal's
Ctrl-C reaches them once, through the supervisor, not twice. Each worker runs the scheduled
jobs: they are compare-and-set sweeps, safe to run in every process (``schedulers.jobs``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from aiohttp import web

from backend import metrics
from backend.access_log import AccessLogger
from backend.app import create_app
from backend.demo import seed_demo
from backend.demo_order import print_demo_order
from backend.providers import providers
from backend.settings import Settings
from backend.shutdown import keep_draining_on_second_signal
from backend.storage import open_store
from backend.supervisor import SUPERVISOR_PID, Workers, die_with_parent

log = logging.getLogger("wangqian")

WORKER_HEADER = "X-Wangqian-Worker"  # which worker answered, with several (tests, debugging)
STOP_MARGIN_SECONDS = 15.0  # beyond the workers' grace period, before they are killed


async def _seed(settings: Settings) -> dict[str, Any]:
    async with open_store(settings.store_url, providers(settings).collections) as store:
        return await seed_demo(store)


def print_logins(seeded: dict[str, Any]) -> None:
    print("演示账号 (demo logins):")
    for login in seeded["logins"]:
        note = "  (首次登录须修改密码)" if login["must_change_password"] else ""
        print(f"  {login['role']:<13} {login['username']:<12} {login['password']}{note}")


def seed(settings: Settings) -> dict[str, Any]:
    return asyncio.run(_seed(settings))


def _stop_before_start(signum: int, frame: FrameType | None) -> None:
    # Nothing is served yet, so nothing is in flight: a stop now is a clean one. (Once the app
    # runs, web.run_app's own handlers drain it: backend.shutdown.)
    raise SystemExit(0)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    signal.signal(signal.SIGTERM, _stop_before_start)
    signal.signal(signal.SIGINT, _stop_before_start)
    if args.worker is not None:
        die_with_parent()
    if args.seed_demo:
        seeded = seed(settings)
        if seeded["created"]:
            print("已写入演示数据 (demo data seeded)")
        print_logins(seeded)
    host = args.host or settings.host
    port = args.port or settings.port
    if (args.host or args.port) and "WANGQIAN_PUBLIC_BASE_URL" not in os.environ:
        # QR links must point where the service really listens.
        settings = replace(settings, host=host, port=port, public_base_url=f"http://{host}:{port}")
    workers = args.workers or settings.workers
    if args.worker is None:
        store = settings.store_url.split("@")[-1]
        each = f", {workers} workers" if workers > 1 else ""
        print(f"wangqian serving on http://{host}:{port} (store: {store}{each})")
        console = f"{settings.public_base_url.rstrip('/')}/console"
        print(f"经纪人控制台 (agent console): {console}  — 例如以 agent_li 登录 (docs/console.md)")
        if workers > 1:
            return supervise(args, settings, workers, host, port)
    run_worker(args, settings, host, port)
    return 0


def run_worker(args: argparse.Namespace, settings: Settings, host: str, port: int) -> None:
    """The service in this process until SIGTERM or SIGINT (``backend.shutdown``)."""
    app = create_app(settings)
    keep_draining_on_second_signal(app)
    if args.demo_order and args.worker in (None, 0):
        app.on_startup.append(print_demo_order)  # after the store opened (cleanup_ctx)
    if args.worker is not None:
        app.on_response_prepare.append(_worker_header(str(args.worker)))
    web.run_app(
        app,
        host=host,
        port=port,
        access_log_class=AccessLogger,
        print=None,
        reuse_port=args.worker is not None,
        shutdown_timeout=settings.shutdown_grace_seconds,
    )


def _worker_header(worker: str) -> Any:
    async def mark(request: web.Request, response: web.StreamResponse) -> None:
        response.headers[WORKER_HEADER] = worker

    return mark


# -- the supervisor -------------------------------------------------------------------------------


def prepare_metrics_dir(settings: Settings) -> Path:
    """Before the workers start: an empty directory for prometheus-client's multiprocess mode,
    named to them in ``PROMETHEUS_MULTIPROC_DIR`` (its files from an earlier run would add old
    counts to the new ones). ``WANGQIAN_METRICS_DIR``, or a fresh temporary directory."""
    path = Path(settings.metrics_dir or tempfile.mkdtemp(prefix="wangqian-metrics-"))
    metrics.prepare_multiprocess(path)
    return path


def supervise(
    args: argparse.Namespace, settings: Settings, workers: int, host: str, port: int
) -> int:
    metrics_dir = prepare_metrics_dir(settings)
    env = {
        **os.environ,
        "WANGQIAN_HOST": host,
        "WANGQIAN_PORT": str(port),
        "WANGQIAN_PUBLIC_BASE_URL": settings.public_base_url,
        SUPERVISOR_PID: str(os.getpid()),
    }

    def start(index: int) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "backend.cli", "serve", "--worker", str(index)]
        argv += ["--workers", str(workers)] + (["--demo-order"] if args.demo_order else [])
        return subprocess.Popen(argv, env=env, start_new_session=True)

    stop_seconds = settings.shutdown_grace_seconds + STOP_MARGIN_SECONDS
    pool = Workers(start, workers, stop_seconds, metrics.process_exited)

    def stop(signum: int, frame: FrameType | None) -> None:
        pool.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while pool.running():
        time.sleep(0.1)
        pool.step()
    clean = pool.finish()
    if not settings.metrics_dir:
        for leftover in metrics_dir.glob("*"):
            leftover.unlink()
        metrics_dir.rmdir()
    return 0 if clean else 1


def add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="default: WANGQIAN_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: WANGQIAN_PORT or 8080")
    serve.add_argument("--seed-demo", action="store_true", help="seed demo data first if missing")
    serve.add_argument(
        "--demo-order",
        action="store_true",
        help="open a demo signing order (prop-hk) and print its phone links and QR codes",
    )
    serve.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="N processes on one port (default: WANGQIAN_WORKERS or 1; docs/operations.md)",
    )
    serve.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # set by the supervisor
    serve.set_defaults(run=cmd_serve)
