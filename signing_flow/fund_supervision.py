"""资金监管 with a bank: the port the use cases call, and what crosses it.

The guide §2.2 (四): with 建设银行 the parties "jump" to CCB's 龙存管 system and sign the
supervision agreement online; with 农商行 they go to a branch; with neither they sign the joint
waiver statement. Only the online path talks to a bank, through ``FundSupervisionBank``. The
adapters (the sandbox CCB, and the HTTP adapter shaped like a bank's open API) live outside the
domain; this module knows no HTTP, no keys and no wire format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class BankApplicationStatus(StrEnum):
    """Where an application stands at the bank, as the bank reports it."""

    PENDING = "pending"  # 待签监管协议: the parties have not all confirmed at the bank
    SIGNED = "signed"  # 已签监管协议
    REJECTED = "rejected"  # 银行退回 (with a reason)
    CANCELLED = "cancelled"  # cancelled at the bank (by the parties or the platform)
    EXPIRED = "expired"  # the platform gave up waiting after the contract's deadline


@dataclass(frozen=True)
class ApplicationRequest:
    """What the platform tells the bank when it opens an application for one contract."""

    contract_id: str
    contract_number: str
    amount_fen: int  # the supervised amount the bank proposes; defaults to the price
    property_address: str
    seller_names: tuple[str, ...]
    buyer_names: tuple[str, ...]
    notify_url: str  # where the bank posts its callbacks
    return_url: str  # where the bank's page sends a party when done


@dataclass(frozen=True)
class OpenedApplication:
    """The bank's answer: its application id and the page the parties are sent to."""

    application_id: str
    redirect_url: str


@dataclass(frozen=True)
class BankNotification:
    """One verified callback (or status query answer) from the bank.

    ``notification_id`` is the bank's id of this notice: the same notice delivered twice has the
    same id, which is what makes the callback idempotent. A status query has no notice of its
    own; its answer carries ``notification_id`` None.
    """

    notification_id: str | None
    application_id: str
    status: BankApplicationStatus
    occurred_at: datetime
    agreement_number: str | None = None
    supervision_account: str | None = None
    amount_fen: int | None = None
    reason: str | None = None


class CallbackRefused(Exception):
    """A callback that is not provably from the bank: bad or missing signature, stale timestamp,
    unreadable body. The service answers it without changing anything."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class BankUnavailable(Exception):
    """The bank did not answer, or answered 5xx: the caller retries later."""


class FundSupervisionBank(Protocol):
    """A bank's fund supervision service (建设银行 龙存管)."""

    async def open_application(self, request: ApplicationRequest) -> OpenedApplication:
        """Raises BankUnavailable when the bank cannot be reached."""
        ...

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> BankNotification:
        """Verifies the bank's signature and timestamp; raises CallbackRefused otherwise."""
        ...

    async def query_application(self, application_id: str) -> BankNotification:
        """The bank's current view of one application; raises BankUnavailable."""
        ...

    async def cancel_application(
        self, application_id: str, reason: str, *, only_if_pending: bool = False
    ) -> BankNotification:
        """Asks the bank to cancel (e.g. before the bank is changed) and answers the
        application's state after it; raises BankUnavailable. ``only_if_pending``: cancel only
        an application the parties have not signed (the platform giving up on one), else the
        bank answers its state unchanged, so an agreement signed meanwhile stays signed."""
        ...
