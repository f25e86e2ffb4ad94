"""The ``Notifier`` adapter: where the service reacts to a contract's domain events.

The service's adapter is ``backend.events.runtime.EventsRuntime``: the hand-off wakes the job
that moves events into the feed, whence webhooks are delivered. Whatever must not be lost goes
by that job, which also runs on a timer, since the hand-off happens after the write and may not
happen at all (``signing_flow.outbox``). This no-op is for tools and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from signing_flow.audit import AuditEvent, event_type_of
from signing_flow.ports import Notifier


class NoOpNotifier:
    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None:
        return None


class EventsObserver(Protocol):
    def events_recorded(self, events: Iterable[tuple[str, Mapping[str, Any]]]) -> None: ...


class CountingNotifier:
    """Hands the events on to ``inner`` after telling ``observer`` (the metrics) their types:
    every write of a use case passes here (``signing_flow.outbox``), the sweeps' do not (they
    tell the metrics themselves, ``backend.storage.sweeps``)."""

    def __init__(self, inner: Notifier, observer: EventsObserver) -> None:
        self.inner = inner
        self.observer = observer

    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None:
        self.observer.events_recorded((e.type or event_type_of(e.action), e.data) for e in events)
        await self.inner.notify(contract_id, events)
