"""Webhook endpoints and their deliveries: one document each (collections
``webhook_endpoints`` and ``webhook_deliveries``), changed by compare-and-set like every
aggregate. The rules they follow are in ``webhook_rules``; the jobs in ``schedulers.webhooks``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EndpointStatus(StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"


ENDPOINT_LABELS = {EndpointStatus.ENABLED: "启用", EndpointStatus.DISABLED: "已停用"}


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # given up after failing for 3 days; can be redelivered by hand


DELIVERY_LABELS = {
    DeliveryStatus.PENDING: "待发送",
    DeliveryStatus.DELIVERED: "已送达",
    DeliveryStatus.FAILED: "发送失败，已放弃",
}


# The jobs' reason for disabling an endpoint (the admin's own disabling gives none): the admin
# has a to-do entry for each endpoint disabled so.
FAILING_REASON = "failing for 3 days"


@dataclass
class WebhookEndpoint:
    id: str
    agency_id: str
    url: str
    description: str
    event_types: list[str]  # empty: every type
    created_at: datetime
    created_by: str
    secret_salt: str  # the secret is derived from it and the platform key (webhook_rules)
    status: EndpointStatus = EndpointStatus.ENABLED
    old_secret_salt: str | None = None  # the rolled-over secret, valid until…
    old_secret_until: datetime | None = None
    # Bookkeeping of the jobs, written by compare-and-set like the admin's changes (so neither
    # writes back the other's old values: ``schedulers.webhooks``): the feed's place up to
    # which deliveries were made, and the first failure since the last success.
    cursor: int = 0
    failing_since: datetime | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    disablements: int = 0  # how often the jobs disabled it: the id of its event
    # When the admin last enabled it again: its deliveries' failures count from then (a week
    # disabled is no failing of the deliveries that waited).
    enabled_at: datetime | None = None
    version: int = 0

    def disabled_for_failing(self) -> bool:
        return self.status is EndpointStatus.DISABLED and self.disabled_reason == FAILING_REASON

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def salts(self, now: datetime) -> list[str]:
        """The salts of the secrets that sign now: the current one, and the old one while it
        is still valid."""
        old = self.old_secret_salt
        if old and self.old_secret_until is not None and now < self.old_secret_until:
            return [self.secret_salt, old]
        return [self.secret_salt]


@dataclass
class Attempt:
    number: int
    at: datetime
    latency_ms: int
    status_code: int | None = None  # None when no answer came
    error: str | None = None  # timeout, connection refused, address refused, redirect, …
    # the start of the receiver's answer, dropped after 7 days (``webhook_rules.LOG_BODIES_KEPT``)
    response_excerpt: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class Delivery:
    """One event for one endpoint: ``<endpoint id>.<event id>``, made once per pair."""

    id: str
    endpoint_id: str
    agency_id: str
    event_id: str
    event_seq: int
    event_type: str
    # Deliveries of one contract go in the feed's order; "" for an event of no contract.
    contract_id: str
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempt_count: int = 0
    attempts: list[Attempt] = field(default_factory=list)
    failing_since: datetime | None = None
    delivered_at: datetime | None = None
    manual: bool = False  # redelivered by hand: out of order by nature
    # the last attempt's time + 7 days while the log holds an excerpt (the pruning query)
    excerpts_until: datetime | None = None
    version: int = 0


def delivery_id(endpoint_id: str, event_id: str) -> str:
    return f"{endpoint_id}.{event_id}"
