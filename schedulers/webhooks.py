"""The webhook jobs: make deliveries from the feed, send the due ones, prune the log.

**Planning.** Each enabled endpoint keeps the feed place up to which it has deliveries
(``cursor``); the planner makes one delivery per later event of the agency that the endpoint
takes (id ``<endpoint>.<event>``: making one twice is a refused insert), then moves the cursor
by compare-and-set. A crash in between makes the same deliveries again, i.e. none.

**Bookkeeping moves the version.** The jobs write an endpoint's ``cursor`` and
``failing_since`` by compare-and-set (``save``), not ``set_fields``: the admin's writes are
whole-document compare-and-sets of what they read, and would write back the old values of
fields a ``set_fields`` changed without moving the version (a lost first failure restarts the
3 days). With both moving it, whichever writes second re-reads (the admin's ``with_retries``)
or leaves it to the next run (the jobs). Nothing outside reads an endpoint's version.

**Sending.** A due delivery is *claimed* by a compare-and-set that counts the attempt and puts
its next attempt a lease ahead (``CLAIM``): of two processes, one wins and sends; the other
skips it. If the sender dies, the lease runs out and the delivery is due again. The outcome is
written by a compare-and-set from the claimed version. One contract's deliveries to one endpoint
go in the feed's order: a delivery waits while an earlier one of its contract is pending
(failing, or in its backoff). Deliveries by hand (``manual``) are out of order by nature and
hold up nothing.

**Failing.** Anything but a 2xx within the timeout is retried after ``retry_delay`` (doubling,
jittered, up to 6 h). A delivery failing for 3 days is given up (``failed``; redeliverable by
hand), which lets its contract's later events go on. An endpoint with no success for 3 days is
disabled, with a ``webhook_endpoint.disabled`` event in the feed. The endpoint is written
first (a compare-and-set that lost re-reads: a success meanwhile means no disablement), the
event after, so none announces a disablement that did not happen. Its id counts the endpoint's
disablements: every run appends the event of each endpoint the jobs disabled (``announce``),
so a crash in between appends it later, and again is nothing.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson

from schedulers.feed import FeedWriter
from signing_flow.codec import encode_time, from_doc, to_doc
from signing_flow.errors import DuplicateKey, VersionConflict
from signing_flow.events import FeedEntry, endpoint_event, public_view
from signing_flow.ports import Ports, PostOutcome
from signing_flow.usecases.events import FEED
from signing_flow.usecases.webhooks import (
    DELIVERIES,
    deliveries,
    endpoints,
    new_delivery,
)
from signing_flow.webhook_models import (
    FAILING_REASON,
    Attempt,
    Delivery,
    DeliveryStatus,
    EndpointStatus,
    WebhookEndpoint,
)
from signing_flow.webhook_rules import (
    DELIVERY_TIMEOUT_SECONDS,
    LOG_BODIES_KEPT,
    RETRY_FOR,
    endpoint_secret,
    retry_delay,
    signature_header,
)

log = logging.getLogger("wangqian.webhooks")

PLAN_BATCH = 500
SEND_BATCH = 100
CONCURRENCY = 16  # deliveries in flight at once per process
MAX_ROUNDS = 100  # rounds per run: each sends at most one delivery per contract and endpoint
# An attempt's lease: past the longest timeout (WANGQIAN_WEBHOOK_TIMEOUT is at most 20 s), then
# the delivery is due again (its sender died).
CLAIM = timedelta(seconds=DELIVERY_TIMEOUT_SECONDS + 20)
KEPT_ATTEMPTS = 30  # the log keeps a delivery's last attempts
USER_AGENT = "wangqian-webhooks/1"


@dataclass
class DeliveryReport:
    made: int = 0
    delivered: int = 0
    failed: int = 0  # attempts that failed
    given_up: int = 0
    lost_claims: int = 0
    disabled: int = 0

    def __str__(self) -> str:
        return (
            f"webhooks: {self.made} made, {self.delivered} delivered, {self.failed} failed "
            f"attempts, {self.given_up} given up, {self.disabled} endpoints disabled"
        )


async def run_webhooks(ports: Ports, *, rng: random.Random | None = None) -> DeliveryReport:
    """One run: plan, send what is due, prune the log."""
    report = DeliveryReport()
    report.made = await plan_deliveries(ports)
    await announce(ports)
    await deliver_due(ports, report, rng=rng)
    await prune_log(ports)
    if report.made or report.delivered or report.failed:
        log.info("%s", report)
    return report


async def plan_deliveries(ports: Ports) -> int:
    made = 0
    for endpoint in await endpoints(ports).find({"status": EndpointStatus.ENABLED.value}):
        cursor = endpoint.cursor
        while True:
            where = {"agency_id": endpoint.agency_id, "seq": {"$gt": cursor}}
            docs = await ports.store.find(FEED, where, sort="seq", limit=PLAN_BATCH)
            if not docs:
                break
            now = ports.clock.now()
            for doc in docs:
                entry = from_doc(FeedEntry, doc)
                if entry.endpoint_id == endpoint.id or not endpoint.wants(entry.type):
                    continue
                try:
                    await deliveries(ports).insert(new_delivery(endpoint, entry, now))
                    made += 1
                except DuplicateKey:
                    pass
            cursor = endpoint.cursor = int(docs[-1]["seq"])
            if not await _mark(ports, endpoint):
                break  # changed meanwhile: the next run reads it again
            if len(docs) < PLAN_BATCH:
                break
    return made


async def deliver_due(
    ports: Ports, report: DeliveryReport, *, rng: random.Random | None = None
) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)
    for _ in range(MAX_ROUNDS):
        enabled = {
            e.id: e for e in await endpoints(ports).find({"status": EndpointStatus.ENABLED.value})
        }
        if not enabled:
            return
        where = {
            "status": DeliveryStatus.PENDING.value,
            "next_attempt_at": {"$lte": encode_time(ports.clock.now())},
            "endpoint_id": {"$in": sorted(enabled)},
        }
        due = await deliveries(ports).find(where, sort="next_attempt_at", limit=SEND_BATCH)
        ready = [d for d in _firsts(due) if not await _waits(ports, d)]
        if not ready:
            return

        # Every send finishes before an error goes up: none is left running behind the job.
        outcomes = await asyncio.gather(
            *(_gated(gate, ports, enabled[d.endpoint_id], d, report, rng) for d in ready),
            return_exceptions=True,
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome


def _firsts(due: list[Delivery]) -> list[Delivery]:
    """The earliest event of each contract and endpoint among ``due``."""
    firsts: dict[tuple[str, str], Delivery] = {}
    for delivery in due:
        ordered = delivery.contract_id and not delivery.manual
        key = (delivery.endpoint_id, delivery.contract_id if ordered else delivery.id)
        if key not in firsts or delivery.event_seq < firsts[key].event_seq:
            firsts[key] = delivery
    return list(firsts.values())


async def _waits(ports: Ports, delivery: Delivery) -> bool:
    """Whether an earlier event of the delivery's contract is still pending for its endpoint."""
    if not delivery.contract_id or delivery.manual:
        return False
    where = {
        "endpoint_id": delivery.endpoint_id,
        "contract_id": delivery.contract_id,
        "event_seq": {"$lt": delivery.event_seq},
        "status": DeliveryStatus.PENDING.value,
        "manual": False,
    }
    return bool(await ports.store.find(DELIVERIES, where, limit=1))


