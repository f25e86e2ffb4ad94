"""The outbox: a saved contract's new audit events are handed to the notifier, once each."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from backend.notifier import NoOpNotifier
from signing_flow.audit import AuditEvent, verify_chain
from signing_flow.ports import Ports
from signing_flow.repository import contracts
from signing_flow.usecases.signing import cancel_signing_order
from tests.integration import test_jobs
from tests.integration.test_jobs import AGENT, signing_contract


class Recorder:
    def __init__(self) -> None:
        self.handed: list[tuple[str, str, str]] = []  # (contract id, event id, type)

    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None:
        self.handed += [(contract_id, e.id, e.type) for e in events]


class Broken:
    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None:
        raise RuntimeError("the webhook queue is down")


ports = test_jobs.ports  # the same fixture: seeded store, sandbox providers


async def test_each_saved_event_is_handed_on_once_in_order(ports: Ports) -> None:
    recorder = Recorder()
    ports = dataclasses.replace(ports, notifier=recorder)
    contract_id, order_id = await signing_contract(ports)
    await cancel_signing_order(ports, AGENT, order_id)
    stored = await contracts(ports.store).get(contract_id)
    assert stored is not None and verify_chain(contract_id, stored.events)
    assert recorder.handed == [(contract_id, e.id, e.type) for e in stored.events]
    assert [t for _, _, t in recorder.handed] == [
        "contract_created",
        "contract_edited",
        "contract_submitted",
        "signing_started",
        "order_created",
        "order_cancelled",
    ]
    assert recorder.handed[0][1] == f"{contract_id}-e1"


@pytest.mark.parametrize("notifier", [Broken(), NoOpNotifier(), None])
async def test_a_failing_or_absent_notifier_does_not_undo_or_fail_the_change(
    ports: Ports, notifier: Broken | NoOpNotifier | None
) -> None:
    ports = dataclasses.replace(ports, notifier=notifier)
    contract_id, _ = await signing_contract(ports)
    stored = await contracts(ports.store).get(contract_id)
    assert stored is not None and len(stored.events) == 5
