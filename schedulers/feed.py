"""The events feed's writer and the job that moves contracts' events into it (the outbox relay).

**The feed is one total order without gaps.** Each entry's ``seq`` is its place; an entry is
written at ``seq = head + 1`` where ``head`` is the highest place taken, and the unique index on
``seq`` decides between two writers aiming at one place (the loser reads the head again). So a
place is taken only after every place before it, and a reader that saw ``n`` has seen every
place below ``n``: reading "after my cursor" can never skip an entry that shows up later. (A
number drawn from ``next_sequence`` first and written after would not do: two movers draw 7 and
8, 8 is written first, a reader moves its cursor past 7 before 7 appears.)

**Exactly once.** An entry's ``_id`` is the audit event's id, so copying an event again is a
refused insert (``DuplicateKey`` on ``_id``), counted and skipped. A contract says it has events
not yet copied with ``feed_pending`` (set by every write that records one,
``Contract.record``); the mover reads those contracts (an indexed query), copies each one's
events after ``events_moved`` (or after its last event already in the feed, when that is
further) in the contract's order, then marks the contract with
``set_fields`` (``feed_pending: False``, ``events_moved: <last seq>``) *if its version is still
the one read*. The mark moves no version: an agent's compare-and-set, the status poll's kept
answers and ETags are not disturbed by a job. A write since the read keeps the contract pending
(the run reads it again, copies what it recorded and marks again, up to ``MARK_ATTEMPTS``
times, then leaves it to the next run); a writer that read before the mark may write the old
marker back, which costs the next run one query, never a lost or doubled event. A process
that dies after the transition, or between the inserts and the mark, leaves the contract
pending.

Safe in every process at once: two movers on one contract insert the same ids (one wins each)
and mark the same version. A contract's events enter the feed in its own order, since each
mover copies them in order and goes on only once the one before is in.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass, field

from signing_flow.audit import AuditEvent, event_id
from signing_flow.codec import from_doc, to_doc
from signing_flow.errors import DuplicateKey
from signing_flow.events import ContractHead, FeedEntry, feed_entry, public_types
from signing_flow.ports import Clock, Doc, DocumentStore
from signing_flow.usecases.events import FEED, feed_head

log = logging.getLogger("wangqian.feed")

BATCH_SIZE = 100
MAX_PER_RUN = 10_000  # contracts; what is left is the next run's
# Marks of one contract per run that may lose to its writers before the run leaves it pending.
MARK_ATTEMPTS = 3
# Attempts at one entry's place before giving up the run (each lost one means another writer
# took the place, i.e. the feed moved on).
_PLACE_ATTEMPTS = 1000


class FeedWriter:
    """Appends entries at the feed's head. Keeps the head it last saw (a hint: a lost place
    reads it again)."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store
        self._head: int | None = None

    async def head(self) -> int:
        """The highest place taken (0 for an empty feed), read from the store."""
        self._head = await feed_head(self.store)
        return self._head

    async def append(self, entry: FeedEntry) -> bool:
        """Write ``entry`` at the next place; False when an entry of its id is there already."""
        head = self._head if self._head is not None else await self.head()
        for _ in range(_PLACE_ATTEMPTS):
            entry.seq = head + 1
            try:
                await self.store.insert(FEED, to_doc(entry))
            except DuplicateKey as exc:
                if exc.key != "seq":
                    return False  # copied already (by us before a crash, or by another mover)
                head = await self.head()
                continue
            self._head = entry.seq
            return True
        raise RuntimeError("could not take a place in the feed")  # pragma: no cover


@dataclass
class MoveReport:
    moved: int = 0  # entries written
    again: int = 0  # entries found there already
    contracts: int = 0  # contracts marked
    # seconds from each moved event's transition to its entry in the feed (for the metrics)
    lags: list[float] = field(default_factory=list)

    def moved_one(self, entry: FeedEntry) -> None:
        self.moved += 1
        self.lags.append(((entry.moved_at or entry.at) - entry.at).total_seconds())

    def __str__(self) -> str:
        return (
            f"move_events: {self.moved} moved, {self.again} already there, {self.contracts} marked"
        )


