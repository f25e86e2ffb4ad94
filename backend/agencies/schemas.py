"""Request and response bodies of agency accounts, the enterprise information check, practitioners
and their materials (guide §1.1–§1.3).

Request models check types and shapes; the guide's rules (required fields reported together,
the 2-year limit, the USCC and ID number checks) live in ``signing_flow``.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from backend.fields import CertNo, IdNumber, Name, Phone, Reason, Uscc
from backend.shared_schemas import Body
from signing_flow.agency_models import Agency, EnterpriseInfo, Material, Practitioner, ReviewRecord
from signing_flow.models import Account
from signing_flow.roles import Role
from signing_flow.usecases.agencies import EnterpriseInfoInput
from signing_flow.usecases.practitioners import PersonInput
from signing_flow.validators import mask_id_number
from signing_flow.vocabulary import AGENCY_LABELS, PRACTITIONER_LABELS

REVIEW_ACTION_LABELS = {
    "submit": "提交",
    "approve": "审核通过",
    "reject": "审核不通过",
    "remove": "注销",
}


class AgencyOpenRequest(Body):
    """开设中介机构网签账号 (center staff, from the paper application)."""

    name: Name = Field(max_length=100, description="中介机构全称，与营业执照一致")
    filing_no: CertNo = Field(description="备案编号 (房地产经纪机构备案)")
    username: Name | None = Field(
        default=None, max_length=64, description="登录账号名；默认为机构全称"
    )


class EnterpriseInfoBody(Body):
    """企业信息核查: every field is checked at once; dates are YYYY-MM-DD."""

    full_name: Name | None = Field(
        default=None, max_length=100, description="企业名称（按营业执照）"
    )
    uscc: Uscc | None = Field(default=None, description="统一社会信用代码")
    legal_representative: Name | None = Field(default=None, max_length=64, description="法定代表人")
    address: Name | None = Field(default=None, max_length=200, description="住所")
    business_term_from: date | None = Field(default=None, description="营业期限（起）")
    business_term_to: date | None = Field(
        default=None, description="营业期限（止），不能超今起 2 年"
    )
    qualification_cert_no: CertNo | None = Field(default=None, description="资质证书编号（可不填）")
    qualification_valid_to: date | None = Field(
        default=None, description="资质有效期，不能超今起 2 年；无资质证书时与营业期限一致"
    )

    def to_domain(self) -> EnterpriseInfoInput:
        return EnterpriseInfoInput(**self.model_dump())


class MaterialCreateRequest(Body):
    name: Name | None = Field(
        default=None,
        max_length=64,
        description="材料名称；不填则为「未命名材料」，须改名保存后才能上传",
    )


class MaterialRenameRequest(Body):
    name: Name = Field(max_length=64, description="材料名称，例如「营业执照」")


class SubmitRequest(Body):
    comment: Reason | None = Field(default=None, max_length=500, description="提交意见")


class ReviewDecisionRequest(Body):
    reason: Reason | None = Field(
        default=None, max_length=500, description="审核意见；不通过时必填"
    )


class PractitionerRequest(Body):
    """人员信息: name, 身份证号码, 手机号码 (the initial password goes to this phone)."""

    name: Name | None = Field(default=None, max_length=64)
    id_number: IdNumber | None = None
    phone: Phone | None = None

    def to_domain(self) -> PersonInput:
        return PersonInput(**self.model_dump(include=self.model_fields_set))


# ---- responses ---------------------------------------------------------------------------


class MaterialOut(BaseModel):
    id: str
    name: str
    saved: bool
    uploaded: bool
    content_type: str | None
    size: int | None
    uploaded_at: datetime | None

    @classmethod
    def of(cls, m: Material) -> MaterialOut:
        return cls(
            id=m.id,
            name=m.name,
            saved=m.saved,
            uploaded=m.file_id is not None,
            content_type=m.content_type,
            size=m.size,
            uploaded_at=m.uploaded_at,
        )


class ReviewOut(BaseModel):
    action: str
    action_label: str
    actor_id: str
    actor_role: str
    at: datetime
    comment: str | None

    @classmethod
    def of(cls, r: ReviewRecord) -> ReviewOut:
        return cls(
            action=r.action,
            action_label=REVIEW_ACTION_LABELS.get(r.action, r.action),
            actor_id=r.actor_id,
            actor_role=r.actor_role,
            at=r.at,
            comment=r.comment,
        )


def _last_review(history: list[ReviewRecord]) -> ReviewOut | None:
    decided = [r for r in history if r.action in ("approve", "reject")]
    return ReviewOut.of(decided[-1]) if decided else None


class EnterpriseInfoOut(BaseModel):
    full_name: str
    uscc: str
    legal_representative: str
    address: str
    business_term_from: date | None
    business_term_to: date
    qualification_cert_no: str | None
    qualification_valid_to: date

    @classmethod
    def of(cls, i: EnterpriseInfo) -> EnterpriseInfoOut:
        return cls(
            full_name=i.full_name,
            uscc=i.uscc,
            legal_representative=i.legal_representative,
            address=i.address,
            business_term_from=i.business_term_from,
            business_term_to=i.business_term_to,
            qualification_cert_no=i.qualification_cert_no,
            qualification_valid_to=i.qualification_valid_to,
        )


class AgencyOut(BaseModel):
    id: str
    name: str
    filing_no: str
    admin_account_id: str
    status: str
    status_label: str
    allowed_actions: list[str]
    info: EnterpriseInfoOut | None
    materials: list[MaterialOut]
    last_review: ReviewOut | None = Field(description="最近一次审核结果（通过或不通过及原因）")
    history: list[ReviewOut]
    opened_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, a: Agency, role: Role) -> AgencyOut:
        """``role``: the caller's, for what it is offered."""
        return cls(
            id=a.id,
            name=a.name,
            filing_no=a.filing_no,
            admin_account_id=a.admin_account_id,
            status=a.status.value,
            status_label=AGENCY_LABELS[a.status],
            allowed_actions=a.allowed_actions(role),
            info=EnterpriseInfoOut.of(a.info) if a.info else None,
            materials=[MaterialOut.of(m) for m in a.materials],
            last_review=_last_review(a.history),
            history=[ReviewOut.of(r) for r in a.history],
            opened_at=a.opened_at,
            updated_at=a.updated_at,
            version=a.version,
        )


