"""When the signed contract PDF (PAdES, docs/evidence.md) moves: it is rendered when the order is
created, a party's signature lands in it right after that party's authorize is written, the platform's seal right after the order is
submitted (filed, or a cancellation completed).

The PDF follows the contract, never the other way round: the contract's write is the fact, and
a PDF step that fails (a crash, a bug) leaves the contract as it is. Every step brings the PDF
up to date with the order it is given, so the next one (or the bundle, which seals a submitted
order that is not sealed yet) catches up what an earlier one missed.
"""

from __future__ import annotations

import logging

from signing_flow.models import Contract, SigningOrder
from signing_flow.ports import Ports

log = logging.getLogger("wangqian.evidence")


async def after_order_created(ports: Ports, contract: Contract, order: SigningOrder) -> None:
    """Render the PDF now, so that no party waits for it when signing."""
    if ports.evidence is None:
        return
    try:
        await ports.evidence.prepare(contract, order)
    except Exception:
        log.exception(
            "rendering the PDF of order %s failed; its first signature renders it", order.id
        )


async def after_signature(ports: Ports, contract: Contract, order: SigningOrder) -> None:
    if ports.evidence is None:
        return
    try:
        await ports.evidence.add_signatures(contract, order)
    except Exception:
        log.exception("signing the PDF of order %s failed; its filing catches up", order.id)


async def after_submit(ports: Ports, contract: Contract, order: SigningOrder) -> None:
    if ports.evidence is None:
        return
    try:
        await ports.evidence.seal(contract, order)
    except Exception:
        log.exception("sealing the PDF of order %s failed; its bundle catches up", order.id)
