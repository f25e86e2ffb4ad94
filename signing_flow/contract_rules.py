"""What a contract must hold before it is submitted (guide §2.2 (三)–(五), DESIGN §5).

``submission_problems`` returns every problem at once; the use case raises them together.
"""

from __future__ import annotations

from datetime import date, datetime

from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Contract, Owner, Party
from signing_flow.sale_rules import sale_problems
from signing_flow.terms import (
    BANK_LABELS,
    CO_OWNERSHIP_LABELS,
    EVALUATION_LABELS,
    ID_TYPE_LABELS,
    PAYMENT_METHOD_LABELS,
    Acknowledgement,
    Bank,
    IdType,
    PaymentMethod,
    values,
)
from signing_flow.validators import (
    RESIDENCE_PERMIT_PREFIXES,
    age_on,
    check_id_number,
    check_phone,
    check_visible_text,
    id15_to_id18,
    normalize_id_number,
)
from signing_flow.vocabulary import ContractAction

TOTAL_SHARE_BP = 10000
# Online signing needs an 18-digit GB 11643 number (the police check and face recognition work
# on it) and an adult; anyone else signs at the window.
ONLINE_ID_TYPES = (IdType.RESIDENT_ID, IdType.HMT_RESIDENCE_PERMIT)


def id_number_problem(id_type: str | None, id_number: str | None) -> str | None:
    if id_type not in ID_TYPE_LABELS:
        return None  # reported on id_type
    number = normalize_id_number(id_number or "")
    if id_type in ONLINE_ID_TYPES:
        if reason := check_id_number(number):
            return reason
        permit = number.startswith(RESIDENCE_PERMIT_PREFIXES)
        if id_type == IdType.RESIDENT_ID and permit:
            return "is a residence permit number: use id_type hmt_residence_permit"
        if id_type == IdType.HMT_RESIDENCE_PERMIT and not permit:
            return "a residence permit number starts with 810000, 820000 or 830000"
        return None
    if not (5 <= len(number) <= 20 and number.isascii() and number.isalnum()):
        return "must be 5 to 20 letters or digits"
    return None


def _party_problems(path: str, party: Party) -> list[FieldProblem]:
    problems = []
    for name in ("name", "id_type", "id_number", "phone"):
        if not (getattr(party, name) or "").strip():
            problems.append(FieldProblem(f"{path}.{name}", "REQUIRED", "必填 (required)"))
    if party.name and (reason := check_visible_text(party.name)):
        problems.append(FieldProblem(f"{path}.name", "INVALID", reason))
    if party.id_type and party.id_type not in ID_TYPE_LABELS:
        problems.append(
            FieldProblem(f"{path}.id_type", "INVALID", f"must be one of {values(IdType)}")
        )
    if party.id_number and (reason := id_number_problem(party.id_type, party.id_number)):
        problems.append(FieldProblem(f"{path}.id_number", "INVALID", reason))
    if party.phone and (reason := check_phone(party.phone)):
        problems.append(FieldProblem(f"{path}.phone", "INVALID", reason))
    return problems


def _owner_key(owner: Owner) -> tuple[str, str]:
    number = normalize_id_number(owner.id_number)
    return owner.name.strip(), id15_to_id18(number) if len(number) == 15 else number


def _seller_problems(contract: Contract) -> list[FieldProblem]:
    """The sellers (甲方) are exactly the registered owners, each once."""
    owners = {_owner_key(o) for o in contract.property.owners}
    problems = []
    seen = set()
    for i, seller in enumerate(contract.sellers):
        key = ((seller.name or "").strip(), normalize_id_number(seller.id_number or ""))
        if key not in owners or key in seen:
            problems.append(
                FieldProblem(
                    f"sellers[{i}]",
                    "NOT_AN_OWNER" if key not in owners else "DUPLICATE",
                    "卖方须与产权证书登记的产权人一致 (each seller must be a registered owner, once)",
                )
            )
        seen.add(key)
    for name, _ in sorted(owners - seen):
        problems.append(
            FieldProblem("sellers", "OWNER_MISSING", f"产权人 {name} 未列为卖方 (owner missing)")
        )
    return problems


def _buyer_problems(contract: Contract) -> list[FieldProblem]:
    problems = []
    if not contract.buyers:
        return [FieldProblem("buyers", "REQUIRED", "至少一名买方 (at least one buyer)")]
    numbers = [normalize_id_number(b.id_number or "") for b in contract.buyers]
    for i, number in enumerate(numbers):
        if number and numbers.index(number) != i:
            problems.append(
                FieldProblem(
                    f"buyers[{i}].id_number",
                    "DUPLICATE",
                    "每一格只能填写一个人的信息，同一人不能重复 (one person per entry)",
                )
            )
    if len(contract.buyers) == 1:
        if contract.co_ownership is not None:
            problems.append(
                FieldProblem(
                    "co_ownership", "NOT_APPLICABLE", "买方仅一人时不填共有性质 (one buyer)"
                )
            )
        return problems
    if contract.co_ownership not in CO_OWNERSHIP_LABELS:
        problems.append(
            FieldProblem(
                "co_ownership",
                "REQUIRED",
                "乙方为多人时须选择共有性质: joint（共同共有）或 shares（按份共有）",
            )
        )
    elif contract.co_ownership == "shares":
        for i, buyer in enumerate(contract.buyers):
            if buyer.share_bp is None or not 0 < buyer.share_bp < TOTAL_SHARE_BP:
                problems.append(
                    FieldProblem(
                        f"buyers[{i}].share_bp",
                        "INVALID",
                        "按份共有须填写份额 (1–9999 basis points)",
                    )
                )
        total = sum(b.share_bp or 0 for b in contract.buyers)
        if total != TOTAL_SHARE_BP:
            problems.append(
                FieldProblem(
                    "buyers", "SHARES_SUM", f"份额合计须为 10000 (shares sum to {total}, not 10000)"
                )
            )
    return problems


