"""房源验证: find a property in the registry the way the guide's form does."""

from __future__ import annotations

from dataclasses import dataclass

from signing_flow.errors import FieldProblem, InvalidState, NotFound, ValidationFailed
from signing_flow.models import RegistryProperty
from signing_flow.ports import Ports
from signing_flow.repository import contracts
from signing_flow.roles import Actor, ensure_practitioner
from signing_flow.validators import (
    check_cert_no,
    check_unit_no,
    id15_to_id18,
    normalize_cert_no,
    normalize_id_number,
    normalize_unit_no,
)


@dataclass(frozen=True)
class PropertyLookup:
    """Either ``cert_no`` + ``owner_id_number`` (+ ``first_gen_id``) or ``unit_no`` + ``owner_name``."""

    cert_no: str | None = None
    owner_id_number: str | None = None
    first_gen_id: bool = False
    unit_no: str | None = None
    owner_name: str | None = None


def _lookup_problems(lookup: PropertyLookup) -> list[FieldProblem]:
    by_cert = lookup.cert_no is not None or lookup.owner_id_number is not None
    by_unit = lookup.unit_no is not None or lookup.owner_name is not None
    if by_cert == by_unit:
        return [
            FieldProblem(
                "",
                "LOOKUP_MODE",
                "按「房产证号+产权人证件号码」或「不动产单元号+产权人姓名」其中一种方式查询 "
                "(give cert_no with owner_id_number, or unit_no with owner_name)",
            )
        ]
    problems = []
    pairs = (
        [("cert_no", lookup.cert_no), ("owner_id_number", lookup.owner_id_number)]
        if by_cert
        else [("unit_no", lookup.unit_no), ("owner_name", lookup.owner_name)]
    )
    for name, value in pairs:
        if not value or not value.strip():
            problems.append(FieldProblem(name, "REQUIRED", "必填 (required)"))
    if by_cert and lookup.cert_no and (reason := check_cert_no(lookup.cert_no)):
        problems.append(FieldProblem("cert_no", "INVALID", reason))
    if by_unit and lookup.unit_no and (reason := check_unit_no(lookup.unit_no)):
        problems.append(FieldProblem("unit_no", "INVALID", reason))
    if by_unit and lookup.first_gen_id:
        problems.append(
            FieldProblem(
                "first_gen_id", "NOT_APPLICABLE", "仅适用于按证件号码查询 (cert lookups only)"
            )
        )
    return problems


def _owner_id_matches(entered: str, registered: str, first_gen_id: bool) -> bool:
    """The guide: enter the number as registered. When the certificate carries a 15-digit
    first-generation number, the agent ticks ``first_gen_id`` and may enter either that number
    or its 18-digit successor; otherwise the box must stay unticked."""
    entered = normalize_id_number(entered)
    registered = normalize_id_number(registered)
    if len(registered) == 15:
        return first_gen_id and entered in (registered, id15_to_id18(registered))
    return not first_gen_id and entered == registered


async def find_property(ports: Ports, lookup: PropertyLookup) -> RegistryProperty:
    """The registry record the lookup names, or NotFound with the guide's hint. Does not check
    whether the property may be contracted; ``verify_property`` does."""
    if problems := _lookup_problems(lookup):
        raise ValidationFailed(problems)
    found: RegistryProperty | None
    if lookup.cert_no:
        found = await ports.registry.find_by_cert_no(normalize_cert_no(lookup.cert_no))
        owner_id = lookup.owner_id_number or ""
        if found and not any(
            _owner_id_matches(owner_id, o.id_number, lookup.first_gen_id) for o in found.owners
        ):
            found = None
    else:
        found = await ports.registry.find_by_unit_no(normalize_unit_no(lookup.unit_no or ""))
        name = (lookup.owner_name or "").strip()
        if found and not any(o.name == name for o in found.owners):
            found = None
    if found is None:
        raise NotFound(
            "查询房源失败，请以不动产登记部门的查档信息为准再次输入；产权证书上的证件号码为一代身份证的，"
            "请勾选 first_gen_id (no property matches; enter the data exactly as registered)",
            code="PROPERTY_NOT_FOUND",
        )
    return found


async def ensure_contractable(ports: Ports, prop: RegistryProperty) -> None:
    if prop.seized:
        raise InvalidState(
            "该房屋已被查封，不能签订买卖合同 (the property is seized)",
            current="seized",
            allowed=[],
            code="PROPERTY_SEIZED",
        )
    active = await contracts(ports.store).find({"property_lock": prop.id}, limit=1)
    if active:
        raise property_taken()


def property_taken() -> InvalidState:
    return InvalidState(
        "该房屋已有未完结的买卖合同 (the property already has an active contract)",
        current="under_contract",
        allowed=[],
        code="PROPERTY_HAS_ACTIVE_CONTRACT",
    )


async def verify_property(ports: Ports, actor: Actor, lookup: PropertyLookup) -> RegistryProperty:
    ensure_practitioner(actor)
    prop = await find_property(ports, lookup)
    await ensure_contractable(ports, prop)
    return prop
