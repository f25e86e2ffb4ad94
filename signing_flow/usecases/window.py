"""The window (线下) paths, run by center staff: filing an offline contract (guide §3.2 (六)) and
cancelling a contract filed at the window (guide §5).

Staff open a case on the contract, record how each party appeared, upload what the guide asks
for, upload the signed pages and submit the case for review; a reviewer approves or sends it
back. Every step is one compare-and-set on the contract with its audit event, so the agent sees
the progress in the contract's status and audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from signing_flow.contract_rules import ensure_complete_as_submitted
from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import (
    FieldProblem,
    InvalidState,
    NotEligible,
    ValidationFailed,
)
from signing_flow.models import Appearance, Contract, Party, WindowCase
from signing_flow.outbox import save_contract
from signing_flow.ports import Ports
from signing_flow.repository import files
from signing_flow.roles import Actor, ensure_staff
from signing_flow.secrets import new_id
from signing_flow.uploads import SCAN_LIMIT, SCANS, accept_upload
from signing_flow.usecases.cancellation import ensure_registry_allows_cancellation
from signing_flow.usecases.contracts import get_contract
from signing_flow.validators import (
    birth_date_of,
    check_id_number,
    id_check_digit,
    normalize_id_number,
)
from signing_flow.vocabulary import (
    Channel,
    ContractAction,
    ContractStatus,
    OrderPurpose,
    WindowDocument,
)

ADULT_AGE = 18
_GB11643 = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True)
class AppearanceInput:
    appeared: bool = False
    id_checked: bool = False
    proxy_name: str | None = None
    proxy_id_number: str | None = None
    poa_notarised: bool = False
    poa_names_matter: bool = False
    father_present: bool = False
    mother_present: bool = False
    minor: bool = False  # only for a document without a birth date (``birth_date_on_document``)


async def get_window_contract(ports: Ports, actor: Actor, contract_id: str) -> Contract:
    """The contract as staff see it at the window (for the print views, too)."""
    ensure_staff(actor)
    return await get_contract(ports, actor, contract_id)


async def get_contract_to_print(ports: Ports, actor: Actor, contract_id: str) -> Contract:
    """The contract as staff print it for the parties to sign at the counter. For a filing it
    must be complete as submit judges it, as for the online order: one submitted before the
    sale terms existed goes back to its agent instead of onto paper. A filed contract (for its
    cancellation) prints as it was filed."""
    contract = await get_window_contract(ports, actor, contract_id)
    if window_purpose(contract) is OrderPurpose.FILING:
        ensure_complete_as_submitted(contract, ports.clock.now())
    return contract


def window_purpose(contract: Contract) -> OrderPurpose:
    """The window business a contract is up for: its open case's; without one, cancellation
    once it is filed (nothing else is left to do at the window), filing before."""
    if contract.window_case is not None:
        return contract.window_case.purpose
    after_filing = (ContractStatus.FILED, ContractStatus.CANCELLING, ContractStatus.CANCELLED)
    return OrderPurpose.CANCELLATION if contract.status in after_filing else OrderPurpose.FILING


def _case(contract: Contract) -> WindowCase:
    if contract.window_case is None:
        raise InvalidState(
            "该合同没有进行中的窗口业务，请先受理 (open a window case first)",
            current=contract.status.value,
            allowed=["open_case"],
            code="NO_WINDOW_CASE",
        )
    return contract.window_case


def _editable_case(contract: Contract) -> WindowCase:
    case = _case(contract)
    if case.in_review:
        raise InvalidState(
            "窗口业务已提交审核，不能再修改 (the case is under review)",
            current="in_review",
            allowed=["approve", "reject"],
            code="WINDOW_CASE_IN_REVIEW",
        )
    return case


def _party(contract: Contract, party_id: str) -> Party:
    party = next((p for p in contract.parties() if p.id == party_id), None)
    if party is None:
        raise ValidationFailed([FieldProblem("party_id", "UNKNOWN", "合同中没有该当事人")])
    return party


async def open_window_case(
    ports: Ports, actor: Actor, contract_id: str, purpose: OrderPurpose, reason: str | None
) -> Contract:
    """受理: a filing for an offline contract the agent submitted, or a cancellation for a
    contract filed at the window."""
    contract = await get_window_contract(ports, actor, contract_id)
    if contract.window_case is not None:
        raise InvalidState(
            "该合同已有进行中的窗口业务 (a window case is already open)",
            current=contract.status.value,
            allowed=[],
            code="WINDOW_CASE_OPEN",
        )
    if purpose is OrderPurpose.FILING:
        contract.ensure_can(ContractAction.WINDOW_INTAKE, actor)
        if contract.channel is not Channel.OFFLINE:
            raise NotEligible(
                "线上合同通过电子签名备案，不在窗口办理 (an online contract is filed online)",
                code="CHANNEL_ONLINE",
            )
        ensure_complete_as_submitted(contract, ports.clock.now())
    else:
        contract.ensure_can(ContractAction.WINDOW_CANCEL, actor)
        if contract.filed_via is not Channel.OFFLINE:
            raise NotEligible(
                "线上备案的合同请通过「存量房合同注销线上」办理 (filed online: cancel it online)",
                code="FILED_ONLINE",
            )
        if not (reason or "").strip():
            raise ValidationFailed([FieldProblem("reason", "REQUIRED", "请填写注销原因")])
        await ensure_registry_allows_cancellation(ports, contract)
    now = ports.clock.now()
    contract.window_case = WindowCase(
        purpose=purpose,
        opened_by=actor.account_id,
        opened_at=now,
        appearances=[Appearance(party_id=p.id) for p in contract.parties()],
        reason=(reason or "").strip() or None,
    )
    contract.record("window_case_opened", actor, now, {"purpose": purpose.value})
    await save_contract(ports, contract)
    return contract


async def record_appearance(
    ports: Ports, actor: Actor, contract_id: str, party_id: str, given: AppearanceInput
) -> Contract:
    """Record how a party took part: in person with a valid ID, or represented by a proxy."""
    contract = await get_window_contract(ports, actor, contract_id)
    case = _editable_case(contract)
    _party(contract, party_id)
    problems = []
    if given.proxy_id_number and (why := check_id_number(given.proxy_id_number)):
        problems.append(FieldProblem("proxy_id_number", "INVALID", why))
    if given.appeared and given.proxy_name:
        problems.append(
            FieldProblem("proxy_name", "NOT_APPLICABLE", "本人到场时不填受托人 (in person)")
        )
    if problems:
        raise ValidationFailed(problems)
    appearance = case.appearance(party_id)
    assert appearance is not None
    kept_number = appearance.proxy_id_number
    same_proxy = given.proxy_name is not None and given.proxy_name == appearance.proxy_name
    for name, value in given.__dict__.items():
        setattr(appearance, name, value)
    if given.proxy_id_number is None and same_proxy:
        # The screen shows the number masked and sends it only when retyped.
        appearance.proxy_id_number = kept_number
    contract.record("window_appearance_recorded", actor, ports.clock.now(), {"party_id": party_id})
    await save_contract(ports, contract)
    return contract


async def upload_party_document(
    ports: Ports, actor: Actor, contract_id: str, party_id: str, kind: WindowDocument, data: bytes
) -> Contract:
    contract = await get_window_contract(ports, actor, contract_id)
    case = _editable_case(contract)
    _party(contract, party_id)
    now = ports.clock.now()
    stored = accept_upload(
        data, allowed=SCANS, limit=SCAN_LIMIT, file_id=new_id(), by=actor.account_id, at=now
    )
    await files(ports.store).insert(stored)
    appearance = case.appearance(party_id)
    assert appearance is not None
    appearance.documents[kind.value] = stored.id
    contract.record(
        "window_document_uploaded",
        actor,
        now,
        {"party_id": party_id, "kind": kind.value, "sha256": stored.sha256},
    )
    await save_contract(ports, contract)
    return contract


async def upload_signed_pages(
    ports: Ports, actor: Actor, contract_id: str, data: bytes
) -> Contract:
    """签章页: the pages the parties signed at the window, one file per call."""
    contract = await get_window_contract(ports, actor, contract_id)
    case = _editable_case(contract)
    now = ports.clock.now()
    stored = accept_upload(
        data, allowed=SCANS, limit=SCAN_LIMIT, file_id=new_id(), by=actor.account_id, at=now
    )
    await files(ports.store).insert(stored)
    case.signed_pages.append(stored.id)
    contract.record("window_signed_pages_uploaded", actor, now, {"sha256": stored.sha256})
    await save_contract(ports, contract)
    return contract


def birth_date_on_document(party: Party) -> date | None:
    """The birth date the party's document carries: a 居民身份证 (15 or 18 digits), or any other
    number shaped by GB 11643 with its check digit — 港澳台居民居住证 (810000, 820000, 830000)
    and the 2023 外国人永久居留身份证 (9…). Passports and 通行证 carry none."""
    number = normalize_id_number(party.id_number or "")
    if party.id_type == "resident_id":
        return birth_date_of(number) if len(number) in (15, 18) else None
    shaped = _GB11643.match(number) and id_check_digit(number[:17]) == number[17]
    return birth_date_of(number) if shaped else None


def is_minor(party: Party, today: date, appearance: Appearance | None = None) -> bool:
    """Under 18 (the guide's 未成年人): by the birth date on the document when it has one,
    else as staff recorded it at the window."""
    born = birth_date_on_document(party)
    if born is None:
        return appearance is not None and appearance.minor
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age < ADULT_AGE


def case_problems(contract: Contract, case: WindowCase, today: date) -> list[FieldProblem]:
    """What still stops the case from going to review, every item at once."""
    problems: list[FieldProblem] = []
    for party in contract.parties():
        a = case.appearance(party.id)
        assert a is not None
        path = f"parties.{party.id}"
        if a.proxy_name:
            if not (a.poa_notarised and a.poa_names_matter):
                problems.append(
                    FieldProblem(
                        f"{path}.power_of_attorney",
                        "NOT_NOTARISED_FOR_THIS_MATTER",
                        "委托办理须提供经公证的委托书，且注明本委托事项 (notarised POA naming this matter)",
                    )
                )
            if WindowDocument.POWER_OF_ATTORNEY.value not in a.documents:
                problems.append(
                    FieldProblem(f"{path}.power_of_attorney", "MISSING", "请上传公证委托书")
                )
        elif not (a.appeared and a.id_checked):
            problems.append(
                FieldProblem(
                    f"{path}.appearance",
                    "NOT_APPEARED",
                    "须本人持有效身份证件原件到场，或委托他人办理 (appear with a valid ID, or by proxy)",
                )
            )
        if is_minor(party, today, a):
            if not (a.father_present and a.mother_present):
                problems.append(
                    FieldProblem(
                        f"{path}.parents", "BOTH_PARENTS_REQUIRED", "未成年人须父母双方到场"
                    )
                )
            for kind, label in (
                (WindowDocument.MINOR_GUARANTEE, "未成年人保证书"),
                (WindowDocument.KINSHIP_PROOF, "户口本或出生证明"),
            ):
                if kind.value not in a.documents:
                    problems.append(
                        FieldProblem(f"{path}.{kind.value}", "MISSING", f"请上传{label}")
                    )
        if (
            case.purpose is OrderPurpose.CANCELLATION
            and WindowDocument.PHOTO.value not in a.documents
        ):
            problems.append(FieldProblem(f"{path}.photo", "MISSING", "注销须现场采集照片"))
    if not case.signed_pages:
        problems.append(FieldProblem("signed_pages", "MISSING", "请上传签章页 (signed pages)"))
    return problems


async def submit_window_case(ports: Ports, actor: Actor, contract_id: str) -> Contract:
    """提交审核: a filing moves the contract to 窗口审核中."""
    contract = await get_window_contract(ports, actor, contract_id)
    case = _editable_case(contract)
    now = ports.clock.now()
    if problems := case_problems(contract, case, now.astimezone(CITY_TZ).date()):
        raise ValidationFailed(problems, "窗口材料不齐，不能提交审核 (the case is incomplete)")
    if case.purpose is OrderPurpose.CANCELLATION:
        await ensure_registry_allows_cancellation(ports, contract)
    case.in_review = True
    if case.purpose is OrderPurpose.FILING:
        contract.apply(ContractAction.WINDOW_INTAKE, actor, now)
    else:
        contract.record("window_cancellation_submitted", actor, now)
    await save_contract(ports, contract)
    return contract


async def decide_window_case(
    ports: Ports, actor: Actor, contract_id: str, approve: bool, reason: str | None
) -> Contract:
    """审核: approve files (or cancels) the contract; reject sends the case back with a reason."""
    contract = await get_window_contract(ports, actor, contract_id)
    case = _case(contract)
    if not case.in_review:
        raise InvalidState(
            "窗口业务尚未提交审核 (the case is not under review)",
            current="preparing",
            allowed=["submit"],
            code="WINDOW_CASE_NOT_IN_REVIEW",
        )
    if not approve and not (reason or "").strip():
        raise ValidationFailed([FieldProblem("reason", "REQUIRED", "退回须填写原因")])
    now = ports.clock.now()
    filing = case.purpose is OrderPurpose.FILING
    if approve and not filing:
        # The registry may have moved since intake; a refused approve leaves the case in review,
        # for the staff to reject with the reason.
        await ensure_registry_allows_cancellation(ports, contract)
    if approve:
        # The evidence stays in the audit trail; the case itself closes.
        evidence = {
            "signed_pages": case.signed_pages,
            "documents": {a.party_id: a.documents for a in case.appearances},
        }
        action = ContractAction.APPROVE if filing else ContractAction.WINDOW_CANCEL
        contract.apply(action, actor, now, evidence)
        if filing:
            contract.filed_via = Channel.OFFLINE
        else:
            contract.cancellation_reason = case.reason
        contract.window_case = None
    else:
        case.in_review = False
        case.rejection = (reason or "").strip()
        if filing:
            contract.apply(ContractAction.REJECT, actor, now, {"reason": case.rejection})
        else:
            contract.record("window_cancellation_rejected", actor, now, {"reason": case.rejection})
    await save_contract(ports, contract)
    return contract
