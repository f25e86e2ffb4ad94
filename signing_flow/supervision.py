"""The supervision agreement of one contract with its bank, and how the bank's notices move it.

With 建设银行 the agreement is an application at the bank's 龙存管 system: opened by the platform,
then moved by the bank's notices (callbacks, or the status job's queries). With 农商行 it is
signed at a branch and recorded afterwards by the agent or center staff. Either way the contract
holds one ``SupervisionApplication`` as its current one (``Contract.supervision``) and keeps the
ones it replaced (``Contract.past_supervisions``): a notice for an old application still finds
it, and changes nothing there.

Nothing here gates filing: the guide makes supervision the parties' choice, not a condition of
网签备案 (docs/fund-supervision.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from signing_flow.errors import FieldProblem, InvalidState
from signing_flow.fund_supervision import BankApplicationStatus, BankNotification
from signing_flow.states import SUPERVISION
from signing_flow.validators import check_visible_text
from signing_flow.vocabulary import SUPERVISION_LABELS, SupervisionAction, SupervisionStatus

# What each status the bank reports asks of the application; "pending" asks nothing: a late
# "pending" never undoes a signature or a rejection.
_ACTION_OF_BANK_STATUS: dict[BankApplicationStatus, SupervisionAction | None] = {
    BankApplicationStatus.PENDING: None,
    BankApplicationStatus.SIGNED: SupervisionAction.SIGN,
    BankApplicationStatus.REJECTED: SupervisionAction.REJECT,
    BankApplicationStatus.CANCELLED: SupervisionAction.CANCEL,
    BankApplicationStatus.EXPIRED: SupervisionAction.EXPIRE,
}
# A callback's notification ids are kept to answer a redelivery as a duplicate; a bank sends a
# handful per application, this bounds a misbehaving one.
MAX_SEEN_NOTIFICATIONS = 50


class NoticeOutcome(StrEnum):
    APPLIED = "applied"  # the application moved
    DUPLICATE = "duplicate"  # this notification was applied (or judged) before
    STALE = "stale"  # older than what is known, or a move the table refuses: nothing changes


@dataclass
class SupervisionApplication:
    """One supervision agreement: ``id`` is the bank's application id (建设银行), or
    ``zsrcb-<agreement number>`` for an agreement recorded after signing at a 农商行 branch."""

    id: str
    bank: str  # terms.Bank
    status: SupervisionStatus
    opened_at: datetime
    expires_at: datetime  # the contract's deadline: the status job gives up after it
    opened_by: str  # the account that opened or recorded it
    redirect_url: str | None = None  # the bank's page for the parties (online only)
    amount_fen: int | None = None  # what the bank reports as supervised
    agreement_number: str | None = None
    supervision_account: str | None = None
    branch: str | None = None  # 农商行: the branch (支行) where it was signed
    reason: str | None = None  # the bank's reason for sending it back, or the cancellation's
    # the bank's time of the newest notice applied: an older one is out of order
    notice_at: datetime | None = None
    seen_notifications: list[str] = field(default_factory=list)
    ended_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Pending or signed: an agreement exists or may still come at the bank."""
        return self.status in (SupervisionStatus.PENDING, SupervisionStatus.SIGNED)

    def take(self, notice: BankNotification, at: datetime) -> NoticeOutcome:
        """Apply one verified notice of the bank, idempotent by its ``notification_id`` and
        safe in any order: an older notice, a "pending", or a move the table refuses (a
        "signed" after a cancellation) changes nothing."""
        if notice.notification_id is not None and notice.notification_id in self.seen_notifications:
            return NoticeOutcome.DUPLICATE
        action = _ACTION_OF_BANK_STATUS[notice.status]
        older = self.notice_at is not None and notice.occurred_at < self.notice_at
        if action is None or older or action not in SUPERVISION.table[self.status]:
            return NoticeOutcome.STALE
        self.move(action, at, reason=notice.reason)
        self.notice_at = notice.occurred_at
        if notice.notification_id is not None:
            self.seen_notifications = [
                *self.seen_notifications[-(MAX_SEEN_NOTIFICATIONS - 1) :],
                notice.notification_id,
            ]
        if notice.agreement_number is not None:
            self.agreement_number = notice.agreement_number
        if notice.supervision_account is not None:
            self.supervision_account = notice.supervision_account
        if notice.amount_fen is not None:
            self.amount_fen = notice.amount_fen
        return NoticeOutcome.APPLIED

    def move(self, action: SupervisionAction, at: datetime, *, reason: str | None = None) -> None:
        """The one way the status changes (raises SUPERVISION_STATE_CONFLICT when refused)."""
        SUPERVISION.apply(self, action)
        if reason is not None:
            self.reason = reason
        if SUPERVISION.is_final(self.status):
            self.ended_at = at


