"""The ``Notifier`` adapter: where the service reacts to a contract's domain events.

The service's adapter is ``backend.events.runtime.EventsRuntime``: the hand-off wakes the job
that moves events into the feed, whence webhooks are delivered. Whatever must not be lost goes
by that job, which also runs on a timer, since the hand-off happens after the write and may not
happen at all (``signing_flow.outbox``). This no-op is for tools and tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from signing_flow.audit import AuditEvent


class NoOpNotifier:
    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None:
        return None
