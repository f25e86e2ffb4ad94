"""Request and response bodies of fund supervision (docs/fund-supervision.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from backend.fields import CertNo, Name, Reason
from backend.shared_schemas import Body
from signing_flow.models import Contract
from signing_flow.supervision import BRANCH_MAX, SupervisionApplication, next_step
from signing_flow.terms import BANK_LABELS
from signing_flow.vocabulary import SUPERVISION_LABELS, SupervisionStatus


class SupervisionOut(BaseModel):
    """The contract's current supervision agreement (online application or branch agreement)."""

    application_id: str = Field(description="建设银行的申请编号；农商行为 zsrcb-<协议编号>")
    bank: str
    bank_label: str
    status: SupervisionStatus
    status_label: str
    redirect_url: str | None = Field(description="建设银行龙存管页面（买卖双方在此确认监管协议）")
    amount_fen: int | None = Field(description="监管金额（分），以银行通知为准")
    agreement_number: str | None = Field(description="资金监管协议编号")
    supervision_account: str | None = Field(description="监管账户")
    branch: str | None = Field(description="农商行办理支行")
    reason: str | None = Field(description="银行退回或取消的原因")
    opened_at: datetime
    expires_at: datetime = Field(description="合同期限：此后仍未签署的申请标记为已过期")
    ended_at: datetime | None

    @classmethod
    def of(cls, app: SupervisionApplication) -> SupervisionOut:
        return cls(
            application_id=app.id,
            bank=app.bank,
            bank_label=BANK_LABELS.get(app.bank, app.bank),
            status=app.status,
            status_label=SUPERVISION_LABELS[app.status],
            redirect_url=app.redirect_url,
            amount_fen=app.amount_fen,
            agreement_number=app.agreement_number,
            supervision_account=app.supervision_account,
            branch=app.branch,
            reason=app.reason,
            opened_at=app.opened_at,
            expires_at=app.expires_at,
            ended_at=app.ended_at,
        )

    @classmethod
    def of_contract(cls, c: Contract) -> SupervisionOut | None:
        return cls.of(c.supervision) if c.supervision is not None else None


def supervision_next_step(c: Contract) -> str | None:
    fund = c.fund_supervision
    return next_step((fund.enabled, fund.bank), c.supervision)


class PartyFundOut(BaseModel):
    """资金监管 as a party's phone shows it: the bank, where the agreement stands, and the
    bank's page while an online application waits for the parties."""

    bank: str
    bank_label: str
    status_label: str | None
    next_step: str | None
    redirect_url: str | None = Field(description="建设银行龙存管页面；待签监管协议时才有")

    @classmethod
    def of(cls, c: Contract) -> PartyFundOut | None:
        fund, app = c.fund_supervision, c.supervision
        if not fund.enabled or fund.bank is None:
            return None
        current = app if app is not None and app.bank == fund.bank else None
        waiting = current is not None and current.status is SupervisionStatus.PENDING
        return cls(
            bank=fund.bank,
            bank_label=BANK_LABELS.get(fund.bank, fund.bank),
            status_label=SUPERVISION_LABELS[current.status] if current else None,
            next_step=supervision_next_step(c),
            redirect_url=current.redirect_url if waiting and current else None,
        )


class ApplicationOut(BaseModel):
    contract_id: str
    redirect_url: str = Field(description="跳转建设银行龙存管：在浏览器或手机上打开")
    application: SupervisionOut

    @classmethod
    def of(cls, c: Contract) -> ApplicationOut:
        assert c.supervision is not None and c.supervision.redirect_url is not None
        return cls(
            contract_id=c.id,
            redirect_url=c.supervision.redirect_url,
            application=SupervisionOut.of(c.supervision),
        )


class BranchAgreementRequest(Body):
    agreement_number: CertNo = Field(
        max_length=40, description="资金监管协议编号：NSJG + 年份 + 8 位数字，如 NSJG202600012345"
    )
    branch: Name = Field(max_length=BRANCH_MAX, description="办理支行，如 中山农商银行石岐支行")


class SupervisionCancelRequest(Body):
    reason: Reason = Field(min_length=1, max_length=200, description="取消原因")


class CallbackAck(BaseModel):
    result: Literal["applied", "duplicate", "stale"] = Field(
        description="applied：已更新；duplicate：此通知已处理；stale：过时的通知，未改变任何记录"
    )
