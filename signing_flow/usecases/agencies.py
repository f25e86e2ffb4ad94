"""Agency accounts (中介机构账号, guide §1.1–§1.2): staff open the account, the agency admin
completes the enterprise information check (企业信息核查) with its materials (收件材料) and
submits it, staff approve or reject it.

Its materials are managed by ``usecases.materials``, as a practitioner's are.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from signing_flow.agency_models import Agency, EnterpriseInfo
from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import (
    AlreadyExists,
    DuplicateKey,
    FieldProblem,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from signing_flow.models import Account
from signing_flow.ports import Ports
from signing_flow.repository import accounts, agencies, with_retries
from signing_flow.roles import Actor, Role, ensure_agency_admin, ensure_staff
from signing_flow.secrets import new_id
from signing_flow.states import AGENCY
from signing_flow.usecases.auth import INITIAL_PASSWORD
from signing_flow.usecases.materials import MaterialOwner, uploaded
from signing_flow.validators import check_uscc
from signing_flow.vocabulary import AgencyAction, AgencyStatus

MAX_YEARS_AHEAD = 2  # 营业期限、资质有效期填写不能超今起 2 年


# ---- roles -------------------------------------------------------------------------------


def agency_not_found() -> NotFound:
    return NotFound("中介机构不存在 (no such agency)", code="AGENCY_NOT_FOUND")


# ---- opening the account ---------------------------------------------------------------------


async def open_agency(
    ports: Ports, actor: Actor, *, name: str, filing_no: str, username: str | None = None
) -> tuple[Agency, Account]:
    """开设中介机构网签账号 (staff, from the paper application): the agency record and its admin
    account, whose initial password is 123456 and must be changed at first login. The account
    name defaults to the agency's full name, as the guide's binding step expects (§1.4.2)."""
    ensure_staff(actor)
    name, filing_no = name.strip(), filing_no.strip()
    username = (username or name).strip()
    problems = [
        FieldProblem(path, "REQUIRED", "必填 (required)")
        for path, value in (("name", name), ("filing_no", filing_no), ("username", username))
        if not value
    ]
    if problems:
        raise ValidationFailed(problems)
    if await agencies(ports.store).find({"filing_no": filing_no}, limit=1):
        raise _filing_no_taken()
    now = ports.clock.now()
    agency_id = new_id()
    admin = Account(
        id=new_id(),
        username=username,
        role=Role.AGENCY_ADMIN,
        display_name=name,
        password_hash=await ports.passwords.hash(INITIAL_PASSWORD),
        agency_id=agency_id,
        must_change_password=True,
    )
    try:
        await accounts(ports.store).insert(admin)
    except DuplicateKey as exc:
        raise AlreadyExists(
            "该登录账号名已被使用 (this username is taken)",
            code="USERNAME_TAKEN",
            details={"field": "username"},
        ) from exc
    agency = Agency(
        id=agency_id,
        name=name,
        filing_no=filing_no,
        admin_account_id=admin.id,
        status=AgencyStatus.INCOMPLETE,
        opened_by=actor.account_id,
        opened_at=now,
        updated_at=now,
    )
    try:
        await agencies(ports.store).insert(agency)
    except DuplicateKey as exc:
        # Another opening with the same filing number won between our check and our write: the
        # admin account just made belongs to nothing, so it is disabled (its password is 123456).
        await _disable(ports, admin.id)
        raise _filing_no_taken() from exc
    return agency, admin


def _filing_no_taken() -> AlreadyExists:
    return AlreadyExists(
        "该备案编号已开设中介机构账号 (an agency with this filing number exists)",
        code="FILING_NO_TAKEN",
        details={"field": "filing_no"},
    )


async def _disable(ports: Ports, account_id: str) -> None:
    async def disable() -> None:
        account = await accounts(ports.store).get(account_id)
        if account is not None and not account.disabled:
            account.disabled = True
            await accounts(ports.store).save(account)

    await with_retries(disable)


# ---- reading -----------------------------------------------------------------------------


def can_manage_agency(actor: Actor, agency_id: str) -> bool:
    """Staff, or the agency's own admin. Anyone else is told the agency does not exist."""
    if actor.role is Role.CENTER_STAFF:
        return True
    return actor.role is Role.AGENCY_ADMIN and actor.agency_id == agency_id