class AgencyOpened(BaseModel):
    agency: AgencyOut
    admin_username: str
    initial_password_note: str = "初始密码为 123456，首次登录须修改 (initial password 123456)"


class AgencyList(BaseModel):
    items: list[AgencyOut]


class MaterialOnAgency(BaseModel):
    material: MaterialOut
    agency: AgencyOut


class PractitionerOut(BaseModel):
    id: str
    agency_id: str
    name: str
    id_number_masked: str
    phone: str
    status: str
    status_label: str
    allowed_actions: list[str]
    materials: list[MaterialOut]
    username: str | None = Field(description="网签登录账号（审核通过后）")
    account_disabled: bool | None = Field(description="登录账号是否已停用（审核通过后）")
    last_review: ReviewOut | None
    history: list[ReviewOut]
    created_at: datetime
    approved_at: datetime | None
    version: int

    @classmethod
    def of(cls, p: Practitioner, role: Role, account: Account | None = None) -> PractitionerOut:
        """``role``: the caller's, for what it is offered; ``account``: the login, if any."""
        return cls(
            id=p.id,
            agency_id=p.agency_id,
            name=p.name,
            id_number_masked=mask_id_number(p.id_number),
            phone=p.phone,
            status=p.status.value,
            status_label=PRACTITIONER_LABELS[p.status],
            allowed_actions=p.allowed_actions(
                role, account_disabled=account.disabled if account is not None else None
            ),
            materials=[MaterialOut.of(m) for m in p.materials],
            username=p.username,
            account_disabled=account.disabled if account is not None else None,
            last_review=_last_review(p.history),
            history=[ReviewOut.of(r) for r in p.history],
            created_at=p.created_at,
            approved_at=p.approved_at,
            version=p.version,
        )


class PractitionerList(BaseModel):
    items: list[PractitionerOut]


class MaterialOnPractitioner(BaseModel):
    material: MaterialOut
    practitioner: PractitionerOut


class PractitionerPasswordSent(BaseModel):
    """After approval or a password reset: whether the SMS with the password went out."""

    practitioner: PractitionerOut
    password_sms_sent: bool = Field(
        description="false: 短信发送失败，可用「重置密码」重新发送 (use password-reset to retry)"
    )


class ReviewedPractitioner(BaseModel):
    """已审核从业人员查询: one approved practitioner and its net-sign login."""

    id: str
    name: str
    id_number_masked: str
    phone: str
    username: str
    account_status: str
    account_status_label: str
    approved_at: datetime | None

    @classmethod
    def of(cls, p: Practitioner, account: Account | None) -> ReviewedPractitioner:
        disabled = account is None or account.disabled
        return cls(
            id=p.id,
            name=p.name,
            id_number_masked=mask_id_number(p.id_number),
            phone=p.phone,
            username=p.username or "",
            account_status="disabled" if disabled else "active",
            account_status_label="已停用" if disabled else "正常",
            approved_at=p.approved_at,
        )


class ReviewedPractitionerList(BaseModel):
    items: list[ReviewedPractitioner]