def submission_problems(contract: Contract, today: date) -> list[FieldProblem]:
    """Every missing or invalid field of a contract about to be submitted. ``today`` is the
    city's date (the delivery date may not lie in the past)."""
    problems: list[FieldProblem] = []
    if not contract.sellers:
        problems.append(FieldProblem("sellers", "REQUIRED", "至少一名卖方 (at least one seller)"))
    for role, parties in (("sellers", contract.sellers), ("buyers", contract.buyers)):
        for i, party in enumerate(parties):
            problems += _party_problems(f"{role}[{i}]", party)
    problems += _seller_problems(contract)
    problems += _buyer_problems(contract)

    if contract.price_fen is None:
        problems.append(FieldProblem("price_fen", "REQUIRED", "必填：成交价（分）(price in fen)"))
    elif contract.price_fen <= 0:
        problems.append(FieldProblem("price_fen", "INVALID", "成交价须大于 0 (must be positive)"))
    if contract.payment_method not in PAYMENT_METHOD_LABELS:
        problems.append(
            FieldProblem("payment_method", "REQUIRED", f"one of {values(PaymentMethod)}")
        )
    if contract.delivery_date is None:
        problems.append(FieldProblem("delivery_date", "REQUIRED", "必填：交付日期 (delivery date)"))
    elif contract.delivery_date < today:
        problems.append(
            FieldProblem("delivery_date", "IN_THE_PAST", "交付日期不能早于今天 (in the past)")
        )

    for name in ("name", "phone"):
        if not (getattr(contract.applicant, name) or "").strip():
            problems.append(FieldProblem(f"applicant.{name}", "REQUIRED", "必填：申请人信息"))
    if contract.applicant.name and (reason := check_visible_text(contract.applicant.name)):
        problems.append(FieldProblem("applicant.name", "INVALID", reason))
    if contract.applicant.phone and (reason := check_phone(contract.applicant.phone)):
        problems.append(FieldProblem("applicant.phone", "INVALID", reason))

    level = contract.evaluation.level
    if level not in EVALUATION_LABELS:
        problems.append(
            FieldProblem("evaluation.level", "REQUIRED", "好差评 1–5 (非常不满意 … 非常满意)")
        )
    elif level <= 2 and not (contract.evaluation.comment or "").strip():
        problems.append(
            FieldProblem(
                "evaluation.comment",
                "REQUIRED",
                "评价为不满意时须填写意见 (comment for levels 1–2)",
            )
        )

    fund = contract.fund_supervision
    if fund.enabled is None:
        problems.append(
            FieldProblem("fund_supervision.enabled", "REQUIRED", "是否选择监管交易资金 (required)")
        )
    elif fund.enabled and fund.bank not in BANK_LABELS:
        problems.append(
            FieldProblem("fund_supervision.bank", "REQUIRED", f"监管银行: one of {values(Bank)}")
        )
    elif not fund.enabled and fund.bank is not None:
        problems.append(
            FieldProblem("fund_supervision.bank", "NOT_APPLICABLE", "不监管时不选银行 (no bank)")
        )

    for key in Acknowledgement:
        if contract.acknowledgements.get(key) is not True:
            problems.append(
                FieldProblem(f"acknowledgements.{key}", "REQUIRED", "须确认注意事项 (must be true)")
            )
    return problems + sale_problems(contract, today)


def ensure_complete_as_submitted(contract: Contract, now: datetime) -> None:
    """A contract submitted before the sale terms existed holds none of them: it goes back to
    the agent (edit, submit again) with what submit now asks for, instead of out to the parties
    as an empty contract, online (the signing order) or at the window (the case, the printed
    contract). Judged on the day it was submitted, so one submitted since always passes: its
    fields cannot change while it is submitted."""
    submitted = next(
        (e.at for e in reversed(contract.events) if e.action == ContractAction.SUBMIT), now
    )
    if problems := submission_problems(contract, submitted.astimezone(CITY_TZ).date()):
        raise ValidationFailed(
            problems, "合同条款不完整，请修改后重新提交 (submitted before these terms: fix them)"
        )


ADULT_AGE = 18


def online_signing_obstacles(contract: Contract, today: date) -> list[dict[str, str]]:
    """Each party that must sign at the window instead, with the reason."""
    found = []
    for party in contract.parties():
        number = normalize_id_number(party.id_number or "")
        if party.id_type not in ONLINE_ID_TYPES or check_id_number(number):
            reason, code = (
                f"证件类型为{ID_TYPE_LABELS.get(party.id_type or '', '其他证件')}，无法进行微警认证，"
                "须到交易中心窗口办理",
                "NO_18_DIGIT_ID",
            )
        elif (age := age_on(number, today)) is not None and age < ADULT_AGE:
            reason, code = (
                "未成年人须由父母双方到交易中心窗口办理",
                "MINOR",
            )
        else:
            continue
        found.append(
            {"party_id": party.id, "name": party.name or "", "code": code, "reason": reason}
        )
    return found