async def get_agency(ports: Ports, actor: Actor, agency_id: str) -> Agency:
    agency = await agencies(ports.store).get(agency_id)
    if agency is None or not can_manage_agency(actor, agency.id):
        raise agency_not_found()
    return agency


async def list_agencies(
    ports: Ports, actor: Actor, status: AgencyStatus | None = None, limit: int = 100
) -> list[Agency]:
    """Staff: every agency (the review queue with ``status=submitted``); an admin: its own."""
    if actor.role is Role.AGENCY_ADMIN:
        own = await agencies(ports.store).get(actor.agency_id or "")
        return [own] if own is not None and status in (None, own.status) else []
    ensure_staff(actor)
    where = {"status": status.value} if status is not None else {}
    return await agencies(ports.store).find(where, sort="opened_at", descending=True, limit=limit)


async def _own_agency(ports: Ports, actor: Actor, agency_id: str) -> Agency:
    """The agency, for its admin's own changes."""
    agency = await get_agency(ports, actor, agency_id)
    ensure_agency_admin(actor)
    return agency


# ---- enterprise information ----------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseInfoInput:
    """What the 中介服务机构信息核查 form holds; every field is checked at once."""

    full_name: str | None = None
    uscc: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    business_term_from: date | None = None
    business_term_to: date | None = None
    qualification_cert_no: str | None = None
    qualification_valid_to: date | None = None


