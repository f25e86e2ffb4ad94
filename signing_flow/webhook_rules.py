"""The rules of webhooks that need no I/O: which URLs and addresses may be called, the retry
schedule, the signing secret and the signature. (docs/webhooks.md is the integrator's side.)

**Addresses.** An endpoint may not point into the platform's own network: a URL whose host is,
or resolves to, a loopback, link-local, private, shared, multicast, reserved or unspecified
address is refused (server-side request forgery), unless the sandbox is on or the operator's
allow-list names the host or a network holding the address. The check is made at registration
and again at every delivery, on the addresses the connection will use (a name that resolved to
a public address once may resolve to 127.0.0.1 the next time: DNS rebinding).

**Secrets.** An endpoint's signing secret is never stored: it is derived from the platform key
(``Signer.derive_token``) and a random salt kept on the endpoint, so a copy of the database
alone cannot sign a delivery. Rolling it draws a new salt; the old one signs too for 24 hours.

**Signature.** ``Wangqian-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
body)>``, one ``v1`` per secret in force (two while an old secret is still valid).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from signing_flow.errors import FieldProblem
from signing_flow.ports import Signer

# Any 2xx within this long is a success; anything else is retried.
DELIVERY_TIMEOUT_SECONDS = 10.0
# Retried with exponential backoff and jitter for this long; an endpoint that failed for this
# long without a success is disabled, and a delivery failing this long is given up.
RETRY_FOR = timedelta(days=3)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
OLD_SECRET_GRACE = timedelta(hours=24)
# What of a receiver's answer is read (the rest is dropped) and kept in the log, and how long.
RESPONSE_READ_BYTES = 64 * 1024
RESPONSE_KEPT_CHARS = 512
LOG_BODIES_KEPT = timedelta(days=7)
MAX_URL_LENGTH = 2048
SIGNATURE_TOLERANCE_SECONDS = 300  # what docs/webhooks.md's receiver and verify-webhook allow


@dataclass(frozen=True)
class UrlPolicy:
    """What endpoint URLs may be: ``sandbox`` allows plain http and any address (the sandbox's
    own inbox is on loopback); ``allow`` lists hosts and networks (CIDR) allowed anyway."""

    sandbox: bool = False
    allow: tuple[str, ...] = ()

    def allows_host(self, host: str) -> bool:
        return self.sandbox or host.lower().rstrip(".") in self._hosts()

    def allows_address(self, host: str, address: str) -> bool:
        if self.allows_host(host):
            return True
        ip = _embedded(ipaddress.ip_address(address.split("%", 1)[0]))
        if any(ip in net for net in self._networks()):
            return True
        return ip.is_global and not ip.is_multicast

    def _hosts(self) -> set[str]:
        return {a.lower().rstrip(".") for a in self.allow if not _is_network(a)}

    def _networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(a, strict=False) for a in self.allow if _is_network(a)]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 one carries to (mapped ``::ffff:a.b.c.d``, NAT64, 6to4): a
    private one must not pass as a global IPv6 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def url_problems(url: str, policy: UrlPolicy, path: str = "url") -> list[FieldProblem]:
    """What is wrong with ``url`` before any name is resolved (every problem at once)."""
    if len(url) > MAX_URL_LENGTH:
        return [FieldProblem(path, "TOO_LONG", f"at most {MAX_URL_LENGTH} characters")]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return [FieldProblem(path, "INVALID", "not a URL")]
    problems = []
    schemes = ("https", "http") if policy.sandbox else ("https",)
    if parts.scheme not in schemes:
        allowed = " or ".join(schemes)
        problems.append(FieldProblem(path, "SCHEME_NOT_ALLOWED", f"the URL must use {allowed}"))
    if not parts.hostname:
        problems.append(FieldProblem(path, "INVALID", "the URL has no host"))
    elif not _encodable(parts.hostname):
        problems.append(FieldProblem(path, "INVALID", "the host is not a valid name"))
    if parts.username is not None or parts.password is not None:
        problems.append(FieldProblem(path, "INVALID", "no user or password in the URL"))
    if parts.fragment:
        problems.append(FieldProblem(path, "INVALID", "no #fragment in the URL"))
    if port == 0:
        problems.append(FieldProblem(path, "INVALID", "port 0"))
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        problems.append(FieldProblem(path, "INVALID", "no spaces or control characters"))
    if not problems and parts.hostname is not None:
        problems += address_problems(parts.hostname, _literal(parts.hostname), policy, path)
    return problems


def _encodable(host: str) -> bool:
    """Whether the resolver can take ``host``: every label 1 to 63 characters once encoded
    (IDNA); ``getaddrinfo`` raises UnicodeError, not OSError, for one that is not."""
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def _literal(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return []


def address_problems(
    host: str, addresses: Iterable[str], policy: UrlPolicy, path: str = "url"
) -> list[FieldProblem]:
    """A problem when any address ``host`` resolved to may not be called."""
    refused = [a for a in addresses if not policy.allows_address(host, a)]
    if not refused:
        return []
    return [
        FieldProblem(
            path,
            "ADDRESS_NOT_ALLOWED",
            "回调地址不能指向内网、本机或保留地址 (the host is or resolves to a loopback, "
            "link-local, private or reserved address)",
        )
    ]


def retry_delay(attempt: int, rng: random.Random | None = None) -> timedelta:
    """How long after failed attempt ``attempt`` (1, 2, …) to try again: doubling from 30 s up
    to 6 h, each drawn between half and all of that (jitter, so that receivers coming back are
    not hit by every sender at once). About 20 attempts in 3 days."""
    ceiling = min(FIRST_RETRY * (1 << min(attempt - 1, 20)), LONGEST_RETRY)
    share: float = (rng or random).uniform(0.5, 1.0)
    return ceiling * share


def endpoint_secret(signer: Signer, endpoint_id: str, salt: str) -> str:
    """The signing secret of an endpoint (shown to its admin once, at creation or roll)."""
    return "whsec_" + signer.derive_token("webhook-secret", endpoint_id, salt)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={signature(s, timestamp, body)}" for s in secrets)])


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    now: datetime,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a time within ``tolerance`` seconds
    of ``now`` (an older delivery is a replay)."""
    pairs = [item.partition("=") for item in header.split(",")]
    stamps = [v for k, _, v in pairs if k.strip() == "t"]
    given = [v.strip() for k, _, v in pairs if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not given:
        return False
    timestamp = int(stamps[0])
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, v) for v in given)
