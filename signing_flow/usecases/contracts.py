"""Drafting, editing, submitting and deleting contracts; lists and the to-do list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from signing_flow.contract_rules import submission_problems
from signing_flow.deadlines import CITY_TZ, purge_deadline
from signing_flow.errors import DuplicateKey, NotFound, ValidationFailed
from signing_flow.models import Contract, Owner, Party, PropertySnapshot, RegistryProperty
from signing_flow.orders import end_order
from signing_flow.outbox import insert_contract, save_contract
from signing_flow.ports import Ports
from signing_flow.repository import contracts, with_retries
from signing_flow.roles import Actor, Role, ensure_practitioner
from signing_flow.sale_contract import SALE_PARTS, Annex, PropertyTerms
from signing_flow.secrets import new_id
from signing_flow.supervision import ensure_choice_may_change, ensure_online_closed, next_step
from signing_flow.usecases.annexes import attach_annex_files
from signing_flow.usecases.properties import (
    PropertyLookup,
    ensure_contractable,
    find_property,
    property_taken,
)
from signing_flow.vocabulary import Channel, ContractAction, ContractStatus, OrderAction, PartyRole

# The fields an agent fills in; ``changes`` maps some of them to already-typed values.
EDITABLE_FIELDS = (
    frozenset(
        {
            "channel",
            "sellers",
            "buyers",
            "co_ownership",
            "price_fen",
            "payment_method",
            "delivery_date",
            "applicant",
            "evaluation",
            "fund_supervision",
            "acknowledgements",
        }
    )
    | SALE_PARTS
)  # the sale contract's parts
# What the to-do list (待办业务) shows, and the next step for each. Drafts are in it: their
# deletion deadline (``purge_at``) must show where an agent looks.
TODO_NEXT_STEP = {
    ContractStatus.DRAFT: "完善合同信息并提交",
    ContractStatus.SUBMITTED: "生成电子合同订单",
    ContractStatus.SIGNING: "等待买卖双方电子签名",
    ContractStatus.SIGNED: "提交备案",
    ContractStatus.CANCELLING: "等待买卖双方签署注销",
}
# Past those, a contract is in the list while its supervision still has a next step (the
# agreement may be signed after filing): an agent must see it.
SUPERVISION_TODO_STATUSES = (ContractStatus.WINDOW_REVIEW, ContractStatus.FILED)


def _apply_changes(contract: Contract, changes: dict[str, Any]) -> None:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(contract, name, value)
    contract.property_terms = with_registry_facts(contract.property_terms, contract.property)
    contract.sellers = _numbered(contract.sellers, PartyRole.SELLER, "s")
    contract.buyers = _numbered(contract.buyers, PartyRole.BUYER, "b")


def _numbered(parties: list[Party], role: PartyRole, prefix: str) -> list[Party]:
    return [replace(p, id=f"{prefix}{i}", role=role) for i, p in enumerate(parties, 1)]


def _sellers_from_owners(owners: list[Owner]) -> list[Party]:
    return [
        Party(id="", role=PartyRole.SELLER, name=o.name, id_type=o.id_type, id_number=o.id_number)
        for o in owners
    ]


def _snapshot(prop: RegistryProperty) -> PropertySnapshot:
    return PropertySnapshot(
        property_id=prop.id,
        cert_no=prop.cert_no,
        unit_no=prop.unit_no,
        address=prop.address,
        area_m2=prop.area_m2,
        owners=prop.owners,
        use=prop.use,
        mortgaged=prop.mortgaged,
        leased=prop.leased,
        co_ownership=prop.co_ownership,
    )


def with_registry_facts(terms: PropertyTerms, known: PropertySnapshot) -> PropertyTerms:
    """The property's condition with what the registry knew at verification (use, mortgage,
    lease) filled in where the agent left it empty. What the agent gave stays: whether it may
    differ from the registry is a rule checked at submit. So a new draft starts from the
    registry, and a request naming only part of ``property_terms`` (on create or on edit)
    loses none of what the registry knows. A snapshot from before the registry recorded these
    (None) fills nothing."""
    return replace(
        terms,
        use=terms.use if terms.use is not None else known.use,
        mortgage=replace(
            terms.mortgage, mortgaged=_known(terms.mortgage.mortgaged, known.mortgaged)
        ),
        lease=replace(terms.lease, leased=_known(terms.lease.leased, known.leased)),
    )


def _known(given: bool | None, registry: bool | None) -> bool | None:
    return given if given is not None else registry


async def _ensure_annex_files(
    ports: Ports, actor: Actor, changes: dict[str, Any], held: list[Annex]
) -> None:
    annexes = changes.get("annexes")
    if annexes:
        problems = await attach_annex_files(ports, actor, annexes, held)
        if problems:
            raise ValidationFailed(problems)


async def create_contract(
    ports: Ports, actor: Actor, lookup: PropertyLookup, changes: dict[str, Any]
) -> Contract:
    """签订合同: a draft for a verified property. The sellers default to the registered owners."""
    ensure_practitioner(actor)
    prop = await find_property(ports, lookup)
    await ensure_contractable(ports, prop)
    await _ensure_annex_files(ports, actor, changes, [])  # before the number is taken
    now = ports.clock.now()
    year = now.astimezone(CITY_TZ).year
    seq = await ports.store.next_sequence(f"contract_number:{year}")
    contract = Contract(
        id=new_id(),
        number=f"CL{year}{seq:07d}",
        status=ContractStatus.DRAFT,
        channel=Channel.ONLINE,
        agency_id=actor.agency_id or "",
        practitioner_id=actor.account_id,
        property=_snapshot(prop),
        property_lock=prop.id,
        created_at=now,
        updated_at=now,
        purge_at=purge_deadline(now),
        sellers=_sellers_from_owners(prop.owners),
    )
    _apply_changes(contract, changes)
    contract.record("create", actor, now, {"number": contract.number})
    try:
        await insert_contract(ports, contract)
    except DuplicateKey as exc:
        # Another agent created a contract for this property between our check and our write;
        # the unique index on property_lock is what decides the race.
        if exc.key == "property_lock":
            raise property_taken() from exc
        raise
    return contract


def contract_not_found() -> NotFound:
    return NotFound("合同不存在 (no such contract)", code="CONTRACT_NOT_FOUND")


async def get_contract(
    ports: Ports,
    actor: Actor,
    contract_id: str,
    *,
    unknown: Callable[[], NotFound] = contract_not_found,
) -> Contract:
    """The contract if ``actor`` may read it, else ``unknown()`` (raised)."""
    return readable(actor, await contracts(ports.store).get(contract_id), unknown)


def readable(
    actor: Actor, contract: Contract | None, unknown: Callable[[], NotFound] = contract_not_found
) -> Contract:
    """The contract if ``actor`` may read it; to anyone else it does not exist."""
    if contract is None or not _can_read(actor, contract):
        raise unknown()
    return contract


async def get_own_contract(
    ports: Ports,
    actor: Actor,
    contract_id: str,
    unknown: Callable[[], NotFound] = contract_not_found,
) -> Contract:
    """The contract, if ``actor`` is the practitioner who drafted it. ``unknown`` makes the
    refusal name what the caller asked for (an order of the contract, …)."""
    ensure_practitioner(actor)
    contract = await get_contract(ports, actor, contract_id, unknown=unknown)
    if contract.practitioner_id != actor.account_id:
        raise unknown()
    return contract


def _can_read(actor: Actor, contract: Contract) -> bool:
    if actor.role is Role.CENTER_STAFF:
        return True
    if actor.role is Role.AGENCY_ADMIN:
        return contract.agency_id == actor.agency_id
    return contract.practitioner_id == actor.account_id


def _visible_to(actor: Actor) -> dict[str, Any]:
    if actor.role is Role.CENTER_STAFF:
        return {}
    if actor.role is Role.AGENCY_ADMIN:
        return {"agency_id": actor.agency_id}
    return {"practitioner_id": actor.account_id}


async def update_contract(
    ports: Ports, actor: Actor, contract_id: str, changes: dict[str, Any]
) -> Contract:
    """Edit a draft; editing a submitted contract returns it to draft (guide §2.2 (九)). The
    fund supervision choice stays while an agreement is open at the bank."""

    async def attempt() -> Contract:
        contract = await get_own_contract(ports, actor, contract_id)
        contract.ensure_can(ContractAction.EDIT, actor)
        if (fund := changes.get("fund_supervision")) is not None:
            old = contract.fund_supervision
            ensure_choice_may_change(
                contract.supervision, (old.enabled, old.bank), (fund.enabled, fund.bank)
            )
        await _ensure_annex_files(ports, actor, changes, contract.annexes)
        before = _bank_terms(contract)
        _apply_changes(contract, changes)
        if _bank_terms(contract) != before:
            ensure_online_closed(contract.supervision, "修改成交价或买卖双方")
        contract.apply(ContractAction.EDIT, actor, ports.clock.now(), {"fields": sorted(changes)})
        await save_contract(ports, contract)
        return contract

    # Retried on a lost compare-and-set: the edit re-reads and decides again, so a bank's
    # callback landing meanwhile is kept (and may now refuse a change of bank).
    async with ports.store.writing("contracts", contract_id):
        return await with_retries(attempt)


def _bank_terms(contract: Contract) -> tuple[object, ...]:
    """What the bank's application was opened with (``usecases.fund_supervision._request``)."""
    parties = [(p.name, p.id_type, p.id_number) for p in (*contract.sellers, *contract.buyers)]
    return contract.price_fen, len(contract.sellers), tuple(parties)


