"""A complete, valid sale contract built from the domain's dataclasses, and a way to change one
field of it by its path (``payment.loan.bank``, ``annexes[0].name``, ``taxes.deed_tax``): the
rule tests start from this contract and make one change each."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from backend.demo import synthetic_id
from signing_flow.contract_rules import submission_problems
from signing_flow.models import (
    Applicant,
    Contract,
    Evaluation,
    FundSupervision,
    Owner,
    Party,
    PropertySnapshot,
)
from signing_flow.sale_contract import (
    Ancillary,
    Annex,
    BreachTerms,
    Instalment,
    Lease,
    Loan,
    Mortgage,
    PaymentTerms,
    Penalty,
    PropertyTerms,
    TransferTerms,
)
from signing_flow.terms import Acknowledgement
from signing_flow.vocabulary import Channel, ContractStatus, PartyRole

TODAY = date(2026, 11, 25)
PRICE = 198_000_000  # 198 万元
DELETE = object()  # ``edit``'s value that removes a key (of ``taxes``)


SELLER_ID = synthetic_id("19800101", "123")
BUYER_ID = synthetic_id("19920214", "622")


def valid_contract() -> Contract:
    """Mortgaged and leased (as the registry says), with a deposit, a down payment, a commercial
    loan and a balance, every fee by law, furnishings delivered per an annexed list."""
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    owner = Owner(name="张伟", id_type="resident_id", id_number=SELLER_ID)
    return Contract(
        id="c1",
        number="CL20260000001",
        status=ContractStatus.DRAFT,
        channel=Channel.ONLINE,
        agency_id="a1",
        practitioner_id="p1",
        property=PropertySnapshot(
            property_id="prop-1",
            cert_no="粤（2021）中山市不动产权第0123456号",
            unit_no="442000001001GB00001F00010001",
            address="中山市东区起湾道 8 号 3 栋 1202 房",
            area_m2="89.50",
            owners=[owner],
            use="residential",
            mortgaged=True,
            leased=True,
        ),
        property_lock="prop-1",
        created_at=now,
        updated_at=now,
        purge_at=now,
        sellers=[
            Party(
                "s1",
                PartyRole.SELLER,
                owner.name,
                owner.id_type,
                SELLER_ID,
                "13900139000",
            )
        ],
        buyers=[Party("b1", PartyRole.BUYER, "孙丽", "resident_id", BUYER_ID, "13800138001")],
        price_fen=PRICE,
        payment_method="mortgage",
        delivery_date=date(2027, 2, 15),
        applicant=Applicant(name="李娜", phone="13700137000"),
        evaluation=Evaluation(level=5),
        fund_supervision=FundSupervision(enabled=True, bank="ccb"),
        acknowledgements={key.value: True for key in Acknowledgement},
        property_terms=PropertyTerms(
            use="residential",
            nature="commodity",
            mortgage=Mortgage(
                mortgaged=True, discharge_before_transfer=True, discharge_by=date(2027, 1, 10)
            ),
            lease=Lease(leased=True, tenant_notice="waived"),
            ancillaries=[Ancillary(name="地下车位 B2-018", price_fen=15_000_000)],
        ),
        payment=PaymentTerms(
            deposit_fen=5_000_000,
            deposit_due=date(2026, 11, 26),
            down_payment=Instalment(amount_fen=60_000_000, due=date(2026, 12, 5)),
            loan=Loan(
                kind="commercial",
                amount_fen=130_000_000,
                bank="中国建设银行中山分行",
                due=date(2027, 1, 20),
            ),
            balance=Instalment(amount_fen=8_000_000, due=date(2027, 2, 10)),
            loan_shortfall="buyer_pays",
        ),
        taxes={
            "deed_tax": "by_law",
            "vat": "by_law",
            "income_tax": "seller",
            "stamp_duty": "by_law",
            "registration_fee": "by_law",
            "agency_fee": "buyer",
        },
        transfer=TransferTerms(
            registration_by=date(2027, 1, 15),
            delivery_conditions=["keys", "utilities_settled", "furnishings_per_list"],
            hukou_move_out_by=date(2027, 3, 1),
            hukou_penalty_fen=2_000_000,
        ),
        breach=BreachTerms(
            late_payment=Penalty(mode="daily_rate", daily_rate_bp=5),
            late_delivery=Penalty(mode="fixed_sum", fixed_fen=10_000_000),
            terminate_after_days=30,
            deposit_rule="forfeit_or_double",
        ),
        dispute="arbitration",
        supplementary_terms="甲方于交房前拆除阳台雨棚。\n其余按本合同执行。",
        annexes=[
            Annex(name="室内设施设备清单", text="空调三台\n冰箱一台\n洗衣机一台"),
            Annex(name="定金收据", file_id="upload-1"),
        ],
    )


_STEP = re.compile(r"^(\w+)(?:\[(\d+)\])?$")


def edit(contract: Contract, path: str, value: Any) -> None:
    """Set the field at ``path``; ``DELETE`` removes a mapping's key."""
    *parents, last = path.split(".")
    target: Any = contract
    for step in parents:
        name, index = _STEP.match(step).groups()  # type: ignore[union-attr]
        target = target[name] if isinstance(target, dict) else getattr(target, name)
        if index is not None:
            target = target[int(index)]
    name, index = _STEP.match(last).groups()  # type: ignore[union-attr]
    if isinstance(target, dict):
        if value is DELETE:
            del target[name]
        else:
            target[name] = value
    elif index is not None:
        getattr(target, name)[int(index)] = value
    else:
        setattr(target, name, value)


def changed(edits: dict[str, Any]) -> Contract:
    contract = valid_contract()
    for path, value in edits.items():
        edit(contract, path, value)
    return contract


def found(contract: Contract, today: date = TODAY) -> set[tuple[str, str]]:
    """(path, code) of every problem submit reports."""
    return {(p.path, p.code) for p in submission_problems(contract, today)}


def case(edits: dict[str, Any], path: str, code: str, id: str | None = None) -> Any:
    """One rule case: the edits, and the problem they must cause (named by it in the report)."""
    return pytest.param(edits, path, code, id=id or f"{path}:{code}")