async def _gated(
    gate: asyncio.Semaphore,
    ports: Ports,
    endpoint: WebhookEndpoint,
    delivery: Delivery,
    report: DeliveryReport,
    rng: random.Random | None,
) -> None:
    async with gate:
        await _attempt(ports, endpoint, delivery, report, rng)


async def _attempt(
    ports: Ports,
    endpoint: WebhookEndpoint,
    delivery: Delivery,
    report: DeliveryReport,
    rng: random.Random | None,
) -> None:
    assert ports.webhooks is not None
    now = ports.clock.now()
    delivery.attempt_count += 1
    delivery.next_attempt_at = now + CLAIM
    try:
        await deliveries(ports).save(delivery)  # the claim
    except VersionConflict:
        report.lost_claims += 1
        return
    doc = await ports.store.get(FEED, delivery.event_id)
    assert doc is not None, "a delivery is made from its feed entry, which is never removed"
    body = orjson.dumps(public_view(from_doc(FeedEntry, doc)))
    # The signature's time is the wall clock's (the receiver compares it with its own), even
    # when the sandbox's clock was moved.
    stamp = int(time.time())
    secrets = [endpoint_secret(ports.signer, endpoint.id, s) for s in endpoint.salts(now)]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Wangqian-Event-Id": delivery.event_id,
        "Wangqian-Delivery-Attempt": str(delivery.attempt_count),
        "Wangqian-Signature": signature_header(secrets, stamp, body),
    }
    outcome = await ports.webhooks.post(endpoint.url, body, headers)
    await _settle(ports, endpoint, delivery, outcome, report, rng)


