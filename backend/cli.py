"""The ``wangqian`` command: serve, seed-demo."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from backend.app import create_app
from backend.demo import seed_demo
from backend.settings import Settings
from backend.storage import open_store
from signing_flow.errors import DependencyUnavailable


class AccessLogger(AbstractAccessLogger):
    """Method, path, status and time only: query strings and headers can carry tokens."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.1fms", request.method, request.path, response.status, time * 1000
        )


async def _seed(settings: Settings) -> dict[str, Any]:
    async with open_store(settings.store_url) as store:
        return await seed_demo(store)


def _print_logins(seeded: dict[str, Any]) -> None:
    print("演示账号 (demo logins):")
    for login in seeded["logins"]:
        note = "  (首次登录须修改密码)" if login["must_change_password"] else ""
        print(f"  {login['role']:<13} {login['username']:<12} {login['password']}{note}")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.seed_demo:
        seeded = asyncio.run(_seed(settings))
        if seeded["created"]:
            print("已写入演示数据 (demo data seeded)")
        _print_logins(seeded)
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"wangqian serving on http://{host}:{port} (store: {settings.store_url.split('@')[-1]})")
    web.run_app(
        create_app(settings), host=host, port=port, access_log_class=AccessLogger, print=None
    )
    return 0


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    seeded = asyncio.run(_seed(settings))
    if args.json:
        print(json.dumps(seeded, ensure_ascii=False, indent=2))
    else:
        print("已写入演示数据 (demo data seeded)" if seeded["created"] else "演示数据已存在")
        _print_logins(seeded)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wangqian", description="中山存量房网签备案 backend")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="default: WANGQIAN_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: WANGQIAN_PORT or 8080")
    serve.add_argument("--seed-demo", action="store_true", help="seed demo data first if missing")
    serve.set_defaults(run=cmd_serve)
    seed = sub.add_parser("seed-demo", help="create the demo agency, accounts and properties")
    seed.add_argument("--json", action="store_true", help="print what exists as JSON")
    seed.set_defaults(run=cmd_seed_demo)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    try:
        return int(args.run(args, settings))
    except DependencyUnavailable as exc:
        print(f"wangqian: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
