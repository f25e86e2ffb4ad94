"""What the layers count into ``backend.metrics``: store errors and lost compare-and-sets, job
runs with what they changed, webhook deliveries and the feed's lag, order ends from audit
events; and that several processes' values add up in multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backend.metrics import Metrics, order_end
from backend.storage.metered import MeteredStore
from schedulers.feed import MoveReport
from schedulers.jobs import JobReport
from schedulers.observe import observed
from schedulers.webhooks import DeliveryReport
from signing_flow.errors import DependencyUnavailable, VersionConflict
from signing_flow.ports import DocumentStore


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


class Unreachable:
    """A store whose reads fail as an unreachable server's do, and whose writes always lose."""

    async def get(self, collection: str, doc_id: str) -> None:
        raise DependencyUnavailable("存储不可用", code="STORE_UNAVAILABLE")

    async def compare_and_set(self, collection: str, doc: Any, expected_version: int) -> Any:
        raise VersionConflict("lost")

    async def compare_and_set_many(self, collection: str, items: list[Any]) -> int:
        return 1

    async def set_fields(self, *args: Any) -> bool:
        return False

    def writing(self, collection: str, doc_id: str) -> Any:
        raise NotImplementedError


def metered(metrics: Metrics) -> DocumentStore:
    inner: Any = Unreachable()
    return MeteredStore(inner, metrics)


async def test_a_store_that_does_not_answer_is_counted_by_operation() -> None:
    metrics = Metrics()
    with pytest.raises(DependencyUnavailable):
        await metered(metrics).get("contracts", "c1")
    assert sample(metrics, "wangqian_store_errors_total", operation="get") == 1


async def test_lost_compare_and_sets_are_counted_by_collection() -> None:
    metrics = Metrics()
    store = metered(metrics)
    with pytest.raises(VersionConflict):
        await store.compare_and_set("contracts", {"_id": "c1"}, 1)
    assert await store.compare_and_set_many("contracts", [({}, 1), ({}, 1), ({}, 1)]) == 1
    assert await store.set_fields("sessions", "s1", 1, {}) is False
    assert sample(metrics, "wangqian_store_conflicts_total", collection="contracts") == 3
    assert sample(metrics, "wangqian_store_conflicts_total", collection="sessions") == 1


async def test_a_job_run_is_counted_with_what_it_changed_and_how_long_it_took() -> None:
    metrics = Metrics()

    async def expire() -> JobReport:
        return JobReport("expire_orders", changed=["ZS2026-000001", "ZS2026-000002"])

    await observed("expire_orders", expire, metrics)()
    assert sample(metrics, "wangqian_job_runs_total", job="expire_orders", result="ok") == 1
    assert sample(metrics, "wangqian_job_changes_total", job="expire_orders", what="changed") == 2
    assert sample(metrics, "wangqian_job_duration_seconds_count", job="expire_orders") == 1


async def test_a_failed_job_run_is_counted_as_an_error() -> None:
    metrics = Metrics()

    async def broken() -> None:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await observed("move_events", broken, metrics)()
    assert sample(metrics, "wangqian_job_runs_total", job="move_events", result="error") == 1


def test_webhook_deliveries_are_counted_by_outcome() -> None:
    metrics = Metrics()
    metrics.job_ran("deliver_webhooks", 0.1, DeliveryReport(made=3, delivered=2, failed=1))
    assert sample(metrics, "wangqian_webhook_deliveries_total", outcome="delivered") == 2
    assert sample(metrics, "wangqian_webhook_deliveries_total", outcome="failed") == 1
    assert sample(metrics, "wangqian_webhook_deliveries_total", outcome="given_up") == 0


def test_the_feed_lag_is_observed_for_each_moved_event() -> None:
    metrics = Metrics()
    metrics.job_ran("move_events", 0.01, MoveReport(moved=2, lags=[0.2, 3.0]))
    assert sample(metrics, "wangqian_feed_lag_seconds_count") == 2
    assert sample(metrics, "wangqian_feed_lag_seconds_bucket", le="0.5") == 1
    assert sample(metrics, "wangqian_job_changes_total", job="move_events", what="moved") == 2


@pytest.mark.parametrize(
    ("event_type", "data", "status"),
    [
        ("order_completed", {"order_id": "c-o1"}, None),  # not an end: submitted next
        ("order_failed", {"order_status": "completed"}, None),
        ("order_cancelled", {"order_status": "cancelled"}, "cancelled"),
        ("order_expired", {"order_status": "expired"}, "expired"),
        ("order_failed", {"order_status": "declined"}, "declined"),
        ("order_failed", {"order_status": "failed"}, "failed"),
        ("contract_filed", {"order_id": "c-o1"}, "submitted"),
        ("contract_cancelled", {"order_id": "c-o2"}, "submitted"),
        ("contract_filed", {}, None),  # approved at the window: no order
        ("party_signed", {"order_id": "c-o1"}, None),
        ("order_failed", {"order_status": "c-o1"}, None),  # never a label from free data
    ],
)
def test_an_order_end_is_read_from_its_audit_event(
    event_type: str, data: dict[str, str], status: str | None
) -> None:
    assert order_end(event_type, data) == status


# A worker as ``serve --workers`` starts it: the directory is in the environment it inherits.
WORKER = """
import os
from backend.metrics import Metrics
metrics = Metrics()
metrics.request("GET", "/healthz", 200, 0.01)
metrics.waiting("signing_order", 1)
print(os.getpid())
"""
SCRAPE = """
import sys
from backend.metrics import Metrics, process_exited
process_exited(int(sys.argv[1]))
print(Metrics().exposition()[0].decode())
"""


def python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout.strip()


def test_several_processes_values_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"stale")
    prepare = "import sys; from backend.metrics import prepare_multiprocess as p; p(sys.argv[1])"
    python(prepare, str(directory))
    assert not (directory / "counter_999999.db").exists()  # a previous run's files are gone
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    first, _ = python(WORKER, env=env), python(WORKER, env=env)
    text = python(SCRAPE, first, env=env)
    counted = 'wangqian_http_requests_total{method="GET",route="/healthz",status="200"} 2.0'
    assert counted in text
    # the exited worker's waiter left the live sum; the other's is still there
    assert 'wangqian_long_poll_waiters{feed="signing_order"} 1.0' in text
