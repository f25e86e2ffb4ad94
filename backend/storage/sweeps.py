"""The sweeps behind the ``ContractSweeps`` port: batched reads and bulk compare-and-sets over
the contracts whose deadline passed, for the scheduled jobs (``schedulers.jobs`` decides).

Each batch is one indexed ``find`` and one bulk compare-and-set (``compare_and_set_many``).
Every contract is decoded only in part (``decided``): the head, the open order without its
parties and the last audit event; decoding the rest and encoding it back was most of a sweep's
time (bench: 92 µs a signing contract whole, 22 µs in part). The fields left out hold
``codec.UNDECODED``, which refuses any use, and are written back from the stored document; so
the decision holds nothing raw, and one that reads a field left out fails at once (in its first
test) instead of reading a stored document: it must then take the field off
``CONTRACT_UNDECODED`` / ``ORDER_UNDECODED``. A test holds the written document equal to the
whole round trip's."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from signing_flow.audit import event_type_of
from signing_flow.codec import encode_time, from_doc, to_doc
from signing_flow.errors import DomainError
from signing_flow.models import Contract, SigningOrder
from signing_flow.ports import Doc, DocumentStore, SweepDecision
from signing_flow.secrets import new_id

# Small batches were faster per contract than large ones (bench, SQLite: 100 → 2.5-2.7× the raw
# statement, 500 → 3.4×), as each batch's documents stay in the caches until they are written.
BATCH_SIZE = 100
# A run stops after about this many contracts; whatever is left is the next run's.
MAX_PER_RUN = 100_000


class EventsObserver(Protocol):
    """Told the (type, data) of the audit events a sweep wrote (the metrics count order ends)."""

    def events_recorded(self, events: Iterable[tuple[str, Mapping[str, Any]]]) -> None: ...


class StoreSweeps:
    """``ContractSweeps`` on any ``DocumentStore`` (both stores run the same queries)."""

    def __init__(self, store: DocumentStore, observer: EventsObserver | None = None) -> None:
        self.store = store
        self.observer = observer

    async def sweep(
        self,
        deadline_field: str,
        statuses: Collection[str],
        until: datetime,
        decide: SweepDecision,
        *,
        batch_size: int | None = None,
    ) -> list[str]:
        store, batch_size = self.store, batch_size or BATCH_SIZE
        where = {
            "status": {"$in": sorted(statuses)},
            deadline_field: {"$lte": encode_time(until)},
        }
        changed: list[str] = []
        run = new_id()  # marks this run's audit events, so it can tell its own writes apart
        done: set[str] = set()  # decided on, and either written or left alone
        for _ in range(MAX_PER_RUN // batch_size):
            # Unsorted: the (status, deadline) index then yields a batch without sorting every
            # candidate first; the order does not matter, the ``done`` set keeps the run moving.
            docs = await store.find("contracts", where, limit=batch_size)
            fresh = [d for d in docs if d["_id"] not in done]
            if not fresh:
                break
            writes: list[tuple[Doc, int]] = []
            for doc in fresh:
                written_doc = decided(doc, run, decide)
                if written_doc is not None:
                    writes.append((written_doc, doc["version"]))
                else:
                    done.add(doc["_id"])
            written = await store.compare_and_set_many("contracts", writes)
            ours = [d for d, _ in writes]
            if written != len(writes):
                ours = await _ours(store, ours, run)
            changed += [d["number"] for d in ours]
            if self.observer is not None:
                before = {d["_id"]: len(d["events"]) for d in fresh}
                self.observer.events_recorded(
                    (e.get("type") or event_type_of(e["action"]), e["data"])
                    for d in ours
                    for e in d["events"][before[d["_id"]] :]
                )
            # The ones we wrote are done; the ones that lost are re-read and decided again.
            done.update(d["_id"] for d in ours)
            if len(docs) < batch_size and written == len(writes):
                break
        return changed


# What no sweep reads or changes, of a contract and of its open order: decoding these and
# encoding them back was most of a sweep's time (bench), so they stay undecoded.
CONTRACT_UNDECODED = frozenset(
    {"property", "sellers", "buyers", "applicant", "evaluation", "fund_supervision",
     "acknowledgements", "window_case"}
)  # fmt: skip
ORDER_UNDECODED = frozenset({"parties"})


def decided(doc: Doc, run: str, decide: SweepDecision) -> Doc | None:
    """The document as ``decide`` changes it, or None. ``decide`` sees a partial contract:
    the fields of ``CONTRACT_UNDECODED`` and its open order's ``ORDER_UNDECODED`` hold
    ``UNDECODED``; ``orders`` holds the open order alone and ``events`` the last audit event
    alone (the chain's link: the jobs only append). Everything else is written back as it was
    stored."""
    orders = {o["_id"]: o for o in doc.get("orders", [])}
    open_order = orders.get(doc.get("open_order_id") or "")
    link = doc["events"][-1:]
    contract = from_doc(
        Contract, {**doc, "orders": [], "events": link}, undecoded=CONTRACT_UNDECODED
    )
    if open_order is not None:
        contract.orders = [from_doc(SigningOrder, open_order, undecoded=ORDER_UNDECODED)]
    try:
        if not decide(contract, run):
            return None
    except DomainError:
        return None  # moved on to a state this job does not touch
    for order in contract.orders:
        orders[order.id] = {**orders[order.id], **to_doc(order, undecoded=ORDER_UNDECODED)}
    contract.orders, contract.events = [], contract.events[len(link) :]
    changed = {**doc, **to_doc(contract, undecoded=CONTRACT_UNDECODED)}
    changed["orders"] = list(orders.values())
    changed["events"] = doc["events"] + changed["events"]
    return changed


async def _ours(store: DocumentStore, written: list[Doc], run: str) -> list[Doc]:
    """After a partly lost bulk write: which of ``written`` landed, known by this run's mark on
    the last audit event (another process running the same job marks its own)."""
    stored = await store.find("contracts", {"_id": {"$in": [d["_id"] for d in written]}})
    landed = {d["_id"] for d in stored if d["events"] and d["events"][-1]["data"].get("run") == run}
    return [d for d in written if d["_id"] in landed]
