"""``GET /metrics``: off the public API (not in the OpenAPI document), and served only where a
setting allows it (docs/operations.md#metrics):

* ``WANGQIAN_METRICS_TOKEN`` (or its SHA-256, ``WANGQIAN_METRICS_TOKEN_SHA256``): the service's
  port answers ``/metrics`` to ``Authorization: Bearer <token>``, compared in constant time with
  the digest (the token itself is not kept); without it, or with another, the route is not
  there (404, as for any unknown path).
* ``WANGQIAN_METRICS_ADDRESS`` (``host:port``): a listener of its own, answering ``/metrics``
  alone, for a network only Prometheus reaches. With a token set too, it asks for the token.
* Neither: the sandbox answers ``/metrics`` on its port to anyone (it holds no real data);
  outside the sandbox the route does not exist.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from backend.appkeys import METRICS, SETTINGS
from backend.metrics import multiprocess_dir
from backend.settings import Settings

PATH = "/metrics"
log = logging.getLogger("wangqian.metrics")


def token_matches(request: web.Request, digest: str) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    presented = hashlib.sha256(token.strip().encode("utf-8", "surrogateescape")).hexdigest()
    return hmac.compare_digest(presented, digest)


async def metrics_answer(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    digest = settings.metrics_token_sha256
    if digest is not None and not token_matches(request, digest):
        raise web.HTTPNotFound()  # the error middleware answers ROUTE_NOT_FOUND, as for any path
    body, content_type = request.app[METRICS].exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


def serves_on_main_port(settings: Settings) -> bool:
    if settings.metrics_token_sha256 is not None:
        return True
    return settings.sandbox and settings.metrics_address is None


def listen_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:9100`` for IPv6) as aiohttp's site takes it."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"WANGQIAN_METRICS_ADDRESS={address!r}: use host:port")
    return host.strip("[]"), int(port)


async def metrics_listener(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context: the listener of ``WANGQIAN_METRICS_ADDRESS``, sharing the app's metrics
    and settings. Several workers bind it together (``reuse_port``); any of them answers with
    every worker's values."""
    settings = app[SETTINGS]
    assert settings.metrics_address is not None
    host, port = listen_address(settings.metrics_address)
    inner = web.Application()
    inner[SETTINGS], inner[METRICS] = settings, app[METRICS]
    inner.router.add_get(PATH, metrics_answer)
    runner = web.AppRunner(inner, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_port=multiprocess_dir() is not None)
    await site.start()
    log.info("metrics on http://%s:%s%s", host, port, PATH)
    try:
        yield
    finally:
        await runner.cleanup()


def mount_metrics(app: web.Application) -> None:
    settings = app[SETTINGS]
    if serves_on_main_port(settings):
        app.router.add_get(PATH, metrics_answer)
    if settings.metrics_address is not None:
        app.cleanup_ctx.append(metrics_listener)