async def submit_contract(ports: Ports, actor: Actor, contract_id: str) -> Contract:
    """提交: every missing or invalid field is reported at once."""
    contract = await get_own_contract(ports, actor, contract_id)
    now = ports.clock.now()
    contract.ensure_can(ContractAction.SUBMIT, actor)
    problems = submission_problems(contract, now.astimezone(CITY_TZ).date())
    if problems:
        raise ValidationFailed(problems, "合同信息不完整或有误，请修改后再提交 (fix these fields)")
    contract.apply(ContractAction.SUBMIT, actor, now)
    await save_contract(ports, contract)
    return contract


async def delete_contract(ports: Ports, actor: Actor, contract_id: str) -> Contract:
    """删除: the tombstone stays, the property is free for a new contract."""
    contract = await get_own_contract(ports, actor, contract_id)
    ensure_online_closed(contract.supervision, "删除合同")
    now = ports.clock.now()
    open_order = contract.order(contract.open_order_id or "")
    if contract.status is ContractStatus.SIGNING and open_order is not None:
        end_order(contract, open_order, OrderAction.CANCEL, actor, now)
    contract.apply(ContractAction.DELETE, actor, now)
    await save_contract(ports, contract)
    return contract


async def list_contracts(
    ports: Ports,
    actor: Actor,
    *,
    status: ContractStatus | None = None,
    number: str | None = None,
    limit: int = 50,
) -> list[Contract]:
    where: dict[str, Any] = _visible_to(actor)
    if status is not None:
        where["status"] = status.value
    else:
        where["status"] = {"$ne": ContractStatus.DELETED.value}
    if number:
        where["number"] = number
    return await contracts(ports.store).find(where, sort="created_at", descending=True, limit=limit)


async def list_todo(ports: Ports, actor: Actor) -> list[Contract]:
    """待办业务: the practitioner's contracts waiting for its next step, and those past
    signing whose supervision still has one, oldest first."""
    ensure_practitioner(actor)
    repo = contracts(ports.store)
    waiting = await repo.find(
        {
            "practitioner_id": actor.account_id,
            "status": {"$in": [s.value for s in TODO_NEXT_STEP]},
        },
        sort="created_at",
    )
    supervised = await repo.find(
        {
            "practitioner_id": actor.account_id,
            "status": {"$in": [s.value for s in SUPERVISION_TODO_STATUSES]},
            "fund_supervision.enabled": True,
        },
        sort="created_at",
    )
    supervising = [c for c in supervised if supervision_step(c) is not None]
    return sorted([*waiting, *supervising], key=lambda c: c.created_at)


def supervision_step(contract: Contract) -> str | None:
    """What is to be done about the contract's supervision next (None: nothing)."""
    fund = contract.fund_supervision
    return next_step((fund.enabled, fund.bank), contract.supervision)
