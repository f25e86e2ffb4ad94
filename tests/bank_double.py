"""A small in-test double of the bank port (``FundSupervisionBank``), for the use case and job
tests: it keeps applications in a dict, can be taken down, and accepts a callback whose
``X-Test-Signature`` header is ``good``. The real adapters are tested through the sandbox bank
over HTTP (tests/e2e)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import orjson

from signing_flow.fund_supervision import (
    ApplicationRequest,
    BankApplicationStatus,
    BankNotification,
    BankUnavailable,
    CallbackRefused,
    OpenedApplication,
)
from signing_flow.ports import Clock


class BankDouble:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.down = False
        self.requests: list[ApplicationRequest] = []
        self.status: dict[str, BankApplicationStatus] = {}
        self.queries = 0
        self.cancels: list[str] = []
        # runs as a cancel arrives: the parties signing between the platform's query and cancel
        self.before_cancel: Callable[[], None] | None = None

    def _up(self) -> None:
        if self.down:
            raise BankUnavailable("the bank answered 503")

    async def open_application(self, request: ApplicationRequest) -> OpenedApplication:
        self._up()
        self.requests.append(request)
        application_id = f"ccb-{len(self.requests)}"
        self.status[application_id] = BankApplicationStatus.PENDING
        return OpenedApplication(application_id, f"https://bank.test/ccb/{application_id}")

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> BankNotification:
        if headers.get("X-Test-Signature") != "good":
            raise CallbackRefused("SIGNATURE_INVALID", "bad signature")
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise CallbackRefused("CALLBACK_MALFORMED", "not JSON") from exc
        return self.notice(
            data["application_id"],
            BankApplicationStatus(data["status"]),
            notification_id=data["notification_id"],
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            reason=data.get("reason"),
        )

    def notice(
        self,
        application_id: str,
        status: BankApplicationStatus,
        *,
        notification_id: str | None = None,
        occurred_at: datetime | None = None,
        reason: str | None = None,
    ) -> BankNotification:
        signed = status is BankApplicationStatus.SIGNED
        return BankNotification(
            notification_id=notification_id,
            application_id=application_id,
            status=status,
            occurred_at=occurred_at or self.clock.now(),
            agreement_number=f"LCG{application_id}" if signed else None,
            supervision_account="6217000010001234567" if signed else None,
            amount_fen=123_000_000 if signed else None,
            reason=reason,
        )

    async def query_application(self, application_id: str) -> BankNotification:
        self._up()
        self.queries += 1
        return self.notice(application_id, self.status[application_id])

    async def cancel_application(
        self, application_id: str, reason: str, *, only_if_pending: bool = False
    ) -> BankNotification:
        self._up()
        if self.before_cancel is not None:
            self.before_cancel()
        self.cancels.append(application_id)
        cancellable = [BankApplicationStatus.PENDING]
        if not only_if_pending:
            cancellable.append(BankApplicationStatus.SIGNED)
        if self.status[application_id] in cancellable:
            self.status[application_id] = BankApplicationStatus.CANCELLED
        return self.notice(application_id, self.status[application_id], reason=reason)