async def _settle(
    ports: Ports,
    endpoint: WebhookEndpoint,
    delivery: Delivery,
    outcome: PostOutcome,
    report: DeliveryReport,
    rng: random.Random | None,
) -> None:
    now = ports.clock.now()
    attempt = Attempt(
        number=delivery.attempt_count,
        at=now,
        latency_ms=outcome.latency_ms,
        status_code=outcome.status_code,
        error=outcome.error,
        response_excerpt=outcome.excerpt,
    )
    delivery.attempts = [*delivery.attempts, attempt][-KEPT_ATTEMPTS:]
    delivery.excerpts_until = _excerpts_until(delivery.attempts)
    if attempt.succeeded:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        delivery.failing_since = None
        report.delivered += 1
    else:
        report.failed += 1
        since, enabled = delivery.failing_since, endpoint.enabled_at
        # failing since before the endpoint was enabled again: a new start, not 3 days gone
        if since is None or (enabled is not None and since < enabled):
            since = now
        delivery.failing_since = since
        if now - since >= RETRY_FOR:
            delivery.status = DeliveryStatus.FAILED
            report.given_up += 1
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempt_count, rng)
    try:
        await deliveries(ports).save(delivery)
    except VersionConflict:
        # Claimed again after the lease ran out: that attempt's outcome is the one kept.
        log.warning("delivery %s: outcome of attempt %d not kept", delivery.id, attempt.number)
        report.lost_claims += 1
    await _endpoint_outcome(ports, endpoint, attempt.succeeded, now, report)


def _excerpts_until(attempts: list[Attempt]) -> datetime | None:
    kept = [a.at for a in attempts if a.response_excerpt is not None]
    return min(kept) + LOG_BODIES_KEPT if kept else None


async def _endpoint_outcome(
    ports: Ports, endpoint: WebhookEndpoint, succeeded: bool, now: datetime, report: DeliveryReport
) -> None:
    """Keep the endpoint's first failure since its last success; disable it after 3 days."""
    if succeeded:
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            await _mark(ports, endpoint)
        return
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        await _mark(ports, endpoint)
    elif now - endpoint.failing_since >= RETRY_FOR:
        await _disable(ports, endpoint, now, report)


async def _mark(ports: Ports, endpoint: WebhookEndpoint) -> bool:
    """Write the jobs' bookkeeping by compare-and-set (module doc); False when it lost."""
    try:
        await endpoints(ports).save(endpoint)
    except VersionConflict:
        return False  # changed meanwhile: the next run reads it again
    return True


async def _disable(
    ports: Ports, endpoint: WebhookEndpoint, now: datetime, report: DeliveryReport
) -> None:
    while True:
        current = await endpoints(ports).get(endpoint.id)
        if current is None or current.status is not EndpointStatus.ENABLED:
            return
        since = current.failing_since
        if since is None or now - since < RETRY_FOR:
            return  # a success (or the admin) since: not failing for 3 days after all
        current.status, current.disablements = EndpointStatus.DISABLED, current.disablements + 1
        current.disabled_at, current.disabled_reason = now, FAILING_REASON
        try:
            await endpoints(ports).save(current)
        except VersionConflict:
            continue  # changed meanwhile: decide again on what it is now
        break
    endpoint.status = EndpointStatus.DISABLED
    report.disabled += 1
    log.warning("webhook endpoint %s disabled after failing since %s", current.id, since)
    await _announce(ports, current)


async def announce(ports: Ports) -> int:
    """Append the event of each endpoint the jobs disabled whose event is not in the feed (its
    process died between the two writes); how many were appended."""
    where = {"status": EndpointStatus.DISABLED.value, "disabled_reason": FAILING_REASON}
    appended = 0
    for endpoint in await endpoints(ports).find(where):
        appended += await _announce(ports, endpoint)
    return appended


async def _announce(ports: Ports, endpoint: WebhookEndpoint) -> bool:
    """The endpoint's last disablement by the jobs, in the feed once (its id is stable)."""
    event = endpoint_event(
        endpoint.id,
        endpoint.agency_id,
        endpoint.disablements,
        endpoint.disabled_at or ports.clock.now(),
        # No url: it may hold a credential in its query, and the event goes to the agency's
        # other endpoints and to the center's staff. The endpoint's id names it.
        {"failing_since": _iso(endpoint.failing_since)},
    )
    if await ports.store.get(FEED, event.id) is not None:
        return False
    event.moved_at = ports.clock.now()
    return await FeedWriter(ports.store).append(event)


async def prune_log(ports: Ports) -> int:
    """Drop the receivers' answers older than 7 days from the delivery log."""
    now = ports.clock.now()
    where = {"excerpts_until": {"$lte": encode_time(now)}}
    pruned = 0
    for delivery in await deliveries(ports).find(where, limit=SEND_BATCH):
        for attempt in delivery.attempts:
            if attempt.at + LOG_BODIES_KEPT <= now:
                attempt.response_excerpt = None
        fields = {
            "attempts": [to_doc(a) for a in delivery.attempts],
            "excerpts_until": _iso(_excerpts_until(delivery.attempts)),
        }
        pruned += await ports.store.set_fields(DELIVERIES, delivery.id, delivery.version, fields)
    return pruned


def _iso(value: datetime | None) -> str | None:
    return encode_time(value) if value is not None else None
