"""The scheduled jobs: plain, idempotent async functions of the ports and the clock.

Each decides on every due contract from its current state (doing nothing when it already moved
on); the ``ContractSweeps`` port (``backend.storage.sweeps``) reads them in bounded batches and
writes each batch with one bulk compare-and-set. A contract that changed between the read and
the write is decided again from what was stored, so two processes running the same job at once
never apply a change twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from signing_flow.codec import encode_time, from_doc
from signing_flow.models import Contract
from signing_flow.orders import end_order, expire_if_due
from signing_flow.ports import Clock, ContractSweeps, DocumentStore
from signing_flow.roles import SYSTEM_ACTOR
from signing_flow.states import PURGEABLE_STATUSES
from signing_flow.vocabulary import ContractAction, ContractStatus, OrderAction

log = logging.getLogger("wangqian.jobs")


@dataclass
class JobReport:
    job: str
    changed: list[str] = field(default_factory=list)  # numbers of the contracts changed

    def __str__(self) -> str:
        return f"{self.job}: {len(self.changed)} changed"


def _purge(contract: Contract, clock: Clock, run: str) -> bool:
    """Delete a contract whose natural-day deadline passed (guide §2.2 (三))."""
    now = clock.now()
    if contract.status not in PURGEABLE_STATUSES or contract.purge_at > now:
        return False
    open_order = contract.order(contract.open_order_id or "")
    if open_order is not None and not expire_if_due(contract, now, SYSTEM_ACTOR):
        end_order(contract, open_order, OrderAction.CANCEL, SYSTEM_ACTOR, now)
    contract.apply(
        ContractAction.PURGE,
        SYSTEM_ACTOR,
        now,
        {"deadline": encode_time(contract.purge_at), "run": run},
    )
    return True


def _expire(contract: Contract, clock: Clock, run: str) -> bool:
    return expire_if_due(contract, clock.now(), SYSTEM_ACTOR, {"run": run})


async def purge_stale_contracts(
    sweeps: ContractSweeps, clock: Clock, *, batch_size: int | None = None
) -> JobReport:
    """Delete contracts still in draft, submitted or signing after their purge deadline: the
    tombstone stays, the property is released, an open order is cancelled, one event written."""
    changed = await sweeps.sweep(
        "purge_at",
        {s.value for s in PURGEABLE_STATUSES},
        clock.now(),
        lambda contract, run: _purge(contract, clock, run),
        batch_size=batch_size,
    )
    return _reported(JobReport("purge_stale_contracts", changed))


async def expire_orders(
    sweeps: ContractSweeps, clock: Clock, *, batch_size: int | None = None
) -> JobReport:
    """Expire orders past their expiry: their tokens and sessions die with them and the
    contract goes back to submitted (or, for a cancellation order, to filed)."""
    changed = await sweeps.sweep(
        "order_expires_at",
        {ContractStatus.SIGNING.value, ContractStatus.CANCELLING.value},
        clock.now(),
        lambda contract, run: _expire(contract, clock, run),
        batch_size=batch_size,
    )
    return _reported(JobReport("expire_orders", changed))


def _reported(report: JobReport) -> JobReport:
    log.info("%s", report)
    return report


async def purge_preview(store: DocumentStore, until: str) -> list[Contract]:
    """What a purge at time ``until`` (encoded) would delete, soonest deadline first."""
    docs = await store.find(
        "contracts",
        {
            "status": {"$in": sorted(s.value for s in PURGEABLE_STATUSES)},
            "purge_at": {"$lte": until},
        },
        sort="purge_at",
    )
    return [from_doc(Contract, d) for d in docs]
