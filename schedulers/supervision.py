"""The fund supervision status job: a bank callback that never comes.

Every application still pending some time after it was opened or last asked about
(``WANGQIAN_BANK_QUERY_AFTER``) is looked up at the bank; past its deadline (the contract's
before signing, the supervision window after) or once its contract is gone, it is cancelled there
while still pending and marked expired. A bank that does not answer (down, 5xx) leaves the
application as it was, to be asked again on the next run. Each look re-reads the contract, so a
callback that came first leaves nothing to do, and several processes may run it at once: the
compare-and-set decides, and the bank's answers are idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from schedulers.jobs import JobReport
from signing_flow.codec import encode_time
from signing_flow.errors import DomainError
from signing_flow.fund_supervision import BankUnavailable
from signing_flow.ports import Ports
from signing_flow.usecases.fund_supervision import check_application

log = logging.getLogger("wangqian.jobs")

BATCH = 100


async def check_fund_supervision(
    ports: Ports, *, query_after: timedelta, batch: int = BATCH
) -> JobReport:
    """Ask the bank about each application pending since ``query_after`` ago; returns the
    contracts whose application moved (signed, rejected, cancelled, expired)."""
    report = JobReport("check_fund_supervision")
    if ports.bank is None:
        return report
    due = encode_time(ports.clock.now() - query_after)
    docs = await ports.store.find(
        "contracts",
        {"supervision_check_at": {"$lte": due}},
        sort="supervision_check_at",
        limit=batch,
    )
    unavailable = 0
    for doc in docs:
        try:
            if await check_application(ports, str(doc["_id"])):
                report.changed.append(str(doc["number"]))
        except BankUnavailable:
            unavailable += 1  # asked again on the next run: nothing was written
        except DomainError as exc:
            log.warning("fund supervision check of %s refused: %s", doc["number"], exc.code)
    if unavailable:
        log.warning("the bank did not answer for %d application(s): retried next run", unavailable)
    log.info("%s", report)
    return report
