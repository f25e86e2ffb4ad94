"""The service's Prometheus metrics (docs/operations.md#metrics), one ``Metrics`` per app.

Labels come from closed sets only: a route's template (never the raw path), a step's name, an
error code, a status, a job's name, a collection's name. Nothing an id, a token or a contract
number could reach: a label value that grows with traffic would also grow the scrape.

**Several workers.** prometheus-client keeps each process's values in memory unless
``PROMETHEUS_MULTIPROC_DIR`` is set when the metric objects are made; then every process writes
them to files in that directory and a scrape, answered by any worker, sums the files
(``MultiProcessCollector``). ``serve --workers`` calls ``prepare_multiprocess`` in the parent
before any worker makes its app, and ``process_exited`` for each worker that ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from signing_flow.vocabulary import OrderStatus

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "(unmatched)"  # every path no route matched: 404s, scans for /wp-admin
OTHER_METHOD = "OTHER"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PASSED = "passed"

# Requests: most answer in milliseconds; long-polls hold up to 30 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
JOB_BUCKETS = (0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 60, 300, 3600)

# The order statuses an order ends in (completed is where signing ends; submitted files it).
ENDED = frozenset(
    s.value for s in OrderStatus if s not in (OrderStatus.AWAITING_SIGNATURES, OrderStatus.COMPLETED)
)  # fmt: skip
# The audit events whose order status is in their data (``signing_flow.orders.end_order``).
_END_EVENTS = frozenset({"order_cancelled", "order_expired", "order_failed"})
# A submit ends a completed order: filed online, or a cancellation carried out.
_SUBMIT_EVENTS = frozenset({"contract_filed", "contract_cancelled"})
WEBHOOK_OUTCOMES = ("delivered", "failed", "given_up", "lost_claims")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess(path: str | os.PathLike[str]) -> None:
    """Switch this process, and the workers it starts after, to multiprocess metrics in
    ``path``: created if missing, emptied of a previous run's files (they would be summed with
    this run's), and named in the environment the workers inherit. Metric objects made before
    the call keep their in-memory values, so call it before ``create_app``."""
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(directory)
    # prometheus-client chose its value class when imported; choose again with the directory set.
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


def process_exited(pid: int) -> None:
    """A worker ended: its live gauges (long-poll waiters) leave the sum; its counters stay."""
    if (directory := multiprocess_dir()) is not None:
        multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]


def order_end(event_type: str, data: Mapping[str, Any]) -> str | None:
    """The status an order ended in, if this audit event ended one. ``completed`` (all signed) is
    not an end: such an order goes on to ``submitted`` or ``cancelled`` (``ORDER_TRANSITIONS``),
    and counting both would count it twice."""
    if event_type in _END_EVENTS:
        status = data.get("order_status")
        return status if status in ENDED else None
    if event_type in _SUBMIT_EVENTS and data.get("order_id"):
        return OrderStatus.SUBMITTED.value
    return None


def report_counts(report: object) -> dict[str, int]:
    """What a job's report says it changed: its whole-number fields, and how many it lists in
    ``changed`` (contract numbers, which must not become labels)."""
    if not is_dataclass(report):
        return {}
    counts: dict[str, int] = {}
    for f in fields(report):
        value = getattr(report, f.name)
        if isinstance(value, int) and not isinstance(value, bool):
            counts[f.name] = value
        elif f.name == "changed" and isinstance(value, list):
            counts[f.name] = len(value)
    return counts


class Metrics:
    """Every metric the service keeps, and the calls the layers make to count."""

    def __init__(self) -> None:
        # Our own registry, not the global one: each app (tests make many) counts for itself.
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "wangqian_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "wangqian_http_request_duration_seconds",
            "Time to answer, by method and route template (long-polls included)",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.steps = Counter(
            "wangqian_handshake_steps",
            "Mini-program handshake steps, by step and result (passed or the error code)",
            ["step", "result"],
            registry=registry,
        )
        self.orders = Counter(
            "wangqian_orders_ended",
            "Signing orders that reached an end status (completed, submitted, cancelled, ...)",
            ["status"],
            registry=registry,
        )
        self.job_runs = Counter(
            "wangqian_job_runs",
            "Runs of the scheduled and event jobs, by job and result (ok or error)",
            ["job", "result"],
            registry=registry,
        )
        self.job_changes = Counter(
            "wangqian_job_changes",
            "What the job runs changed, by job and what (the counts of each run's report)",
            ["job", "what"],
            registry=registry,
        )
        self.job_duration = Histogram(
            "wangqian_job_duration_seconds",
            "How long a job run took, by job",
            ["job"],
            buckets=JOB_BUCKETS,
            registry=registry,
        )
        self.store_errors = Counter(
            "wangqian_store_errors",
            "Store calls that failed because the store did not answer, by operation",
            ["operation"],
            registry=registry,
        )
        self.conflicts = Counter(
            "wangqian_store_conflicts",
            "Compare-and-set writes that lost to another writer, by collection",
            ["collection"],
            registry=registry,
        )
        self.waiters = Gauge(
            "wangqian_long_poll_waiters",
            "Long-polls waiting now, by feed (signing_order or events)",
            ["feed"],
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.webhooks = Counter(
            "wangqian_webhook_deliveries",
            "Webhook delivery attempts and their ends, by outcome",
            ["outcome"],
            registry=registry,
        )
        self.feed_lag = Histogram(
            "wangqian_feed_lag_seconds",
            "Time from an event's transition to its entry in the events feed",
            buckets=LAG_BUCKETS,
            registry=registry,
        )

    # -- the HTTP layer ---------------------------------------------------------------------

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else OTHER_METHOD
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def step(self, step: str, result: str) -> None:
        self.steps.labels(step, result).inc()

    # -- domain events (the notifier's hand-off and the sweeps' writes) ---------------------

    def events_recorded(self, events: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        for event_type, data in events:
            if (status := order_end(event_type, data)) is not None:
                self.orders.labels(status).inc()

    # -- jobs (``schedulers.observe.JobObserver``) -------------------------------------------

    def job_ran(self, job: str, seconds: float, report: object | None) -> None:
        self.job_runs.labels(job, "ok" if report is not None else "error").inc()
        self.job_duration.labels(job).observe(seconds)
        counts = report_counts(report)
        for what, n in counts.items():
            if n:
                self.job_changes.labels(job, what).inc(n)
        if job == "deliver_webhooks":
            for outcome in WEBHOOK_OUTCOMES:
                if n := counts.get(outcome, 0):
                    self.webhooks.labels(outcome).inc(n)
        for lag in getattr(report, "lags", ()):
            self.feed_lag.observe(lag)

    # -- the store (``backend.storage.metered``) ----------------------------------------------

    def store_error(self, operation: str) -> None:
        self.store_errors.labels(operation).inc()

    def conflict(self, collection: str, lost: int = 1) -> None:
        self.conflicts.labels(collection).inc(lost)

    # -- long-polls (``backend.status_poll.ChangeFeed``) --------------------------------------

    def waiting(self, feed: str, delta: int) -> None:
        self.waiters.labels(feed).inc(delta)

    # -- the scrape ---------------------------------------------------------------------------

    def exposition(self) -> tuple[bytes, str]:
        """The text format: every process's values in multiprocess mode, else this app's."""
        if (directory := multiprocess_dir()) is not None:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
