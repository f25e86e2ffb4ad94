"""Wakes long-polls in this process as soon as a contract changes here.

Every successful compare-and-set on a contract goes through ``NotifyingStore``, so handlers,
use cases and jobs need not remember to notify. Changes made by other processes are seen by the
long-poll's periodic re-read of the store; nothing depends on this feed for correctness.
"""

from __future__ import annotations

import asyncio
import contextlib

from signing_flow.ports import Doc, DocumentStore


class ChangeFeed:
    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def notify(self, key: str) -> None:
        event = self._events.pop(key, None)
        if event is not None:
            event.set()

    async def wait(self, key: str, seconds: float) -> None:
        """Return when ``key`` is notified or ``seconds`` pass, whichever is first."""
        event = self._events.setdefault(key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await event.wait()


class NotifyingStore:
    """A DocumentStore that tells the feed about every contract it writes."""

    def __init__(self, inner: DocumentStore, feed: ChangeFeed) -> None:
        self.inner = inner
        self.feed = feed
        # All but the compare-and-sets (the changes the feed announces) go straight through.
        self.insert = inner.insert
        self.get = inner.get
        self.get_versions = inner.get_versions
        self.find = inner.find
        self.next_sequence = inner.next_sequence
        self.ping = inner.ping

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        saved = await self.inner.compare_and_set(collection, doc, expected_version)
        if collection == "contracts":
            self.feed.notify(doc["_id"])
        return saved

    async def compare_and_set_many(self, collection: str, items: list[tuple[Doc, int]]) -> int:
        written = await self.inner.compare_and_set_many(collection, items)
        if collection == "contracts":
            for doc, _ in items:
                self.feed.notify(doc["_id"])
        return written