async def move_events(
    store: DocumentStore, clock: Clock, *, batch_size: int = BATCH_SIZE
) -> MoveReport:
    """Copy every contract's events that are not in the feed yet into it, once each."""
    report = MoveReport()
    writer = FeedWriter(store)
    done: set[str] = set()
    # ``None``: contracts last written before the feed existed, whose trail is moved too.
    for pending in (True, None):
        while len(done) < MAX_PER_RUN:
            docs = await store.find("contracts", {"feed_pending": pending}, limit=batch_size)
            fresh = [d for d in docs if d["_id"] not in done]
            if not fresh:
                break
            await _move_batch(writer, clock, fresh, report)
            done.update(d["_id"] for d in fresh)
            if len(docs) < batch_size:
                break
    if report.moved or report.again:
        log.info("%s", report)
    return report


async def _move_batch(
    writer: FeedWriter, clock: Clock, docs: list[Doc], report: MoveReport
) -> None:
    """Copy the batch's events, the contracts' trails merged by time (each kept in its own
    order), then mark each contract at the version read."""
    trails = [_unmoved(doc, await _in_feed(writer.store, doc)) for doc in docs]
    now = clock.now()
    for entry in heapq.merge(*trails, key=lambda e: e.at):
        entry.moved_at = now
        if await writer.append(entry):
            report.moved_one(entry)
        else:
            report.again += 1
    for doc in docs:
        await _mark(writer, clock, doc, report)


async def _mark(writer: FeedWriter, clock: Clock, doc: Doc, report: MoveReport) -> None:
    """Mark the contract moved up to its last event; when it was written since it was read,
    copy what it recorded meanwhile and try again (a contract being signed by four parties
    changes all the time: without this its marker would lag, and every run would copy its
    whole unmarked tail again, refused event by event)."""
    for _ in range(MARK_ATTEMPTS):
        moved = _last_seq(doc)
        marker = {"feed_pending": False, "events_moved": moved}
        if await writer.store.set_fields("contracts", doc["_id"], doc["version"], marker):
            report.contracts += 1
            return
        fresh = await writer.store.get("contracts", doc["_id"])
        if fresh is None:
            return
        now = clock.now()
        for entry in _unmoved(fresh, after=moved):
            entry.moved_at = now
            if await writer.append(entry):
                report.moved_one(entry)
            else:
                report.again += 1
        doc = fresh


async def _in_feed(store: DocumentStore, doc: Doc) -> int:
    """How far the contract's trail is in the feed: its marker, or further, the ``seq`` of its
    last event there (a contract's events enter in order, so every public one before it is in).
    A marker written back by a writer that read before the mark costs one query, not a copy of
    the whole tail refused event by event."""
    marked = int(doc.get("events_moved") or 0)
    last = await store.find(FEED, {"contract_id": doc["_id"]}, sort="seq", descending=True, limit=1)
    in_feed = int(last[0]["_id"].rpartition("-e")[2]) if last else 0
    return max(marked, in_feed)


def _last_seq(doc: Doc) -> int:
    return int(doc["events"][-1]["seq"]) if doc.get("events") else 0


def _unmoved(doc: Doc, after: int) -> list[FeedEntry]:
    """The public entries of the contract's events after ``seq`` ``after``."""
    head = ContractHead(doc["_id"], doc["number"], doc["agency_id"], doc["practitioner_id"])
    events = [from_doc(AuditEvent, raw) for raw in doc.get("events", [])]
    entries = []
    # Every event is typed, the moved ones too: whether a deletion is public depends on them.
    for event, kind in zip(events, public_types(events), strict=True):
        if event.seq <= after or kind is None:
            continue
        event.id = event.id or event_id(head.id, event.seq)  # written before ids existed
        entry = feed_entry(head, event)  # public: ``kind`` was typed with what came before
        if entry is not None:
            entries.append(entry)
    return entries
