"""The sandbox CCB as a server of its own (``wangqian sandbox-bank``; the adapter's tests start
one on a free port), and mounted in the sandbox service (``mount_in_service``).

It keeps its applications in a store of its own choosing (the service's, in the service), and
knows the platform by the public key of its bank-API key, as a bank knows an integrator it
registered; by default the one the service on this machine keeps (``backend.banks.keys``)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.appkeys import CLOCK, SETTINGS, STORE
from backend.banks.keys import platform_key, published, sandbox_bank_key
from backend.banks.signing import public_key
from backend.clock import SystemClock
from backend.security_headers import add_security_headers
from backend.storage import open_store
from miniapp_mock.ccb.bank import PREFIX, SandboxCcb
from miniapp_mock.ccb.routes import SANDBOX_CCB, mount_bank_routes
from miniapp_mock.ccb.state import COLLECTIONS
from signing_flow.ports import Clock

PlatformKeys = Mapping[str, Sequence[Ed25519PublicKey]]


def mount_in_service(app: web.Application) -> None:
    """In the sandbox service: the bank shares its store and clock, and trusts its key."""

    async def bank(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        platform = public_key(published(platform_key(settings)))
        async with aiohttp.ClientSession() as session:
            app[SANDBOX_CCB] = SandboxCcb(
                app[STORE],
                app[CLOCK],
                sandbox_bank_key(settings.key_dir),
                {settings.ccb_app_id: [platform]},
                settings.public_base_url,
                session,
            )
            yield

    app.cleanup_ctx.append(bank)
    mount_bank_routes(app)


@dataclass(frozen=True)
class RunningBank:
    url: str  # the open API's base: WANGQIAN_CCB_URL
    public_key: str  # WANGQIAN_CCB_PUBLIC_KEYS
    bank: SandboxCcb


@asynccontextmanager
async def running_bank(
    store_url: str,
    platform_keys: PlatformKeys,
    key_dir: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    public_base: str | None = None,
    notify_base: str | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[RunningBank]:
    """The bank serving on ``host:port`` (0: a free port) until the block ends."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    origin = public_base or f"http://{host}:{bound}"
    key = sandbox_bank_key(key_dir)
    async with (
        open_store(store_url, COLLECTIONS) as store,
        aiohttp.ClientSession() as session,
    ):
        bank = SandboxCcb(
            store,
            clock or SystemClock(),
            key,
            platform_keys,
            origin,
            session,
            notify_base=notify_base,
        )
        app = web.Application()
        app[SANDBOX_CCB] = bank
        mount_bank_routes(app)
        add_security_headers(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            yield RunningBank(f"http://{host}:{bound}{PREFIX}", published(key), bank)
        finally:
            await runner.cleanup()
