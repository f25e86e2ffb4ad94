"""``wangqian sandbox-bank``: the sandbox CCB 龙存管 as a server of its own (docs/sandbox.md)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from backend.banks.keys import platform_key, published
from backend.banks.signing import public_key
from backend.settings import Settings
from miniapp_mock.ccb.server import running_bank


def cmd_sandbox_bank(args: argparse.Namespace, settings: Settings) -> int:
    # The platform this bank serves: the key given, or the one the service on this machine
    # keeps (WANGQIAN_CCB_KEY, else <WANGQIAN_KEY_DIR>/ccb-api-key.b64).
    platform = args.platform_key or published(platform_key(settings))
    app_id = args.app_id or settings.ccb_app_id

    async def serve() -> None:
        async with running_bank(
            args.store,
            {app_id: [public_key(platform)]},
            settings.key_dir,
            host=args.host,
            port=args.port,
            public_base=args.public_base,
            notify_base=args.notify_base,
        ) as bank:
            print(f"沙箱建设银行龙存管 (sandbox CCB) on {bank.url}")
            print(f"  WANGQIAN_CCB_URL={bank.url}")
            print(f"  WANGQIAN_CCB_PUBLIC_KEYS={bank.public_key}")
            print(f"  WANGQIAN_CCB_APP_ID={app_id}", flush=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


def add_sandbox_bank(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bank = sub.add_parser(
        "sandbox-bank",
        help="run the sandbox CCB 龙存管 as a separate server",
        description="The bank's open API, its keys, the parties' page and the sandbox's "
        "controls under /sandbox/v1/banks/ccb, as the sandbox service mounts them; for "
        "pointing a service's WANGQIAN_CCB_URL at a bank that is not itself.",
    )
    bank.add_argument("--host", default="127.0.0.1")
    bank.add_argument("--port", type=int, default=9100, help="default 9100; 0: any free port")
    bank.add_argument(
        "--store", default="sqlite:///var/sandbox-bank.db", help="where the bank keeps its state"
    )
    bank.add_argument(
        "--notify-base",
        help="post callbacks to this origin instead of the notify_url's (e.g. from a container)",
    )
    bank.add_argument("--public-base", help="the origin of the redirect URLs (default: its own)")
    bank.add_argument(
        "--platform-key",
        metavar="B64URL",
        help="the platform's request-signing public key (default: the local service's)",
    )
    bank.add_argument("--app-id", help="the platform's app id (default: WANGQIAN_CCB_APP_ID)")
    bank.set_defaults(run=cmd_sandbox_bank)
