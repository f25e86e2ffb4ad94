"""The application factory. Nothing is created at import time: the store and the ports live in
the app's cleanup context, opened at startup and closed at shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from aiohttp import web

from backend.appkeys import PORTS, SETTINGS, STORE
from backend.errors import error_middleware
from backend.routes import add_routes
from backend.settings import Settings
from backend.storage import open_store
from miniapp_mock.registry import SandboxRegistry
from signing_flow.ports import Clock, Ports

log = logging.getLogger("wangqian")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings

    async def storage(app: web.Application) -> AsyncIterator[None]:
        async with open_store(settings.store_url) as store:
            app[STORE] = store
            app[PORTS] = Ports(
                store=store,
                clock=clock or SystemClock(),
                registry=SandboxRegistry(store),
                session_ttl_seconds=settings.session_ttl_seconds,
            )
            yield

    app.cleanup_ctx.append(storage)
    add_routes(app)
    return app