def years_later(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def check_enterprise_info(form: EnterpriseInfoInput, today: date) -> EnterpriseInfo:
    """The information to store, or every problem at once (guide §1.2 (一)): the blue fields
    are required; the business term and the qualification's validity end at most 2 years from
    today and not before it; without a qualification certificate its validity is the business
    term."""
    problems: list[FieldProblem] = []
    required = {
        "full_name": form.full_name,
        "uscc": form.uscc,
        "legal_representative": form.legal_representative,
        "address": form.address,
        "business_term_to": form.business_term_to,
    }
    for path, value in required.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(FieldProblem(path, "REQUIRED", "必填 (required)"))
    uscc = (form.uscc or "").strip().upper()
    if uscc and (reason := check_uscc(uscc)):
        problems.append(FieldProblem("uscc", "INVALID", f"统一社会信用代码有误 ({reason})"))

    limit = years_later(today, MAX_YEARS_AHEAD)

    def check_date(path: str, value: date | None, label: str) -> None:
        if value is None:
            return
        if value > limit:
            problems.append(
                FieldProblem(
                    path,
                    "TOO_FAR_AHEAD",
                    f"{label}不能超过今起 2 年，即不晚于 {limit.isoformat()} "
                    f"(at most 2 years from today: {limit.isoformat()})",
                )
            )
        elif value < today:
            problems.append(
                FieldProblem(
                    path, "EXPIRED", f"{label}已过期 (the date has passed: {value.isoformat()})"
                )
            )

    check_date("business_term_to", form.business_term_to, "营业期限")
    if (
        form.business_term_from is not None
        and form.business_term_to is not None
        and form.business_term_from > form.business_term_to
    ):
        problems.append(
            FieldProblem(
                "business_term_from",
                "AFTER_END",
                "营业期限起始日期不能晚于截止日期 (the term starts after it ends)",
            )
        )
    cert_no = (form.qualification_cert_no or "").strip() or None
    valid_to = form.qualification_valid_to
    if cert_no is None:
        # 如无资质证书，有效日期可填与营业期限一致
        if valid_to is not None and valid_to != form.business_term_to:
            problems.append(
                FieldProblem(
                    "qualification_valid_to",
                    "MUST_EQUAL_BUSINESS_TERM",
                    "无资质证书时，资质有效期须与营业期限一致 "
                    "(without a qualification certificate its validity is the business term)",
                )
            )
        valid_to = form.business_term_to
    elif valid_to is None:
        problems.append(
            FieldProblem(
                "qualification_valid_to",
                "REQUIRED",
                "填写了资质证书，须填写资质有效期 (required with a qualification certificate)",
            )
        )
    else:
        check_date("qualification_valid_to", valid_to, "资质有效期")
    if problems:
        raise ValidationFailed(problems)
    assert form.business_term_to is not None and valid_to is not None
    return EnterpriseInfo(
        full_name=(form.full_name or "").strip(),
        uscc=uscc,
        legal_representative=(form.legal_representative or "").strip(),
        address=(form.address or "").strip(),
        business_term_from=form.business_term_from,
        business_term_to=form.business_term_to,
        qualification_cert_no=cert_no,
        qualification_valid_to=valid_to,
    )


async def save_enterprise_info(
    ports: Ports, actor: Actor, agency_id: str, form: EnterpriseInfoInput
) -> Agency:
    """企业信息核查: the admin fills (or corrects) the information, all fields at once."""
    agency = await _own_agency(ports, actor, agency_id)
    now = ports.clock.now()
    agency.ensure_can(AgencyAction.EDIT, actor)
    agency.info = check_enterprise_info(form, now.astimezone(CITY_TZ).date())
    agency.apply(AgencyAction.EDIT, actor, now)
    await agencies(ports.store).save(agency)
    return agency


# ---- materials (收件材料): the business license ------------------------------------------------


def _record_edit(agency: Agency, actor: Actor, at: datetime) -> None:
    agency.apply(AgencyAction.EDIT, actor, at)


async def _save(ports: Ports, agency: Agency) -> None:
    await agencies(ports.store).save(agency)


MATERIALS = MaterialOwner[Agency](
    for_change=_own_agency,
    for_read=get_agency,
    ensure_editable=lambda agency, actor: agency.ensure_can(AgencyAction.EDIT, actor),
    record_edit=_record_edit,
    save=_save,
)


# ---- submission and review -------------------------------------------------------------------


async def submit_agency(ports: Ports, actor: Actor, agency_id: str, comment: str | None) -> Agency:
    """提交 (提交意见为必填): needs the information and at least one uploaded material (the
    business license); every missing piece is reported at once."""
    agency = await _own_agency(ports, actor, agency_id)
    agency.ensure_can(AgencyAction.SUBMIT, actor)
    problems = []
    if agency.info is None:
        problems.append(
            FieldProblem(
                "info", "REQUIRED", "请先填写企业信息 (fill in the enterprise information)"
            )
        )
    if not uploaded(agency.materials):
        problems.append(
            FieldProblem(
                "materials",
                "NO_UPLOADED_MATERIAL",
                "请上传营业执照图片 (upload at least one material: the business license)",
            )
        )
    comment = (comment or "").strip()
    if not comment:
        problems.append(
            FieldProblem("comment", "REQUIRED", "提交意见为必填 (a comment is required)")
        )
    if problems:
        raise ValidationFailed(problems)
    agency.apply(AgencyAction.SUBMIT, actor, ports.clock.now(), comment)
    await agencies(ports.store).save(agency)
    return agency


async def review_agency(
    ports: Ports, actor: Actor, agency_id: str, *, approve: bool, reason: str | None
) -> Agency:
    """Staff approve (a comment is optional) or reject (with the reason the admin will see)."""
    ensure_staff(actor)
    agency = await get_agency(ports, actor, agency_id)
    action = AgencyAction.APPROVE if approve else AgencyAction.REJECT
    agency.ensure_can(action, actor)
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise ValidationFailed(
            [FieldProblem("reason", "REQUIRED", "请填写不通过的原因 (give the reason)")]
        )
    agency.apply(action, actor, ports.clock.now(), reason)
    await agencies(ports.store).save(agency)
    return agency


async def ensure_agency_approved(ports: Ports, agency_id: str | None) -> Agency:
    """Practitioners are added only after the information check passed (guide §1.3 (一))."""
    agency = await agencies(ports.store).get(agency_id or "")
    if agency is None:
        raise agency_not_found()
    if agency.status is not AgencyStatus.APPROVED:
        raise InvalidState(
            "企业信息核查通过后才能添加从业人员 "
            "(practitioners can be added once the enterprise information is approved)",
            current=agency.status.value,
            allowed=AGENCY.actions(agency.status),
            code="AGENCY_NOT_APPROVED",
        )
    return agency
