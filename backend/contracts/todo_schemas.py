"""The to-do list (待办业务): a practitioner's contracts with their next step, supervision's too;
an agency admin's webhook endpoints to mend."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.contracts.schemas import ContractSummary
from backend.fund_supervision.schemas import supervision_next_step
from backend.webhooks.schemas import EndpointTodo
from signing_flow.models import Contract
from signing_flow.usecases.contracts import TODO_NEXT_STEP
from signing_flow.vocabulary import SUPERVISION_LABELS


class TodoItem(ContractSummary):
    next_step: str
    fund_supervision_status: str | None = Field(description="资金监管协议的状态")
    fund_supervision_status_label: str | None
    fund_supervision_next_step: str | None = Field(description="资金监管的下一步；无事可做为 null")

    @classmethod
    def of(cls, c: Contract) -> TodoItem:
        app = c.supervision
        return cls(
            **ContractSummary.of(c).model_dump(),
            next_step=TODO_NEXT_STEP.get(c.status) or supervision_next_step(c) or "",
            fund_supervision_status=app.status.value if app else None,
            fund_supervision_status_label=SUPERVISION_LABELS[app.status] if app else None,
            fund_supervision_next_step=supervision_next_step(c),
        )


class TodoList(BaseModel):
    items: list[TodoItem] = Field(description="经纪人：待办的合同")
    webhook_endpoints: list[EndpointTodo] = Field(
        default_factory=list, description="企业管理员：连续 3 天发送失败、已被停用的回调地址"
    )
