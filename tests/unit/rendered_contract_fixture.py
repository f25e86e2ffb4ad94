"""A sale contract built from the domain's dataclasses, as an agent would fill it in: two sellers
who own the flat jointly, two buyers by shares 60/40, a commercial loan from CCB's Zhongshan
branch, fund supervision with CCB, a parking space sold with the flat and a furnishings list.

It does not go through the API, so the rendered text depends on the renderer alone; it holds
what the demo contracts do not (a priced parking space, an annex image). The rules' fixture is
``sale_contract_fixture``; what the demo contracts read through the API is
``tests/api/test_demo_contract_documents.py``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from backend.demo import synthetic_id
from signing_flow.models import Contract, FundSupervision, Owner, Party, PropertySnapshot
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
from signing_flow.sale_terms import (
    Bearer,
    DeliveryCondition,
    DepositRule,
    DisputeMode,
    Fee,
    LoanKind,
    LoanShortfall,
    PenaltyMode,
    PropertyNature,
    PropertyUse,
)
from signing_flow.terms import Acknowledgement, Bank, CoOwnership, PaymentMethod
from signing_flow.vocabulary import Channel, ContractStatus, PartyRole

CREATED = datetime(2027, 2, 20, 2, 0, tzinfo=UTC)
FURNISHINGS = (
    "客厅：三人位布艺沙发一张、茶几一张、格力空调一台。\n厨房：华帝燃气灶一台、抽油烟机一台。"
)


SELLERS = [
    ("李娜", synthetic_id("19850315", "246"), "13900139001"),
    ("王强", synthetic_id("19830720", "135"), "13900139002"),
]
BUYERS = [
    ("陈明", synthetic_id("19920408", "371"), "13800138001", 6000),
    ("林晓", synthetic_id("19940912", "482"), "13800138002", 4000),
]


def _snapshot() -> PropertySnapshot:
    return PropertySnapshot(
        property_id="prop-joint",
        cert_no="粤（2019）中山市不动产权第0234567号",
        unit_no="442000001001GB00002F00010002",
        address="中山市东区中山四路 66 号 2 幢 1503 房",
        area_m2="120.00",
        owners=[Owner(name, "resident_id", number) for name, number, _ in SELLERS],
        use=PropertyUse.RESIDENTIAL,
        mortgaged=False,
        leased=False,
        co_ownership=CoOwnership.JOINT,
    )


def sale_contract() -> Contract:
    """A complete contract, every term chosen."""
    return Contract(
        id="c-fixture",
        number="ZS2027000123",
        status=ContractStatus.SUBMITTED,
        channel=Channel.ONLINE,
        agency_id="agency-demo",
        practitioner_id="agent_li",
        property=_snapshot(),
        property_lock="prop-joint",
        created_at=CREATED,
        updated_at=CREATED,
        purge_at=datetime(2027, 2, 21, 16, 0, tzinfo=UTC),
        sellers=[
            Party(f"s{i}", PartyRole.SELLER, name, "resident_id", number, phone)
            for i, (name, number, phone) in enumerate(SELLERS, 1)
        ],
        buyers=[
            Party(f"b{i}", PartyRole.BUYER, name, "resident_id", number, phone, share)
            for i, (name, number, phone, share) in enumerate(BUYERS, 1)
        ],
        co_ownership=CoOwnership.SHARES,
        price_fen=198_000_000,
        payment_method=PaymentMethod.MORTGAGE,
        delivery_date=date(2027, 6, 30),
        fund_supervision=FundSupervision(enabled=True, bank=Bank.CCB),
        acknowledgements={a.value: True for a in Acknowledgement},
        property_terms=PropertyTerms(
            use=PropertyUse.RESIDENTIAL,
            nature=PropertyNature.COMMODITY,
            mortgage=Mortgage(mortgaged=False),
            lease=Lease(leased=False),
            ancillaries=[
                Ancillary(name="地下车位（B2 层 018 号）", price_fen=15_000_000),
                Ancillary(name="室内家具家电", price_fen=0),
            ],
        ),
        payment=PaymentTerms(
            deposit_fen=5_000_000,
            deposit_due=date(2027, 2, 25),
            down_payment=Instalment(amount_fen=60_000_000, due=date(2027, 3, 15)),
            loan=Loan(
                kind=LoanKind.COMMERCIAL,
                amount_fen=120_000_000,
                bank="中国建设银行中山分行",
                due=date(2027, 5, 31),
            ),
            balance=Instalment(amount_fen=18_000_000, due=date(2027, 6, 30)),
            loan_shortfall=LoanShortfall.BUYER_PAYS,
        ),
        taxes={fee.value: Bearer.BY_LAW.value for fee in Fee},
        transfer=TransferTerms(
            registration_by=date(2027, 4, 30),
            delivery_conditions=[c.value for c in DeliveryCondition],
            hukou_move_out_by=date(2027, 7, 31),
            hukou_penalty_fen=2_000_000,
        ),
        breach=BreachTerms(
            late_payment=Penalty(mode=PenaltyMode.DAILY_RATE, daily_rate_bp=5),
            late_delivery=Penalty(mode=PenaltyMode.DAILY_RATE, daily_rate_bp=5),
            terminate_after_days=30,
            deposit_rule=DepositRule.FORFEIT_OR_DOUBLE,
        ),
        dispute=DisputeMode.ARBITRATION,
        supplementary_terms="甲方应于交付前自行清理阳台杂物。\n双方同意交付当日共同抄录水、电、燃气表读数。",
        annexes=[
            Annex(name="室内家具家电清单", text=FURNISHINGS),
            Annex(name="定金收据", file_id="f-20270225-0001", sha256="ab" * 32),
        ],
    )


def empty_draft() -> Contract:
    """A draft just created: the property and its sellers, nothing else chosen."""
    full = sale_contract()
    return Contract(
        id="c-draft",
        number="ZS2027000124",
        status=ContractStatus.DRAFT,
        channel=Channel.ONLINE,
        agency_id=full.agency_id,
        practitioner_id=full.practitioner_id,
        property=full.property,
        property_lock=full.property_lock,
        created_at=CREATED,
        updated_at=CREATED,
        purge_at=full.purge_at,
        sellers=full.sellers,
    )
