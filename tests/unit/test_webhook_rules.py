"""Which webhook URLs may be called, the retry schedule, and the signature."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from signing_flow.webhook_rules import (
    RETRY_FOR,
    UrlPolicy,
    address_problems,
    retry_delay,
    signature,
    signature_header,
    url_problems,
    verify_signature,
)

REFUSED = [
    "127.0.0.1",  # loopback
    "127.255.255.254",
    "10.1.2.3",  # private
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",  # link-local: the cloud metadata service
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "0.0.0.0",  # unspecified
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "::1",
    "::",
    "fe80::1",  # link-local
    "fc00::1",  # unique local
    "fd12:3456::1",
    "ff02::1",  # multicast
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2001:db8::1",  # documentation
]


@pytest.mark.parametrize("address", REFUSED)
def test_the_guard_refuses_every_private_range(address: str) -> None:
    assert address_problems("hooks.example.com", [address], UrlPolicy())[0].code == (
        "ADDRESS_NOT_ALLOWED"
    )


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_problems("hooks.example.com", [address], UrlPolicy()) == []


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    assert address_problems("x.example.com", ["93.184.216.34", "10.0.0.1"], UrlPolicy())


def test_the_allow_list_names_hosts_and_networks() -> None:
    policy = UrlPolicy(allow=("hooks.internal", "10.20.0.0/16"))
    assert address_problems("hooks.internal", ["10.9.9.9"], policy) == []
    assert address_problems("other.internal", ["10.20.3.4"], policy) == []
    assert address_problems("other.internal", ["10.21.3.4"], policy)


def test_the_sandbox_allows_plain_http_and_any_address() -> None:
    assert url_problems("http://127.0.0.1:8080/sandbox/v1/webhook-inbox", UrlPolicy(True)) == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/x", "SCHEME_NOT_ALLOWED"),
        ("ftp://hooks.example.com/x", "SCHEME_NOT_ALLOWED"),
        ("https://127.0.0.1/x", "ADDRESS_NOT_ALLOWED"),
        ("https://[::1]/x", "ADDRESS_NOT_ALLOWED"),
        ("https://user:pw@hooks.example.com/x", "INVALID"),
        ("https:///x", "INVALID"),
        ("https://hooks.example.com/x#f", "INVALID"),
        ("https://hooks.example.com/a b", "INVALID"),
        ("https://hooks.example.com:99999/x", "INVALID"),
        ("https://hooks.example.com/" + "a" * 2100, "TOO_LONG"),
    ],
)
def test_outside_the_sandbox_only_https_urls_to_a_host_are_taken(url: str, code: str) -> None:
    assert code in [p.code for p in url_problems(url, UrlPolicy())]


def test_retries_back_off_exponentially_with_jitter_for_three_days() -> None:
    rng = random.Random(1)
    delays = [retry_delay(n, rng) for n in range(1, 40)]
    assert timedelta(seconds=15) <= delays[0] <= timedelta(seconds=30)
    assert timedelta(minutes=4) <= delays[4] <= timedelta(minutes=8)
    assert max(delays) <= timedelta(hours=6)
    assert len({d.total_seconds() for d in delays}) == len(delays)  # jittered
    elapsed, attempts = timedelta(), 1
    while elapsed < RETRY_FOR:
        elapsed += retry_delay(attempts, random.Random(attempts))
        attempts += 1
    assert 14 <= attempts <= 30


def test_a_signature_verifies_and_a_changed_body_or_an_old_time_does_not() -> None:
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    stamp = int(now.timestamp())
    header = signature_header(["whsec_new", "whsec_old"], stamp, b'{"id":"c1-e1"}')
    assert header.startswith(f"t={stamp},v1=")
    assert signature("whsec_new", stamp, b"x") in signature_header(["whsec_new"], stamp, b"x")
    assert verify_signature("whsec_new", header, b'{"id":"c1-e1"}', now)
    assert verify_signature("whsec_old", header, b'{"id":"c1-e1"}', now)
    assert not verify_signature("whsec_other", header, b'{"id":"c1-e1"}', now)
    assert not verify_signature("whsec_new", header, b'{"id":"c1-e2"}', now)
    assert not verify_signature("whsec_new", header, b'{"id":"c1-e1"}', now + timedelta(minutes=6))
