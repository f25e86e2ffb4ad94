"""The rules of the property's description (房屋基本情况) beyond the registry snapshot, checked
at submit with the rest of ``sale_rules``: one plain function per rule, each returning its
problems.

- ``property_description``: use (规划用途) and nature (房屋性质) are chosen; whether the property
  is mortgaged and whether it is leased are stated (yes or no).
- ``registry_agreement``: the contract may not contradict the registry (REGISTRY_MISMATCH):
  its use is the registry's 规划用途, and where the registry records a mortgage or a lease the
  contract may not say there is none. Unknown (a snapshot from before) decides nothing.
- ``mortgage_discharge``: a mortgaged property states whether the seller discharges it before
  transfer, and if so by when; a property without a mortgage has no discharge plan, and one
  not discharged before transfer no discharge date.
- ``discharge_before_registration``: the discharge date is no later than the deadline to apply
  for transfer registration.
- ``lease_notice``: a leased property states how the tenant's pre-emptive right (民法典第七百
  二十六条) was dealt with; one that is not leased does not.
- ``ancillary_items``: at most ANCILLARIES_MAX, each named (visible text, at most NAME_MAX_CHARS)
  with a price of 0 or more; they are part of the price, so together at most the price.
"""

from __future__ import annotations

from signing_flow.errors import FieldProblem
from signing_flow.field_checks import (
    NAME_MAX_CHARS,
    choice,
    invalid_amount,
    not_applicable,
    required,
    text,
    too_many,
)
from signing_flow.models import Contract
from signing_flow.sale_terms import (
    PROPERTY_NATURE_LABELS,
    PROPERTY_USE_LABELS,
    TENANT_NOTICE_LABELS,
)

ANCILLARIES_MAX = 20


def property_description(contract: Contract) -> list[FieldProblem]:
    terms = contract.property_terms
    problems = choice("property_terms.use", terms.use, PROPERTY_USE_LABELS, "房屋用途")
    problems += choice("property_terms.nature", terms.nature, PROPERTY_NATURE_LABELS, "房屋性质")
    if terms.mortgage.mortgaged is None:
        problems.append(required("property_terms.mortgage.mortgaged", "房屋是否已设定抵押"))
    if terms.lease.leased is None:
        problems.append(required("property_terms.lease.leased", "房屋是否已出租"))
    return problems


def _mismatch(path: str, recorded: str, english: str) -> FieldProblem:
    return FieldProblem(path, "REGISTRY_MISMATCH", f"{recorded} (the registry records {english})")


def registry_agreement(contract: Contract) -> list[FieldProblem]:
    registry, terms = contract.property, contract.property_terms
    problems = []
    if registry.use is not None and terms.use is not None and terms.use != registry.use:
        use = PROPERTY_USE_LABELS.get(registry.use, registry.use)
        problems.append(
            _mismatch("property_terms.use", f"不动产登记簿记载的规划用途为{use}", registry.use)
        )
    if registry.mortgaged is True and terms.mortgage.mortgaged is False:
        problems.append(
            _mismatch(
                "property_terms.mortgage.mortgaged",
                "不动产登记簿记载该房屋已设定抵押",
                "a mortgage",
            )
        )
    if registry.leased is True and terms.lease.leased is False:
        problems.append(
            _mismatch("property_terms.lease.leased", "登记备案记载该房屋已出租", "a lease")
        )
    return problems


def mortgage_discharge(contract: Contract) -> list[FieldProblem]:
    mortgage = contract.property_terms.mortgage
    path = "property_terms.mortgage"
    problems = []
    if mortgage.mortgaged is False:
        if mortgage.discharge_before_transfer is not None:
            problems.append(
                not_applicable(
                    f"{path}.discharge_before_transfer", "房屋未抵押时不填", "not mortgaged"
                )
            )
        if mortgage.discharge_by is not None:
            problems.append(
                not_applicable(f"{path}.discharge_by", "房屋未抵押时不填", "not mortgaged")
            )
    elif mortgage.mortgaged:
        if mortgage.discharge_before_transfer is None:
            problems.append(
                required(f"{path}.discharge_before_transfer", "甲方是否于申请转移登记前注销抵押")
            )
        elif mortgage.discharge_before_transfer and mortgage.discharge_by is None:
            problems.append(required(f"{path}.discharge_by", "注销抵押登记的期限"))
        elif not mortgage.discharge_before_transfer and mortgage.discharge_by is not None:
            problems.append(
                not_applicable(
                    f"{path}.discharge_by",
                    "不在转移登记前注销抵押时不填注销期限",
                    "only with discharge_before_transfer",
                )
            )
    return problems


def discharge_before_registration(contract: Contract) -> list[FieldProblem]:
    discharge_by = contract.property_terms.mortgage.discharge_by
    registration_by = contract.transfer.registration_by
    if discharge_by is None or registration_by is None or discharge_by <= registration_by:
        return []
    return [
        FieldProblem(
            "property_terms.mortgage.discharge_by",
            "DATE_ORDER",
            "注销抵押的期限不能晚于申请转移登记的期限 (after transfer.registration_by)",
        )
    ]


def lease_notice(contract: Contract) -> list[FieldProblem]:
    lease = contract.property_terms.lease
    path = "property_terms.lease.tenant_notice"
    if lease.leased:
        return choice(path, lease.tenant_notice, TENANT_NOTICE_LABELS, "承租人优先购买权的处理")
    if lease.leased is False and lease.tenant_notice is not None:
        return [not_applicable(path, "房屋未出租时不填", "not leased")]
    return []


def ancillary_items(contract: Contract) -> list[FieldProblem]:
    items = contract.property_terms.ancillaries
    path = "property_terms.ancillaries"
    problems = too_many(path, len(items), ANCILLARIES_MAX, "附属设施")
    for i, item in enumerate(items):
        if not item.name.strip():
            problems.append(required(f"{path}[{i}].name", "附属设施名称"))
        else:
            problems += text(f"{path}[{i}].name", item.name, "附属设施名称", NAME_MAX_CHARS)
        if item.price_fen is None:
            problems.append(
                required(f"{path}[{i}].price_fen", "附属设施价格（分，0 为含在房价内）")
            )
        elif item.price_fen < 0:
            problems.append(invalid_amount(f"{path}[{i}].price_fen", "价格", zero_allowed=True))
    total = sum(item.price_fen or 0 for item in items if (item.price_fen or 0) > 0)
    price = contract.price_fen
    if price is not None and price > 0 and total > price:
        problems.append(
            FieldProblem(
                path,
                "ANCILLARIES_OVER_PRICE",
                f"附属设施价格合计 {total} 分超过成交价 {price} 分，附属设施价格含在成交价内 "
                f"(ancillaries sum to {total}, more than the price {price} that includes them)",
            )
        )
    return problems
