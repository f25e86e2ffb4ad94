"""``WebhookTransport`` on aiohttp: the client that calls integrators' endpoints.

The guard against requests into our own network (``signing_flow.webhook_rules``) sits in the
resolver: the addresses a name resolves to are checked as the connection is made, and the
connection goes to exactly those, so a name cannot pass the check with a public address and
then connect to a private one (DNS rebinding). A literal IP address skips the resolver and is
checked before sending. No redirect is followed (a 3xx is a failed attempt), the answer is read
up to ``RESPONSE_READ_BYTES``, proxies from the environment are not used.
"""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from signing_flow.errors import FieldProblem
from signing_flow.ports import PostOutcome
from signing_flow.webhook_rules import (
    DELIVERY_TIMEOUT_SECONDS,
    RESPONSE_KEPT_CHARS,
    RESPONSE_READ_BYTES,
    UrlPolicy,
    address_problems,
    url_problems,
)

Resolve = Callable[[str, int, socket.AddressFamily], Awaitable[list[ResolveResult]]]


class AddressRefused(OSError):
    """The host is or resolves to an address the policy refuses."""


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then refuses the whole answer if any address is not allowed."""

    def __init__(self, policy: UrlPolicy, resolve: Resolve | None = None) -> None:
        self.policy = policy
        self._threaded = ThreadedResolver() if resolve is None else None
        self._resolve = resolve or self._threaded.resolve  # type: ignore[union-attr]

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._resolve(host, port, family)
        if address_problems(host, [r["host"] for r in results], self.policy):
            raise AddressRefused(f"{host} resolves to an address that may not be called")
        return results

    async def close(self) -> None:
        if self._threaded is not None:
            await self._threaded.close()


class HttpTransport:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        resolver: GuardedResolver,
        policy: UrlPolicy,
    ) -> None:
        self.session = session
        self.resolver = resolver
        self.policy = policy

    async def vet(self, url: str) -> list[FieldProblem]:
        problems = url_problems(url, self.policy)
        host = urlsplit(url).hostname or ""
        if problems or self.policy.allows_host(host) or _is_literal(host):
            return problems
        try:
            await self.resolver.resolve(host, 443, socket.AF_UNSPEC)
        except AddressRefused:
            return address_problems(host, ["0.0.0.0"], self.policy)
        except (OSError, ValueError):  # UnicodeError too: a name url_problems let through
            return [
                FieldProblem(
                    "url", "UNRESOLVABLE", "回调地址的域名无法解析 (the host does not resolve)"
                )
            ]
        return []

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PostOutcome:
        started = time.monotonic()
        problems = url_problems(url, self.policy)  # a literal address, or a policy changed
        if problems:
            return PostOutcome(None, 0, _refusal(problems[0].code))
        status: int | None = None
        error: str | None = None
        answer = b""
        try:
            async with self.session.post(
                url, data=body, headers=dict(headers), allow_redirects=False
            ) as response:
                status = response.status
                answer = await _read_capped(response)
        except TimeoutError:
            error = "timeout"
        except aiohttp.ClientError as exc:
            error = (
                "address not allowed"
                if _refused(exc)
                else f"connection failed ({type(exc).__name__})"
            )
        except (ValueError, UnicodeError):  # a URL the client cannot use, though well-formed
            error = _refusal("INVALID")
        latency = int((time.monotonic() - started) * 1000)
        if status is not None and 300 <= status < 400:
            error = "redirect not followed"
        excerpt = answer[: RESPONSE_KEPT_CHARS * 4].decode("utf-8", "replace")[:RESPONSE_KEPT_CHARS]
        return PostOutcome(status, latency, error, excerpt or None)


def _refusal(code: str = "ADDRESS_NOT_ALLOWED") -> str:
    return "address not allowed" if code == "ADDRESS_NOT_ALLOWED" else f"url refused ({code})"


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    chunks, size = [], 0
    while size < RESPONSE_READ_BYTES:
        chunk = await response.content.read(RESPONSE_READ_BYTES - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, AddressRefused) or isinstance(
            getattr(seen, "os_error", None), AddressRefused
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_literal(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True


@asynccontextmanager
async def http_transport(
    policy: UrlPolicy,
    *,
    seconds: float = DELIVERY_TIMEOUT_SECONDS,
    resolve: Resolve | None = None,
) -> AsyncIterator[HttpTransport]:
    """The transport, open while the app runs: an attempt gives up after ``seconds``.
    ``resolve`` replaces DNS (tests)."""
    resolver = GuardedResolver(policy, resolve)
    connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False, limit=64)
    session_options: dict[str, Any] = {
        "connector": connector,
        "timeout": aiohttp.ClientTimeout(total=seconds),
        "trust_env": False,
        "auto_decompress": False,  # an answer is only logged: no zip bomb to unpack
    }
    async with aiohttp.ClientSession(**session_options) as session:
        yield HttpTransport(session, resolver, policy)
    await resolver.close()
