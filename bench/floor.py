"""The floor: a bare aiohttp app in its own process, answering what the service answers with no
work behind it. ``python -m bench.floor --port P --config floor.json``.

* ``GET /api/v1/signing-orders/{oid}``: the status body recorded from the service (same bytes,
  same ``ETag`` and ``Cache-Control``); ``If-None-Match`` → 304; ``?wait=S&version=N`` holds
  until ``POST /floor/bump`` moves the version past N (an ``asyncio.Event``, no store).
* ``GET /reads/api/v1/signing-orders/{oid}``: the same 200 after the one store read the service
  makes for it (the versions of session, account and contract: ``get_versions``), through the
  product's store adapter: what any poll that checks the store costs, without the rest of the
  service.
* ``/replay/<path>`` (any method): the response recorded for the handshake step named in the
  ``X-Bench-Step`` header, after reading the request body.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Canned:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Canned:
        return cls(
            status=int(raw["status"]),
            content_type=str(raw["content_type"]),
            body=base64.b64decode(raw["body_b64"]),
            headers=dict(raw.get("headers", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "content_type": self.content_type,
            "body_b64": base64.b64encode(self.body).decode(),
            "headers": self.headers,
        }


class Versions:
    """The floor's long-poll: one counter, one event replaced on every bump."""

    def __init__(self, start: int) -> None:
        self.value = start
        self._moved = asyncio.Event()

    def bump(self) -> int:
        self.value += 1
        self._moved.set()
        self._moved = asyncio.Event()
        return self.value

    async def wait_past(self, seen: int, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.value <= seen and (left := deadline - loop.time()) > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self._moved.wait()


def _store_context(config: dict[str, Any]) -> Any:
    """Open the product's store adapter for the ``reads`` route, if configured."""
    reads = config.get("reads")

    async def context(app: web.Application) -> AsyncIterator[None]:
        if not reads:
            yield
            return
        from backend.storage import open_store

        async with open_store(reads["store_url"]) as store:
            app[STORE] = store
            yield

    return context


STORE: web.AppKey[Any] = web.AppKey("store")


def build_app(config: dict[str, Any]) -> web.Application:
    poll = Canned.of(config["poll"]) if config.get("poll") else None
    etag = poll.headers.get("ETag", "") if poll else ""
    canned = {step: Canned.of(raw) for step, raw in config.get("replay", {}).items()}
    versions = Versions(int(config.get("version", 1)))

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def status(request: web.Request) -> web.Response:
        if poll is None:
            raise web.HTTPNotFound()
        wait, seen = request.query.get("wait"), request.query.get("version")
        if wait is not None and seen is not None:
            await versions.wait_past(int(seen), float(wait))
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=poll.body, content_type=poll.content_type, headers=dict(poll.headers)
        )

    keys = [tuple(k) for k in config.get("reads", {}).get("keys", [])]

    async def status_after_reads(request: web.Request) -> web.Response:
        if poll is None or not keys:
            raise web.HTTPNotFound()
        if None in await request.app[STORE].get_versions(keys):
            raise web.HTTPNotFound()
        return web.Response(
            body=poll.body, content_type=poll.content_type, headers=dict(poll.headers)
        )

    async def bump(request: web.Request) -> web.Response:
        return web.json_response({"version": versions.bump()})

    async def version(request: web.Request) -> web.Response:
        return web.json_response({"version": versions.value})

    async def replay(request: web.Request) -> web.Response:
        await request.read()
        answer = canned.get(request.headers.get("X-Bench-Step", ""))
        if answer is None:
            raise web.HTTPNotFound()
        return web.Response(
            status=answer.status,
            body=answer.body,
            content_type=answer.content_type,
            headers=dict(answer.headers),
        )

    app = web.Application()
    app.cleanup_ctx.append(_store_context(config))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/reads/api/v1/signing-orders/{oid}", status_after_reads)
    app.router.add_get("/api/v1/signing-orders/{oid}", status)
    app.router.add_post("/floor/bump", bump)
    app.router.add_get("/floor/version", version)
    app.router.add_route("*", "/replay/{tail:.*}", replay)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument(
        "--reuse-port", action="store_true", help="share the port with other floors (workers)"
    )
    args = parser.parse_args()
    config = json.loads(args.config.read_text(encoding="utf-8"))
    web.run_app(
        build_app(config),
        host=HOST,
        port=args.port,
        access_log=None,
        print=None,
        reuse_port=args.reuse_port or None,
    )


if __name__ == "__main__":
    main()
