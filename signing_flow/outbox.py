"""The one place a contract's new domain events leave the domain: after its write.

Every change of a contract records its audit events in the same compare-and-set as the change
(``signing_flow.audit``), so the trail is an outbox. ``save_contract`` writes the contract and
then hands the events recorded since it was read to the ``Notifier`` port, for reactions that
want them at once. The hand-off guarantees nothing: the process may stop between the write and
the hand-off, and the sweeps (``schedulers.jobs``) write without it. Delivery guarantees come
from the outbox itself: a job reads the events after its cursor (the last event id it handled)
and delivers them at least once.
"""

from __future__ import annotations

import logging

from signing_flow.models import Contract
from signing_flow.ports import Ports
from signing_flow.repository import contracts

log = logging.getLogger("wangqian.outbox")


async def save_contract(ports: Ports, contract: Contract) -> None:
    """Write ``contract`` if nobody changed it since it was read (raises VersionConflict), then
    hand on its new events."""
    await contracts(ports.store).save(contract)
    await hand_on(ports, contract)


async def insert_contract(ports: Ports, contract: Contract) -> None:
    """Write a new contract (raises DuplicateKey), then hand on its events."""
    for event in contract.new_events():
        event.resource_version = contract.version  # an insert keeps the version it is given
    await contracts(ports.store).insert(contract)
    await hand_on(ports, contract)


async def hand_on(ports: Ports, contract: Contract) -> None:
    events = contract.new_events()
    contract.events_handed_on()
    if ports.notifier is None or not events:
        return
    try:
        await ports.notifier.notify(contract.id, events)
    except Exception:
        # The change is written and its events are in the outbox; failing the request now
        # would tell the caller it was not.
        log.exception("notifier failed on %d event(s) of contract %s", len(events), contract.id)
