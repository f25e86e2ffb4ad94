"""Webhook endpoints, managed by an agency admin (中介机构账号) for the agency's events.

An endpoint receives the agency's events after its registration (docs/webhooks.md); its secret
is shown once, when made or rolled (``webhook_rules``: derived, never stored). The delivery log
is the endpoint's deliveries, newest first; any event of the agency can be sent again by hand.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from signing_flow.codec import from_doc
from signing_flow.errors import (
    DependencyUnavailable,
    DuplicateKey,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from signing_flow.events import FeedEntry
from signing_flow.ports import Ports, WebhookTransport
from signing_flow.repository import Repository, with_retries
from signing_flow.roles import Actor, ensure_agency_admin
from signing_flow.usecases.events import FEED, feed_head
from signing_flow.webhook_models import (
    FAILING_REASON,
    Delivery,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
    delivery_id,
)
from signing_flow.webhook_rules import OLD_SECRET_GRACE, endpoint_secret

ENDPOINTS = "webhook_endpoints"
DELIVERIES = "webhook_deliveries"
MAX_ENDPOINTS = 20  # per agency


def endpoints(ports: Ports) -> Repository[WebhookEndpoint]:
    return Repository(ports.store, ENDPOINTS, WebhookEndpoint)


def deliveries(ports: Ports) -> Repository[Delivery]:
    return Repository(ports.store, DELIVERIES, Delivery)


def endpoint_not_found() -> NotFound:
    return NotFound("回调地址不存在 (no such webhook endpoint)", code="WEBHOOK_ENDPOINT_NOT_FOUND")


def _transport(ports: Ports) -> WebhookTransport:
    if ports.webhooks is None:  # a tool's Ports: never the service's
        raise DependencyUnavailable("webhooks are not available here", code="STORE_UNAVAILABLE")
    return ports.webhooks


@dataclass(frozen=True)
class Secret:
    value: str
    old_valid_until: datetime | None = None


async def _vetted(ports: Ports, url: str) -> str:
    problems = await _transport(ports).vet(url)
    if problems:
        raise ValidationFailed(problems)
    return url


async def register_endpoint(
    ports: Ports, actor: Actor, url: str, event_types: Sequence[str], description: str
) -> tuple[WebhookEndpoint, Secret]:
    """A new endpoint for the agency's events from now on, with its secret (shown once)."""
    ensure_agency_admin(actor)
    await _vetted(ports, url)
    agency_id = actor.agency_id or ""
    # The cap holds under concurrent registrations: the n-th endpoint of an agency has the id
    # of slot n, so of two that counted the same n one insert is refused and counts again.
    # (Endpoints are never deleted: the count only grows, and every retry finds one more.)
    for _ in range(MAX_ENDPOINTS + 1):
        taken = len(await endpoints(ports).find({"agency_id": agency_id}))
        if taken >= MAX_ENDPOINTS:
            break
        endpoint = WebhookEndpoint(
            id=_slot_id(agency_id, taken),
            agency_id=agency_id,
            url=url,
            description=description,
            event_types=sorted(set(event_types)),
            created_at=ports.clock.now(),
            created_by=actor.account_id,
            secret_salt=secrets.token_hex(16),
            cursor=await feed_head(ports.store),
        )
        try:
            await endpoints(ports).insert(endpoint)
        except DuplicateKey:
            continue  # another registration took the slot
        return endpoint, Secret(endpoint_secret(ports.signer, endpoint.id, endpoint.secret_salt))
    raise InvalidState(
        f"回调地址最多 {MAX_ENDPOINTS} 个 (at most {MAX_ENDPOINTS} webhook endpoints)",
        current="full",
        allowed=["update"],
        code="TOO_MANY_WEBHOOK_ENDPOINTS",
    )


def _slot_id(agency_id: str, slot: int) -> str:
    """The id of the agency's endpoint number ``slot`` (0, 1, …): one per slot in any store.
    Opaque, like the random ids before it; who may read it is checked on every request."""
    return "wh" + hashlib.sha256(f"{agency_id}/{slot}".encode()).hexdigest()[:24]


async def list_endpoints(ports: Ports, actor: Actor) -> list[WebhookEndpoint]:
    ensure_agency_admin(actor)
    return await endpoints(ports).find({"agency_id": actor.agency_id}, sort="created_at")


async def endpoints_to_mend(ports: Ports, actor: Actor) -> list[WebhookEndpoint]:
    """The admin's 待办: the agency's endpoints the jobs disabled after 3 days of failures."""
    ensure_agency_admin(actor)
    return await endpoints(ports).find(
        {
            "agency_id": actor.agency_id,
            "status": EndpointStatus.DISABLED.value,
            "disabled_reason": FAILING_REASON,
        },
        sort="created_at",
    )


