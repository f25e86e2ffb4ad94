"""The supervision agreement's rules: the transition table, the bank's notices in any order and
any number of times, the 农商行 number format, and what the next step is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from signing_flow.errors import InvalidState
from signing_flow.events import PublicType, feed_entry
from signing_flow.fund_supervision import BankApplicationStatus as B
from signing_flow.fund_supervision import BankNotification
from signing_flow.models import Contract
from signing_flow.roles import SYSTEM_ACTOR
from signing_flow.states import SUPERVISION
from signing_flow.supervision import (
    GO_TO_BRANCH,
    GO_TO_CCB,
    WAIT_FOR_CCB,
    NoticeOutcome,
    SupervisionApplication,
    branch_agreement_problems,
    ensure_choice_may_change,
    next_step,
)
from signing_flow.vocabulary import SupervisionAction, SupervisionStatus
from tests.unit.sale_contract_fixture import valid_contract

T0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def pending(bank: str = "ccb") -> SupervisionApplication:
    return SupervisionApplication(
        id="app-1",
        bank=bank,
        status=SupervisionStatus.PENDING,
        opened_at=T0,
        expires_at=T0 + timedelta(days=1),
        opened_by="p1",
    )


def notice(status: B, nid: str | None, minutes: int = 1, **extra: str) -> BankNotification:
    return BankNotification(
        notification_id=nid,
        application_id="app-1",
        status=status,
        occurred_at=T0 + timedelta(minutes=minutes),
        **extra,  # type: ignore[arg-type]
    )


def test_only_a_pending_application_moves_and_only_signed_may_still_be_cancelled() -> None:
    assert set(SUPERVISION.table[SupervisionStatus.PENDING]) == set(SupervisionAction)
    assert set(SUPERVISION.table[SupervisionStatus.SIGNED]) == {SupervisionAction.CANCEL}
    for final in (
        SupervisionStatus.REJECTED,
        SupervisionStatus.CANCELLED,
        SupervisionStatus.EXPIRED,
    ):
        assert SUPERVISION.is_final(final)


def test_a_refused_move_names_the_state_in_chinese() -> None:
    app = pending()
    app.move(SupervisionAction.REJECT, T0, reason="资料不全")
    with pytest.raises(InvalidState) as refused:
        app.move(SupervisionAction.SIGN, T0)
    assert refused.value.code == "SUPERVISION_STATE_CONFLICT"
    assert refused.value.details["current_state_label"] == "银行退回"
    assert app.ended_at == T0


def test_a_notice_applies_once_by_its_notification_id() -> None:
    app = pending()
    signed = notice(B.SIGNED, "n1", agreement_number="LCG1", supervision_account="6217")
    assert app.take(signed, T0) is NoticeOutcome.APPLIED
    assert app.take(signed, T0) is NoticeOutcome.DUPLICATE
    assert (app.status, app.agreement_number, app.supervision_account) == (
        SupervisionStatus.SIGNED,
        "LCG1",
        "6217",
    )
    assert app.seen_notifications == ["n1"]


def test_a_late_pending_or_an_older_notice_changes_nothing() -> None:
    app = pending()
    app.take(notice(B.SIGNED, "n2", minutes=5), T0)
    assert app.take(notice(B.PENDING, "n3", minutes=9), T0) is NoticeOutcome.STALE
    assert app.take(notice(B.CANCELLED, "n1", minutes=2), T0) is NoticeOutcome.STALE
    assert app.status is SupervisionStatus.SIGNED
    assert app.seen_notifications == ["n2"]


def test_a_move_the_table_refuses_is_stale_not_an_error() -> None:
    app = pending()
    app.take(notice(B.REJECTED, "n1", reason="账户信息有误"), T0)
    assert app.take(notice(B.SIGNED, "n2", minutes=3), T0) is NoticeOutcome.STALE
    assert (app.status, app.reason) == (SupervisionStatus.REJECTED, "账户信息有误")


def test_the_seen_notification_ids_are_bounded() -> None:
    app = pending()
    app.seen_notifications = [f"old-{i}" for i in range(60)]
    app.take(notice(B.SIGNED, "new"), T0)
    assert len(app.seen_notifications) == 50 and app.seen_notifications[-1] == "new"


@pytest.mark.parametrize(
    ("number", "branch", "paths"),
    [
        ("NSJG202600012345", "中山农商银行石岐支行", set()),
        ("NSJG20260001234", "石岐支行", {"agreement_number"}),  # one digit short
        ("LCG202600012345X", "石岐支行", {"agreement_number"}),
        ("NSJG202700012345", "石岐支行", {"agreement_number"}),  # a year still to come
        ("NSJG202600012345", "", {"branch"}),
        ("NSJG202600012345", "支" * 41, {"branch"}),
        ("NSJG202600012345", "石岐\u200b支行", {"branch"}),
        ("", "", {"agreement_number", "branch"}),
    ],
)
def test_a_zsrcb_agreement_number_and_branch_are_checked_together(
    number: str, branch: str, paths: set[str]
) -> None:
    problems = branch_agreement_problems(number, branch, date(2026, 11, 25))
    assert {p.path for p in problems} == paths


def test_the_choice_is_held_only_while_an_agreement_is_open() -> None:
    app = pending()
    ensure_choice_may_change(app, (True, "ccb"), (True, "ccb"))  # unchanged: fine
    with pytest.raises(InvalidState) as refused:
        ensure_choice_may_change(app, (True, "ccb"), (False, None))
    assert refused.value.code == "SUPERVISION_CANCEL_REQUIRED"
    app.move(SupervisionAction.CANCEL, T0)
    ensure_choice_may_change(app, (True, "ccb"), (False, None))
    ensure_choice_may_change(None, (True, "ccb"), (True, "zsrcb"))


def test_the_next_step_follows_the_bank_and_the_agreement() -> None:
    app = pending()
    assert next_step((False, None), None) is None
    assert next_step((None, None), None) is None
    assert next_step((True, "ccb"), None) == GO_TO_CCB
    assert next_step((True, "ccb"), app) == WAIT_FOR_CCB
    assert next_step((True, "zsrcb"), None) == GO_TO_BRANCH
    app.take(notice(B.SIGNED, "n1"), T0)
    assert next_step((True, "ccb"), app) is None
    rejected = pending()
    rejected.move(SupervisionAction.REJECT, T0)
    assert next_step((True, "ccb"), rejected) == GO_TO_CCB


@pytest.mark.parametrize(
    ("action", "public"),
    [
        ("fund_supervision_opened", PublicType.FUND_SUPERVISION_OPENED),
        ("fund_supervision_signed", PublicType.FUND_SUPERVISION_SIGNED),
        ("fund_supervision_recorded", PublicType.FUND_SUPERVISION_SIGNED),
        ("fund_supervision_rejected", PublicType.FUND_SUPERVISION_REJECTED),
        ("fund_supervision_cancelled", PublicType.FUND_SUPERVISION_CANCELLED),
        ("fund_supervision_expired", PublicType.FUND_SUPERVISION_EXPIRED),
    ],
)
def test_supervision_events_reach_the_feed_without_the_reason(
    action: str, public: PublicType
) -> None:
    contract: Contract = valid_contract()
    data = {"application_id": "app-1", "bank": "ccb", "supervision_status": "x", "reason": "私"}
    event = contract.record(action, SYSTEM_ACTOR, T0, data)
    entry = feed_entry(contract, event)  # type: ignore[arg-type]
    assert entry is not None and entry.type == public.value
    assert entry.data == {"application_id": "app-1", "bank": "ccb", "supervision_status": "x"}
