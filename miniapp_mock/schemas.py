"""Request and response bodies of the sandbox routes (pydantic, at the boundary only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from backend.fields import Name, Uscc
from backend.shared_schemas import Body
from miniapp_mock.sms import SmsMessage
from miniapp_mock.unified_identity import UnifiedAccount


class ClockMove(BaseModel):
    model_config = {"extra": "forbid"}
    advance_seconds: int | None = Field(default=None, ge=1, le=366 * 24 * 3600)
    to: datetime | None = Field(default=None, description="a later time, ISO 8601 with offset")


class ClockState(BaseModel):
    now: datetime
    offset_seconds: float
    expired_orders: list[str]
    purged_contracts: list[str]


class TransferStatusRequest(Body):
    transfer_status: Literal["none", "accepted", "transferred"]


class UnifiedRegistration(Body):
    """沙箱：注册统一身份认证平台法人账号（含电子营业执照核验）."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    applicant_name: Name = Field(min_length=1, max_length=64, description="申请人")
    enterprise_name: Name = Field(min_length=1, max_length=100, description="法人（企业）名称")
    uscc: Uscc = Field(min_length=1, description="统一社会信用代码")
    license_verified: bool = Field(
        default=True, description="false: 注册但未做电子营业执照核验（关联会被拒绝）"
    )


class SmsOut(BaseModel):
    id: str
    phone: str
    text: str
    purpose: str
    sent_at: datetime

    @classmethod
    def of(cls, m: SmsMessage) -> SmsOut:
        return cls(id=m.id, phone=m.phone, text=m.text, purpose=m.purpose, sent_at=m.sent_at)


class SmsOutbox(BaseModel):
    messages: list[SmsOut] = Field(description="最新的在前 (newest first)")


class UnifiedAccountOut(BaseModel):
    id: str
    username: str
    applicant_name: str
    enterprise_name: str
    uscc: str
    license_verified: bool
    level_label: str

    @classmethod
    def of(cls, a: UnifiedAccount) -> UnifiedAccountOut:
        return cls(
            id=a.id,
            username=a.username,
            applicant_name=a.applicant_name,
            enterprise_name=a.enterprise_name,
            uscc=a.uscc,
            license_verified=a.license_verified,
            level_label="四级（原 L2）：电子营业执照核验通过"
            if a.license_verified
            else "未完成电子营业执照核验",
        )
