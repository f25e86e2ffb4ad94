"""The webhook client's guard at delivery time: the addresses are checked as the connection is
made (DNS rebinding), literal addresses before it, and registration resolves names."""

from __future__ import annotations

import socket
from collections.abc import Iterator

from aiohttp.abc import ResolveResult

from backend.webhooks.transport import Resolve, http_transport
from signing_flow.webhook_rules import UrlPolicy
from tests.integration.webhook_receiver import receiving


def answers(*addresses: str) -> Iterator[str]:
    yield from addresses
    while True:
        yield addresses[-1]


def resolver(script: Iterator[str]) -> Resolve:
    async def resolve(host: str, port: int, family: socket.AddressFamily) -> list[ResolveResult]:
        if host == "nowhere.test":
            raise OSError("no such host")
        address = next(script)
        kind = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": kind,
                "proto": 0,
                "flags": 0,
            }
        ]

    return resolve


async def test_a_name_that_rebinds_to_loopback_after_registration_is_refused_at_delivery() -> None:
    async with (
        receiving() as receiver,
        http_transport(
            UrlPolicy(), resolve=resolver(answers("93.184.216.34", "127.0.0.1"))
        ) as transport,
    ):
        port = receiver.url.split(":")[2].split("/")[0]
        url = f"https://rebind.test:{port}/hook"
        assert await transport.vet(url) == []  # registered while it resolved to a public address
        outcome = await transport.post(url, b"{}", {"Wangqian-Event-Id": "c1-e1"})
    assert (outcome.status_code, outcome.error) == (None, "address not allowed")
    assert receiver.requests == []


async def test_an_allowed_network_lets_the_connection_through() -> None:
    async with (
        receiving() as receiver,
        http_transport(
            UrlPolicy(allow=("127.0.0.0/8",)), resolve=resolver(answers("127.0.0.1"))
        ) as transport,
    ):
        port = receiver.url.split(":")[2].split("/")[0]
        outcome = await transport.post(f"https://hooks.test:{port}/hook", b"{}", {})
    # The guard let it connect: TLS to the plain-HTTP receiver is what failed.
    assert outcome.error is not None and outcome.error.startswith("connection failed")


async def test_a_literal_private_address_is_refused_without_connecting() -> None:
    async with receiving() as receiver, http_transport(UrlPolicy()) as transport:
        port = receiver.url.split(":")[2].split("/")[0]
        outcome = await transport.post(f"https://127.0.0.1:{port}/hook", b"{}", {})
    assert outcome.error == "address not allowed" and receiver.requests == []


async def test_registration_resolves_the_name_and_refuses_private_or_unknown_hosts() -> None:
    async with http_transport(UrlPolicy(), resolve=resolver(answers("10.0.0.7"))) as transport:
        assert [p.code for p in await transport.vet("https://hooks.test/x")] == [
            "ADDRESS_NOT_ALLOWED"
        ]
        assert [p.code for p in await transport.vet("https://nowhere.test/x")] == ["UNRESOLVABLE"]
        assert [p.code for p in await transport.vet("http://hooks.test/x")] == [
            "SCHEME_NOT_ALLOWED"
        ]


async def test_a_resolver_that_raises_unicode_error_is_an_unresolvable_host() -> None:
    # getaddrinfo raises UnicodeError (a ValueError) for some names url_problems may not know.
    async def resolve(host: str, port: int, family: socket.AddressFamily) -> list[ResolveResult]:
        raise UnicodeError("label empty or too long")

    async with http_transport(UrlPolicy(), resolve=resolve) as transport:
        assert [p.code for p in await transport.vet("https://hooks.test/x")] == ["UNRESOLVABLE"]
