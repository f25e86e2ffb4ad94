"""The ``Notifier`` adapter: where the service reacts to a contract's domain events.

No reaction exists yet, so it does nothing. Reactions (webhooks on ``party_signed``, …) hang
here; whatever must not be lost is delivered from the outbox by a job instead, since the
hand-off happens after the write and may not happen at all (``signing_flow.outbox``).
"""

from __future__ import annotations

from collections.abc import Sequence

from signing_flow.audit import AuditEvent


class NoOpNotifier:
    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None:
        return None
