"""Practitioner accounts (从业人员账号, guide §1.3): the agency admin adds a person with the ID
card image and submits; on approval by staff the person gets a net-sign login whose initial
password goes out by SMS. One person (by ID number) belongs to at most one agency at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from signing_flow.agency_models import Practitioner
from signing_flow.errors import (
    AlreadyExists,
    DuplicateKey,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from signing_flow.models import Account
from signing_flow.ports import Ports
from signing_flow.repository import accounts, practitioners, with_retries
from signing_flow.roles import Actor, Role, ensure_agency_admin, ensure_staff
from signing_flow.secrets import new_id
from signing_flow.usecases.agencies import ensure_agency_approved
from signing_flow.usecases.materials import MaterialOwner, uploaded
from signing_flow.usecases.practitioner_logins import (
    create_login,
    new_initial_password,
    revoke_sessions,
    send_password,
)
from signing_flow.usecases.unified import release_bindings
from signing_flow.validators import (
    check_id_number,
    check_phone,
    check_visible_text,
    normalize_id_number,
    normalize_phone,
)
from signing_flow.vocabulary import PractitionerAction, PractitionerStatus


def practitioner_not_found() -> NotFound:
    return NotFound("从业人员不存在 (no such practitioner)", code="PRACTITIONER_NOT_FOUND")


def _already_registered() -> AlreadyExists:
    # Says no more than the rule needs: not which agency holds the person.
    return AlreadyExists(
        "该人员已是中介机构的从业人员，一个从业人员只能从属于一个中介机构 "
        "(this person is already a practitioner of an agency)",
        code="PRACTITIONER_ALREADY_REGISTERED",
        details={"field": "id_number"},
    )


# ---- the person's details -----------------------------------------------------------------


@dataclass(frozen=True)
class PersonInput:
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None


def _check_person(form: PersonInput, *, partial: bool) -> dict[str, str]:
    """The cleaned fields given, or every problem at once. ``partial``: absent fields are kept."""
    problems: list[FieldProblem] = []
    out: dict[str, str] = {}
    for path in ("name", "id_number", "phone"):
        value = getattr(form, path)
        if value is None and partial:
            continue
        value = (value or "").strip()
        if not value:
            problems.append(FieldProblem(path, "REQUIRED", "必填 (required)"))
            continue
        if path == "id_number":
            value = normalize_id_number(value)
            if reason := check_id_number(value):
                problems.append(FieldProblem(path, "INVALID", f"身份证号码有误 ({reason})"))
        elif path == "name" and (reason := check_visible_text(value)):
            problems.append(FieldProblem(path, "INVALID", reason))
        elif path == "phone":
            value = normalize_phone(value)
            if reason := check_phone(value):
                problems.append(FieldProblem(path, "INVALID", f"手机号码有误 ({reason})"))
        out[path] = value
    if problems:
        raise ValidationFailed(problems)
    return out


async def add_practitioner(ports: Ports, actor: Actor, form: PersonInput) -> Practitioner:
    """人员添加 (the agency admin, once the agency's information check passed)."""
    ensure_agency_admin(actor)
    agency = await ensure_agency_approved(ports, actor.agency_id)
    person = _check_person(form, partial=False)
    now = ports.clock.now()
    practitioner = Practitioner(
        id=new_id(),
        agency_id=agency.id,
        name=person["name"],
        id_number=person["id_number"],
        phone=person["phone"],
        status=PractitionerStatus.DRAFT,
        person_lock=person["id_number"],
        created_by=actor.account_id,
        created_at=now,
        updated_at=now,
    )
    try:
        await practitioners(ports.store).insert(practitioner)
    except DuplicateKey as exc:
        # The unique index on person_lock decides, also between two agencies at the same moment.
        if exc.key == "person_lock":
            raise _already_registered() from exc
        raise
    return practitioner


async def update_practitioner(
    ports: Ports, actor: Actor, practitioner_id: str, form: PersonInput
) -> Practitioner:
    """Correct a draft or a rejected application (the ID number too, re-claiming the person)."""
    practitioner = await _managed_by_admin(ports, actor, practitioner_id)
    practitioner.ensure_can(PractitionerAction.EDIT, actor)
    changes = _check_person(form, partial=True)
    for name, value in changes.items():
        setattr(practitioner, name, value)
    practitioner.person_lock = practitioner.id_number
    practitioner.apply(PractitionerAction.EDIT, actor, ports.clock.now())
    await _save(ports, practitioner)
    return practitioner


async def _save(ports: Ports, practitioner: Practitioner) -> None:
    try:
        await practitioners(ports.store).save(practitioner)
    except DuplicateKey as exc:
        if exc.key == "person_lock":
            raise _already_registered() from exc
        raise


# ---- reading -------------------------------------------------------------------------------


def _can_see(actor: Actor, practitioner: Practitioner) -> bool:
    if actor.role is Role.CENTER_STAFF:
        return True
    if actor.role is Role.AGENCY_ADMIN:
        return practitioner.agency_id == actor.agency_id
    return practitioner.account_id is not None and practitioner.account_id == actor.account_id


async def get_practitioner(ports: Ports, actor: Actor, practitioner_id: str) -> Practitioner:
    """Staff see every record, an admin its agency's, a practitioner its own; anyone else is
    told it does not exist."""
    practitioner = await practitioners(ports.store).get(practitioner_id)
    if practitioner is None or not _can_see(actor, practitioner):
        raise practitioner_not_found()
    return practitioner


async def list_practitioners(
    ports: Ports,
    actor: Actor,
    *,
    status: PractitionerStatus | None = None,
    agency_id: str | None = None,
    limit: int = 200,
) -> list[Practitioner]:
    """人员列表: an admin's own agency; staff any agency (``agency_id``) or all."""
    where: dict[str, str] = {}
    if actor.role is Role.AGENCY_ADMIN:
        if agency_id is not None and agency_id != actor.agency_id:
            return []
        where["agency_id"] = actor.agency_id or ""
    else:
        _ensure_staff_or_admin(actor)
        if agency_id is not None:
            where["agency_id"] = agency_id
    if status is not None:
        where["status"] = status.value
    return await practitioners(ports.store).find(
        where, sort="created_at", descending=True, limit=limit
    )


async def reviewed_practitioners(
    ports: Ports, actor: Actor, agency_id: str | None = None
) -> list[tuple[Practitioner, Account | None]]:
    """已审核从业人员查询: the approved practitioners with their net-sign logins."""
    found = await list_practitioners(
        ports, actor, status=PractitionerStatus.APPROVED, agency_id=agency_id
    )
    logins = await accounts_of(ports, found)
    return [(p, logins.get(p.account_id or "")) for p in found]


async def accounts_of(ports: Ports, found: list[Practitioner]) -> dict[str, Account]:
    ids = [p.account_id for p in found if p.account_id]
    if not ids:
        return {}
    return {a.id: a for a in await accounts(ports.store).find({"_id": {"$in": ids}})}


def _ensure_staff_or_admin(actor: Actor) -> None:
    if actor.role not in (Role.CENTER_STAFF, Role.AGENCY_ADMIN):
        raise Forbidden(
            "只有中介机构账号或交易中心工作人员可以管理从业人员 "
            "(agency accounts and center staff manage practitioners)",
            code="ROLE_NOT_ALLOWED",
        )


async def _managed_by_admin(ports: Ports, actor: Actor, practitioner_id: str) -> Practitioner:
    practitioner = await get_practitioner(ports, actor, practitioner_id)
    ensure_agency_admin(actor)
    return practitioner


async def _managed(ports: Ports, actor: Actor, practitioner_id: str) -> Practitioner:
    practitioner = await get_practitioner(ports, actor, practitioner_id)
    _ensure_staff_or_admin(actor)
    return practitioner


# ---- the ID card image (收件材料, as for the business license) ----------------------------------


def _record_edit(practitioner: Practitioner, actor: Actor, at: datetime) -> None:
    practitioner.apply(PractitionerAction.EDIT, actor, at)


MATERIALS = MaterialOwner[Practitioner](
    for_change=_managed_by_admin,
    for_read=_managed,
    ensure_editable=lambda practitioner, actor: practitioner.ensure_can(
        PractitionerAction.EDIT, actor
    ),
    record_edit=_record_edit,
    save=_save,
)


# ---- submission and review -------------------------------------------------------------------


async def submit_practitioner(
    ports: Ports, actor: Actor, practitioner_id: str, comment: str | None = None
) -> Practitioner:
    """提交: needs the ID card image (at least one uploaded material)."""
    practitioner = await _managed_by_admin(ports, actor, practitioner_id)
    practitioner.ensure_can(PractitionerAction.SUBMIT, actor)
    if not uploaded(practitioner.materials):
        raise ValidationFailed(
            [
                FieldProblem(
                    "materials",
                    "NO_UPLOADED_MATERIAL",
                    "请上传从业人员的身份证图片 (upload the ID card image)",
                )
            ]
        )
    practitioner.apply(
        PractitionerAction.SUBMIT, actor, ports.clock.now(), (comment or "").strip() or None
    )
    await _save(ports, practitioner)
    return practitioner


async def review_practitioner(
    ports: Ports, actor: Actor, practitioner_id: str, *, approve: bool, reason: str | None
) -> tuple[Practitioner, bool]:
    """Staff approve or reject. Approval creates the login (must change its password at first
    login) and sends the password by SMS; returns whether the SMS went out. If it did not, the
    approval stands and ``reset_practitioner_password`` sends a new one."""
    ensure_staff(actor)
    practitioner = await get_practitioner(ports, actor, practitioner_id)
    action = PractitionerAction.APPROVE if approve else PractitionerAction.REJECT
    practitioner.ensure_can(action, actor)
    reason = (reason or "").strip() or None
    now = ports.clock.now()
    if not approve:
        if reason is None:
            raise ValidationFailed(
                [FieldProblem("reason", "REQUIRED", "请填写不通过的原因 (give the reason)")]
            )
        practitioner.apply(action, actor, now, reason)
        await _save(ports, practitioner)
        return practitioner, False

    password = new_initial_password()
    account = await create_login(ports, practitioner, password)
    practitioner.account_id, practitioner.username = account.id, account.username
    practitioner.approved_at = now
    practitioner.apply(action, actor, now, reason)
    try:
        await _save(ports, practitioner)
    except VersionConflict:
        # Someone else decided first: this login was never announced; make sure it stays unused.
        await _set_disabled(ports, account.id, True)
        raise
    sent = await send_password(
        ports, practitioner, account.username, password, purpose="practitioner_login"
    )
    return practitioner, sent


# ---- the login: disable, enable, reset, remove ---------------------------------------------


async def set_practitioner_disabled(
    ports: Ports, actor: Actor, practitioner_id: str, disabled: bool
) -> tuple[Practitioner, Account]:
    """停用 / 启用 (the agency admin or staff). A disabled login's sessions stop working at once
    (every request checks the account); enabling ends them for good, so only a new login works."""
    practitioner = await _managed(ports, actor, practitioner_id)
    practitioner.ensure_can(
        PractitionerAction.DISABLE if disabled else PractitionerAction.ENABLE, actor
    )
    if not disabled:
        await revoke_sessions(ports, practitioner.account_id or "")
    account = await _set_disabled(ports, practitioner.account_id or "", disabled)
    return practitioner, account


async def reset_practitioner_password(
    ports: Ports, actor: Actor, practitioner_id: str
) -> tuple[Practitioner, bool]:
    """重置密码: a new random initial password by SMS; the old sessions end."""
    practitioner = await _managed(ports, actor, practitioner_id)
    practitioner.ensure_can(PractitionerAction.RESET_PASSWORD, actor)
    password = new_initial_password()
    password_hash = await ports.passwords.hash(password)

    async def reset() -> Account:
        account = await accounts(ports.store).get(practitioner.account_id or "")
        assert account is not None
        account.password_hash = password_hash
        account.must_change_password = True
        account.failed_logins, account.locked_until = 0, None
        await accounts(ports.store).save(account)
        return account

    account = await with_retries(reset)
    await revoke_sessions(ports, account.id)
    await release_bindings(ports, account.id)
    sent = await send_password(
        ports, practitioner, account.username, password, purpose="password_reset"
    )
    return practitioner, sent


async def remove_practitioner(ports: Ports, actor: Actor, practitioner_id: str) -> Practitioner:
    """注销: withdraws an application, or ends an approved practitioner's membership (its login
    is disabled). Either way the person may then join another agency."""
    practitioner = await _managed(ports, actor, practitioner_id)
    practitioner.ensure_can(PractitionerAction.REMOVE, actor)
    if practitioner.account_id:
        # First the idempotent step, so that a failure before the decisive write can be retried.
        await _set_disabled(ports, practitioner.account_id, True)
        await revoke_sessions(ports, practitioner.account_id)
    practitioner.apply(PractitionerAction.REMOVE, actor, ports.clock.now())
    await _save(ports, practitioner)
    return practitioner


async def _set_disabled(ports: Ports, account_id: str, disabled: bool) -> Account:
    async def update() -> Account:
        account = await accounts(ports.store).get(account_id)
        if account is None:
            raise practitioner_not_found()
        if account.disabled != disabled:
            account.disabled = disabled
            await accounts(ports.store).save(account)
        return account

    return await with_retries(update)
