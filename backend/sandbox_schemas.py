"""Request and response bodies of the sandbox's routes: the SMS outbox, unified identity
accounts and the registry's transfer status."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from backend.shared_schemas import Body
from miniapp_mock.sms import SmsMessage
from miniapp_mock.unified_identity import UnifiedAccount
from signing_flow.models import TransferStatus


class UnifiedRegistration(Body):
    """沙箱：注册统一身份认证平台法人账号（含电子营业执照核验）."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    applicant_name: str = Field(min_length=1, max_length=64, description="申请人")
    enterprise_name: str = Field(min_length=1, max_length=100, description="法人（企业）名称")
    uscc: str = Field(min_length=1, max_length=32, description="统一社会信用代码")
    license_verified: bool = Field(
        default=True, description="false: 注册但未做电子营业执照核验（关联会被拒绝）"
    )


class TransferStatusRequest(Body):
    transfer_status: TransferStatus


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
