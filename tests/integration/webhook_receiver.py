"""A real webhook receiver for the tests: an aiohttp server that answers each request as a
script says (fail, time out, redirect, succeed) and keeps what it accepted."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.webhooks.transport import http_transport
from signing_flow.ports import Ports
from signing_flow.webhook_rules import UrlPolicy, verify_signature

# What the receiver does with attempt ``n`` of an event: "ok", "fail" (500), "slow" (answers
# after the transport's timeout), "redirect" (302 to a path that accepts anything).
Script = Callable[[str, int], str]
TIMEOUT = 0.3  # the transport's, in these tests


def always_ok(event_id: str, attempt: int) -> str:
    return "ok"


@dataclass
class Request:
    event_id: str
    attempt: int
    body: bytes
    signature: str
    answer: str


@dataclass
class Receiver:
    script: Script = always_ok
    secrets: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    redirected: int = 0
    url: str = ""

    @property
    def accepted(self) -> list[Request]:
        return [r for r in self.requests if r.answer == "ok"]

    def accepted_events(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.accepted]

    def verifies(self, request: Request, secret: str) -> bool:
        return verify_signature(secret, request.signature, request.body, datetime.now(UTC))

    async def handle(self, request: web.Request) -> web.Response:
        event_id = request.headers["Wangqian-Event-Id"]
        attempt = int(request.headers["Wangqian-Delivery-Attempt"])
        body = await request.read()
        answer = self.script(event_id, attempt)
        self.requests.append(
            Request(event_id, attempt, body, request.headers["Wangqian-Signature"], answer)
        )
        if answer == "slow":
            await asyncio.sleep(TIMEOUT * 4)
            return web.Response(status=200)
        if answer == "redirect":
            raise web.HTTPFound("/elsewhere")
        if answer == "big":
            return web.Response(body=b"x" * (5 * 1024 * 1024))
        return web.Response(status=200 if answer == "ok" else 500, text=answer)

    async def elsewhere(self, request: web.Request) -> web.Response:
        self.redirected += 1
        return web.Response(text="ok")


@asynccontextmanager
async def receiving(script: Script = always_ok) -> AsyncIterator[Receiver]:
    receiver = Receiver(script)
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    app.router.add_post("/elsewhere", receiver.elsewhere)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    receiver.url = str(server.make_url("/hook"))
    try:
        yield receiver
    finally:
        await server.close()


@asynccontextmanager
async def with_transport(ports: Ports, policy: UrlPolicy | None = None) -> AsyncIterator[Ports]:
    """``ports`` with an HTTP transport (the sandbox's policy: http and loopback allowed)."""
    async with http_transport(policy or UrlPolicy(sandbox=True), seconds=TIMEOUT) as transport:
        yield dataclasses.replace(ports, webhooks=transport)