async def get_endpoint(ports: Ports, actor: Actor, endpoint_id: str) -> WebhookEndpoint:
    ensure_agency_admin(actor)
    endpoint = await endpoints(ports).get(endpoint_id)
    if endpoint is None or endpoint.agency_id != actor.agency_id:
        raise endpoint_not_found()
    return endpoint


async def update_endpoint(
    ports: Ports,
    actor: Actor,
    endpoint_id: str,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given; ``enabled`` re-enables a disabled endpoint (its deliveries go on
    where they stopped: the feed kept every event) or disables one."""
    # Authorized before the URL is vetted: vetting resolves the name, and an answer that tells
    # a private from an unresolvable name is a probe of our DNS for anybody who may not edit it.
    await get_endpoint(ports, actor, endpoint_id)
    if url is not None:
        await _vetted(ports, url)

    async def attempt() -> WebhookEndpoint:
        endpoint = await get_endpoint(ports, actor, endpoint_id)
        now = ports.clock.now()
        if url is not None:
            endpoint.url = url
        if event_types is not None:
            endpoint.event_types = sorted(set(event_types))
        if description is not None:
            endpoint.description = description
        if enabled is True and endpoint.status is EndpointStatus.DISABLED:
            endpoint.status = EndpointStatus.ENABLED
            endpoint.failing_since = None  # three more days from the next failure
            endpoint.disabled_at = endpoint.disabled_reason = None
            endpoint.enabled_at = now  # for its waiting deliveries too (``schedulers.webhooks``)
        elif enabled is False and endpoint.status is EndpointStatus.ENABLED:
            endpoint.status = EndpointStatus.DISABLED
            endpoint.disabled_at, endpoint.disabled_reason = now, "disabled by the agency admin"
        await endpoints(ports).save(endpoint)
        return endpoint

    return await with_retries(attempt)


async def roll_secret(
    ports: Ports, actor: Actor, endpoint_id: str
) -> tuple[WebhookEndpoint, Secret]:
    """A new secret, shown once; the one before still signs for 24 hours (deliveries carry a
    signature by each), so receivers can switch without losing a delivery."""

    async def attempt() -> tuple[WebhookEndpoint, Secret]:
        endpoint = await get_endpoint(ports, actor, endpoint_id)
        until = ports.clock.now() + OLD_SECRET_GRACE
        endpoint.old_secret_salt, endpoint.old_secret_until = endpoint.secret_salt, until
        endpoint.secret_salt = secrets.token_hex(16)
        await endpoints(ports).save(endpoint)
        value = endpoint_secret(ports.signer, endpoint.id, endpoint.secret_salt)
        return endpoint, Secret(value, until)

    return await with_retries(attempt)


async def list_deliveries(
    ports: Ports, actor: Actor, endpoint_id: str, limit: int, status: str | None = None
) -> list[Delivery]:
    """The endpoint's delivery log, newest first."""
    endpoint = await get_endpoint(ports, actor, endpoint_id)
    where: dict[str, object] = {"endpoint_id": endpoint.id}
    if status is not None:
        where["status"] = status
    return await deliveries(ports).find(where, sort="created_at", descending=True, limit=limit)


async def redeliver(ports: Ports, actor: Actor, endpoint_id: str, event_id: str) -> Delivery:
    """Send an event of the agency to the endpoint again now (or for the first time: one from
    before the endpoint existed, or of a type it does not take)."""
    endpoint = await get_endpoint(ports, actor, endpoint_id)
    doc = await ports.store.get(FEED, event_id)
    if doc is None or doc.get("agency_id") != endpoint.agency_id:
        raise NotFound("事件不存在 (no such event)", code="EVENT_NOT_FOUND")
    entry = from_doc(FeedEntry, doc)
    now = ports.clock.now()

    async def attempt() -> Delivery:
        found = await deliveries(ports).get(delivery_id(endpoint.id, entry.id))
        if found is None:
            made = new_delivery(endpoint, entry, now, manual=True)
            try:
                await deliveries(ports).insert(made)
            except DuplicateKey:
                return await attempt()  # made meanwhile by the planner: send that one again
            return made
        found.status, found.next_attempt_at, found.manual = DeliveryStatus.PENDING, now, True
        found.failing_since = found.delivered_at = None
        await deliveries(ports).save(found)
        return found

    return await with_retries(attempt)


def new_delivery(
    endpoint: WebhookEndpoint, entry: FeedEntry, now: datetime, *, manual: bool = False
) -> Delivery:
    return Delivery(
        id=delivery_id(endpoint.id, entry.id),
        endpoint_id=endpoint.id,
        agency_id=endpoint.agency_id,
        event_id=entry.id,
        event_seq=entry.seq,
        event_type=entry.type,
        contract_id=entry.contract_id or "",
        created_at=now,
        next_attempt_at=now,
        manual=manual,
    )
