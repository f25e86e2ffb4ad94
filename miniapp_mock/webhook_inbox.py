"""The sandbox's webhook inbox: an endpoint built into the service that keeps what it receives,
so the whole webhook flow can be tried without a public URL (docs/webhooks.md).

Register ``<base URL>/sandbox/v1/webhook-inbox`` as an endpoint (plain http and loopback are
allowed in the sandbox); deliveries are kept in the ``webhook_inbox`` collection, and
``GET /sandbox/v1/webhook-inbox`` lists them, newest first, each with whether its signature
verified with the secret of an endpoint pointing here. It always answers 200: a receiver that
fails is tried with a server of one's own (docs/webhooks.md has one in 20 lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from signing_flow.ports import CollectionSpec, Ports
from signing_flow.repository import Repository
from signing_flow.usecases.webhooks import endpoints
from signing_flow.webhook_rules import endpoint_secret, verify_signature

COLLECTION = "webhook_inbox"
SPEC = CollectionSpec(indexed=("received_at",))
PATH = "/sandbox/v1/webhook-inbox"
MAX_BODY = 64 * 1024


@dataclass
class Received:
    id: str
    received_at: datetime
    event_id: str | None
    attempt: str | None
    signature: str | None
    signature_valid: bool
    answered: int
    body: str
    version: int = 0


def inbox(ports: Ports) -> Repository[Received]:
    return Repository(ports.store, COLLECTION, Received)


async def signed_here(ports: Ports, signature: str | None, body: bytes) -> bool:
    if not signature:
        return False
    now = ports.clock.now()
    for endpoint in await endpoints(ports).find({"status": "enabled"}):
        if PATH not in endpoint.url:
            continue
        for salt in endpoint.salts(now):
            secret = endpoint_secret(ports.signer, endpoint.id, salt)
            if verify_signature(secret, signature, body, datetime.now(UTC)):
                return True
    return False