# 农商行 agreement numbers (our reading; docs/fund-supervision.md): "NSJG", the year it was
# signed, then 8 digits, e.g. NSJG202600012345.
ZSRCB_AGREEMENT = re.compile(r"NSJG(?P<year>\d{4})\d{8}")
BRANCH_MAX = 40


def branch_agreement_problems(number: str, branch: str, today: date) -> list[FieldProblem]:
    """Every problem of a 农商行 agreement as the agent or staff enter it, at once."""
    problems = []
    found = ZSRCB_AGREEMENT.fullmatch(number)
    if found is None:
        problems.append(
            FieldProblem(
                "agreement_number",
                "INVALID",
                "监管协议编号格式为 NSJG + 年份 + 8 位数字，如 NSJG202600012345",
            )
        )
    elif not 2000 <= int(found["year"]) <= today.year:
        problems.append(
            FieldProblem("agreement_number", "INVALID", "协议编号中的年份不在合理范围内 (year)")
        )
    if not branch.strip():
        problems.append(FieldProblem("branch", "REQUIRED", "必填：办理支行 (branch)"))
    elif len(branch) > BRANCH_MAX:
        problems.append(FieldProblem("branch", "INVALID", f"支行名称至多 {BRANCH_MAX} 个字符"))
    elif reason := check_visible_text(branch):
        problems.append(FieldProblem("branch", "INVALID", reason))
    return problems


Choice = tuple[bool | None, str | None]  # FundSupervision's (enabled, bank)


def ensure_choice_may_change(app: SupervisionApplication | None, old: Choice, new: Choice) -> None:
    """Editing the contract may not change the bank, or switch supervision off, while an
    agreement exists or may still be signed at the bank: cancel it there first."""
    if app is None or not app.is_open or new == old:
        return
    raise cancel_required(app, "更换监管银行或不选择资金监管")


def ensure_online_closed(app: SupervisionApplication | None, doing: str) -> None:
    """An application pending or signed at 建设银行 is about this contract as it stands (its
    price, its parties): deleting the contract or changing those would leave it open at the bank
    for a contract that no longer is, so it is cancelled first."""
    if app is not None and app.is_open and app.bank == "ccb":
        raise cancel_required(app, doing)


def cancel_required(app: SupervisionApplication, doing: str) -> InvalidState:
    return InvalidState(
        f"资金监管协议{SUPERVISION_LABELS[app.status]}，须先取消监管协议才能{doing}"
        " (cancel the supervision agreement at the bank first)",
        current=app.status.value,
        allowed=["cancel"],
        code="SUPERVISION_CANCEL_REQUIRED",
        extra={"bank": app.bank, "current_state_label": SUPERVISION_LABELS[app.status]},
    )


# What is to be done about supervision next, for the console, the to-do list and the phones.
GO_TO_CCB = "跳转建设银行龙存管，签署资金监管协议"
WAIT_FOR_CCB = "等待买卖双方在建设银行龙存管签署资金监管协议"
GO_TO_BRANCH = "请到农商行支行办理资金监管协议"


def next_step(choice: Choice, app: SupervisionApplication | None) -> str | None:
    """None when nothing is to be done (no supervision, or an agreement signed)."""
    enabled, bank = choice
    if not enabled or bank is None:
        return None
    current = app if app is not None and app.bank == bank else None
    if current is not None and current.status is SupervisionStatus.SIGNED:
        return None
    if bank == "zsrcb":
        return GO_TO_BRANCH
    if current is not None and current.status is SupervisionStatus.PENDING:
        return WAIT_FOR_CCB
    return GO_TO_CCB
