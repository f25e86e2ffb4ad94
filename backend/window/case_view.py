"""GET /api/v1/window/cases and GET …/contracts/{id}/case: what the window screen shows. The
parties' ID numbers and phones are masked as on the printed forms: the screen faces the counter,
and staff check the original documents. So is the proxy's number: saving the appearance again
with the number left out keeps it while the proxy's name is unchanged."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field

from backend.appkeys import PORTS
from backend.http import actor_of, respond
from backend.request_values import QueryParam
from backend.window.print_views import FORMS, available_forms
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Appearance, Contract, Party
from signing_flow.terms import ID_TYPE_LABELS, PARTY_ROLE_LABELS
from signing_flow.usecases.window import birth_date_on_document, window_purpose
from signing_flow.usecases.window_cases import list_window_cases, view_window_case
from signing_flow.validators import mask_id_number
from signing_flow.vocabulary import CONTRACT_LABELS, OrderPurpose

WINDOW_PURPOSE_LABELS = {
    OrderPurpose.FILING: "线下办理存量房买卖合同备案",
    OrderPurpose.CANCELLATION: "线下办理存量房买卖合同备案注销",
}

STAGE = QueryParam(
    "stage", "preparing：受理后准备中；in_review：待审核", choices=("preparing", "in_review")
)


class ProblemOut(BaseModel):
    path: str
    code: str
    message: str

    @classmethod
    def of(cls, p: FieldProblem) -> ProblemOut:
        return cls(path=p.path, code=p.code, message=p.message)


class AppearanceOut(BaseModel):
    appeared: bool
    id_checked: bool
    proxy_name: str | None
    proxy_id_number_masked: str | None = Field(description="受托人证件号码（脱敏）")
    proxy_id_on_file: bool = Field(
        description="已登记受托人证件号码：姓名不变时，保存到场情况可不再填写"
    )
    poa_notarised: bool
    poa_names_matter: bool
    father_present: bool
    mother_present: bool
    minor: bool = Field(description="工作人员认定的未成年人（证件无出生日期时）")
    documents: list[str] = Field(description="已上传的材料种类 (photo, power_of_attorney, …)")

    @classmethod
    def of(cls, a: Appearance) -> AppearanceOut:
        return cls(
            appeared=a.appeared,
            id_checked=a.id_checked,
            proxy_name=a.proxy_name,
            proxy_id_number_masked=mask_id_number(a.proxy_id_number) if a.proxy_id_number else None,
            proxy_id_on_file=bool(a.proxy_id_number),
            poa_notarised=a.poa_notarised,
            poa_names_matter=a.poa_names_matter,
            father_present=a.father_present,
            mother_present=a.mother_present,
            minor=a.minor,
            documents=sorted(a.documents),
        )


class WindowPartyOut(BaseModel):
    id: str
    role: str
    role_label: str
    name: str | None
    id_type_label: str | None
    id_number_masked: str
    phone_masked: str
    minor: bool = Field(description="未成年人：须父母双方到场，并提供保证书和亲子关系证明")
    birth_date_on_document: bool = Field(
        description="证件号码含出生日期；否则（护照、通行证）由工作人员在到场情况中认定是否未成年"
    )
    appearance: AppearanceOut | None


class CaseOut(BaseModel):
    purpose: str
    purpose_label: str
    in_review: bool
    reason: str | None = Field(description="注销原因")
    rejection: str | None = Field(description="上次审核退回的原因")
    opened_at: datetime
    signed_pages: int = Field(description="已上传的签章页份数")


class WindowCaseOut(BaseModel):
    contract_id: str
    number: str
    status: str
    status_label: str
    address: str
    channel: str
    filed_via: str | None
    business: str = Field(description="本合同的窗口业务：filing 或 cancellation")
    business_label: str
    case: CaseOut | None = Field(description="进行中的窗口业务；未受理为 null")
    parties: list[WindowPartyOut]
    missing: list[ProblemOut] = Field(
        description="提交审核前尚缺的材料或到场情况（与提交时的检查相同）"
    )
    forms: dict[str, str] = Field(description="可打印的表格：key → 名称")


class WindowCaseSummary(BaseModel):
    contract_id: str
    number: str
    address: str
    status_label: str
    purpose: str
    purpose_label: str
    in_review: bool
    opened_at: datetime


class WindowCaseList(BaseModel):
    items: list[WindowCaseSummary]


def _party(p: Party, contract: Contract, minors: frozenset[str]) -> WindowPartyOut:
    case = contract.window_case
    appearance = case.appearance(p.id) if case else None
    return WindowPartyOut(
        id=p.id,
        role=p.role.value,
        role_label=PARTY_ROLE_LABELS[p.role],
        name=p.name,
        id_type_label=ID_TYPE_LABELS.get(p.id_type or ""),
        id_number_masked=mask_id_number(p.id_number or ""),
        phone_masked=mask_id_number(p.phone or ""),
        minor=p.id in minors,
        birth_date_on_document=birth_date_on_document(p) is not None,
        appearance=AppearanceOut.of(appearance) if appearance else None,
    )


async def case_view(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    view = await view_window_case(request.app[PORTS], actor, request.match_info["id"])
    c = view.contract
    business = window_purpose(c)
    case = None
    if c.window_case is not None:
        w = c.window_case
        case = CaseOut(
            purpose=w.purpose.value,
            purpose_label=WINDOW_PURPOSE_LABELS[w.purpose],
            in_review=w.in_review,
            reason=w.reason,
            rejection=w.rejection,
            opened_at=w.opened_at,
            signed_pages=len(w.signed_pages),
        )
    out = WindowCaseOut(
        contract_id=c.id,
        number=c.number,
        status=c.status.value,
        status_label=CONTRACT_LABELS[c.status],
        address=c.property.address,
        channel=c.channel.value,
        filed_via=c.filed_via.value if c.filed_via else None,
        business=business.value,
        business_label=WINDOW_PURPOSE_LABELS[business],
        case=case,
        parties=[_party(p, c, view.minors) for p in c.parties()],
        missing=[ProblemOut.of(p) for p in view.missing],
        forms={key: FORMS[key] for key in available_forms(c)},
    )
    return respond(out)


async def list_cases(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    try:
        stage = STAGE.read_str(request)
    except ValueError as exc:
        raise ValidationFailed(
            [FieldProblem("stage", "INVALID", "one of ['in_review', 'preparing']")]
        ) from exc
    in_review = None if stage is None else stage == "in_review"
    found = await list_window_cases(request.app[PORTS], actor, in_review=in_review)
    items = [
        WindowCaseSummary(
            contract_id=c.id,
            number=c.number,
            address=c.property.address,
            status_label=CONTRACT_LABELS[c.status],
            purpose=c.window_case.purpose.value,
            purpose_label=WINDOW_PURPOSE_LABELS[c.window_case.purpose],
            in_review=c.window_case.in_review,
            opened_at=c.window_case.opened_at,
        )
        for c in found
        if c.window_case is not None
    ]
    return respond(WindowCaseList(items=items))
