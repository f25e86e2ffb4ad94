"""Request and response bodies of cancellation and the window paths."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.fields import (
    IdNumber,
    Name,
    Reason,
)
from backend.shared_schemas import Body
from signing_flow.usecases.window import AppearanceInput
from signing_flow.vocabulary import OrderPurpose


class CancellationRequest(Body):
    reason: Reason = Field(min_length=1, max_length=500, description="注销原因")


class WindowCaseRequest(Body):
    purpose: OrderPurpose
    reason: Reason | None = Field(
        default=None, max_length=500, description="注销原因 (cancellation)"
    )


class AppearanceRequest(Body):
    """How the party took part: ``appeared`` in person with ``id_checked``, or by a proxy
    with a notarised power of attorney naming this matter; both parents for a minor."""

    appeared: bool = False
    id_checked: bool = False
    proxy_name: Name | None = Field(default=None, max_length=64)
    proxy_id_number: IdNumber | None = Field(
        default=None, description="受托人证件号码；受托人姓名不变时省略则保留已登记的号码"
    )
    poa_notarised: bool = False
    poa_names_matter: bool = False
    father_present: bool = False
    mother_present: bool = False
    minor: bool = Field(
        default=False,
        description="未成年人：仅对无出生日期的证件（护照、通行证）由工作人员认定；证件号码含出生日期时以其为准",
    )

    def to_domain(self) -> AppearanceInput:
        return AppearanceInput(**self.model_dump())


class RejectRequest(Body):
    reason: Reason = Field(min_length=1, max_length=500, description="退回原因")


class FormList(BaseModel):
    forms: dict[str, str] = Field(description="form key → title; GET …/forms/{key}.html prints it")
