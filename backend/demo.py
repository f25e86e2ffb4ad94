"""Demo data for ``wangqian seed-demo`` and ``make run``: an agency, its accounts, registry properties.

Every ID number is synthetic (region 442000, a made-up sequence) with a correct check digit, so
the validators accept them and nobody real is named.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

from backend.agency_demo import seed_demo_agency
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.sale_parts import sale_parts
from miniapp_mock.scenario import Person, Scenario
from signing_flow.errors import DuplicateKey
from signing_flow.models import Account, Owner, RegistryProperty
from signing_flow.ports import DocumentStore
from signing_flow.repository import accounts
from signing_flow.roles import Role
from signing_flow.sale_terms import PropertyUse
from signing_flow.secrets import hash_password
from signing_flow.terms import Acknowledgement, Bank, EvaluationLevel
from signing_flow.usecases.auth import INITIAL_PASSWORD
from signing_flow.validators import id_check_digit
from signing_flow.vocabulary import TransferStatus

DEMO_PASSWORD = "Wangqian2026"
AGENCY_ID = "agency-demo"
AGENCY_NAME = "中山市示范房地产代理有限公司"


def synthetic_id(birth: str, seq: str, region: str = "442000") -> str:
    first17 = region + birth + seq
    return first17 + id_check_digit(first17)


def _owner(name: str, birth: str, seq: str, region: str = "442000") -> Owner:
    return Owner(name=name, id_type="resident_id", id_number=synthetic_id(birth, seq, region))


DEMO_ACCOUNTS = [
    # (username, role, display name, agency, password, must change password)
    ("demo_agency", Role.AGENCY_ADMIN, AGENCY_NAME, AGENCY_ID, DEMO_PASSWORD, False),
    ("agent_li", Role.PRACTITIONER, "李经纪", AGENCY_ID, DEMO_PASSWORD, False),
    ("agent_wang", Role.PRACTITIONER, "王经纪", AGENCY_ID, DEMO_PASSWORD, False),
    ("agent_new", Role.PRACTITIONER, "新经纪", AGENCY_ID, INITIAL_PASSWORD, True),
    ("center_chen", Role.CENTER_STAFF, "陈（交易中心）", None, DEMO_PASSWORD, False),
]

_HK_OWNER = Owner(
    name="陈家明",
    id_type="hmt_residence_permit",
    id_number=synthetic_id("19780506", "215", "810000"),
)

DEMO_PROPERTIES = [
    RegistryProperty(
        id="prop-sole",
        cert_no="粤（2021）中山市不动产权第0123456号",
        unit_no="442000001001GB00001F00010001",
        address="中山市石岐街道民族东路 88 号 1 幢 101 房",
        area_m2="89.50",
        owners=[_owner("张伟", "19800101", "123")],
        use=PropertyUse.RESIDENTIAL,
    ),
    RegistryProperty(
        id="prop-joint",
        cert_no="粤（2020）中山市不动产权第0234567号",
        unit_no="442000002003GB00012F00020305",
        address="中山市东区博爱六路 22 号 2 幢 305 房",
        area_m2="120.00",
        owners=[_owner("李娜", "19850315", "246"), _owner("王强", "19830720", "135")],
        co_ownership="joint",
        use=PropertyUse.RESIDENTIAL,
    ),
    RegistryProperty(
        id="prop-seized",
        cert_no="粤（2019）中山市不动产权第0345678号",
        unit_no="442000003002GB00007F00030802",
        address="中山市西区富华道 16 号 3 幢 802 房",
        area_m2="76.20",
        owners=[_owner("赵敏", "19900909", "328")],
        use=PropertyUse.RESIDENTIAL,
        seized=True,
    ),
    RegistryProperty(
        id="prop-hk",
        cert_no="粤（2022）中山市不动产权第0456789号",
        unit_no="442000004001GB00003F00041201",
        address="中山市南区城南五路 8 号 4 幢 1201 房",
        area_m2="98.00",
        owners=[_HK_OWNER],
        use=PropertyUse.RESIDENTIAL,
        leased=True,
    ),
    RegistryProperty(
        id="prop-first-gen",
        cert_no="粤房地证字第C4567890号",
        unit_no="442000005004GB00021F00050402",
        address="中山市火炬开发区康乐大道 3 号 5 幢 402 房",
        area_m2="65.30",
        owners=[Owner(name="刘芳", id_type="resident_id", id_number="442000650312128")],
        use=PropertyUse.RESIDENTIAL,
    ),
    RegistryProperty(
        id="prop-accepted",
        cert_no="粤（2018）中山市不动产权第0567890号",
        unit_no="442000006001GB00009F00060601",
        address="中山市小榄镇升平中路 12 号 6 幢 601 房",
        area_m2="110.80",
        owners=[_owner("黄磊", "19750611", "452")],
        use=PropertyUse.COMMERCIAL,
        transfer_status=TransferStatus.ACCEPTED,
    ),
    RegistryProperty(
        id="prop-sole-2",
        cert_no="粤（2023）中山市不动产权第0678901号",
        unit_no="442000007002GB00015F00070203",
        address="中山市石岐街道悦来南路 5 号 7 幢 203 房",
        area_m2="82.40",
        owners=[_owner("周杰", "19881122", "517")],
        use=PropertyUse.RESIDENTIAL,
        mortgaged=True,
    ),
]

# Buyers for walk-throughs and the phone client: valid, adult, eligible to sign online.
DEMO_BUYERS = [
    {
        "name": "孙丽",
        "id_type": "resident_id",
        "id_number": synthetic_id("19920214", "622"),
        "phone": "13800138001",
    },
    {
        "name": "吴斌",
        "id_type": "resident_id",
        "id_number": synthetic_id("19910808", "713"),
        "phone": "13800138002",
    },
]


def seller_fields(prop: RegistryProperty) -> list[dict[str, Any]]:
    """The property's registered owners as a contract's sellers (甲方), in request JSON, each
    with a phone of their own (as ``demo_scenario`` gives them)."""
    return [
        {
            "name": o.name,
            "id_type": o.id_type,
            "id_number": o.id_number,
            "phone": f"1390013900{i}",
        }
        for i, o in enumerate(prop.owners, 1)
    ]


# The demo contracts' deposit date; every other date of theirs is counted from it (sale_parts).
# Fixed, so that a demo contract always reads the same (the rendered text's golden files), and
# after the clocks the tests and the demo run on.
DEMO_START = date(2027, 1, 15)
DEMO_PRICE_FEN = 198_000_000


def contract_terms(
    prop: RegistryProperty | None = None,
    *,
    price_fen: int = DEMO_PRICE_FEN,
    start: date = DEMO_START,
    **overrides: Any,
) -> dict[str, Any]:
    """Every term a submit needs besides the parties, in request JSON: the guide's fields
    (price, payment, delivery, 申请人, 好差评, 资金监管 with CCB, 注意事项) and the sale contract's
    parts, a commercial loan among them. The one valid body the tests and the bench build on.

    ``prop`` says what differs between properties: a mortgaged one gets the discharge plan, a
    leased one the tenant's waiver, and the use is the registry's. Without it: a residential
    property neither mortgaged nor leased (prop-sole, prop-joint). ``overrides`` replace
    top-level fields. ``start`` is the deposit's due date, every later date after it: a
    contract drafted on the real clock needs one after today (the rules refuse past dates)."""
    parts = sale_parts(
        start,
        price_fen,
        use=(prop.use if prop and prop.use else PropertyUse.RESIDENTIAL.value),
        mortgaged=bool(prop and prop.mortgaged),
        leased=bool(prop and prop.leased),
    )
    return {
        **parts,
        "applicant": {"name": "李经纪", "phone": "13700137000"},
        "evaluation": {"level": EvaluationLevel.VERY_SATISFIED.value},
        "fund_supervision": {"enabled": True, "bank": Bank.CCB.value},
        "acknowledgements": {term.value: True for term in Acknowledgement},
        **overrides,
    }


@cache
def _demo_hash(password: str) -> str:
    # scrypt is slow on purpose; demo accounts sharing a password may share its hash.
    return hash_password(password)


async def seed_demo(store: DocumentStore) -> dict[str, Any]:
    """Create what is missing, leave what exists; returns what a script needs to log in."""
    created = False
    repo = accounts(store)
    for username, role, name, agency, password, must_change in DEMO_ACCOUNTS:
        account = Account(
            id=f"acct-{username}",
            username=username,
            role=role,
            display_name=name,
            password_hash=_demo_hash(password),
            agency_id=agency,
            must_change_password=must_change,
        )
        try:
            await repo.insert(account)
            created = True
        except DuplicateKey:
            pass
    created = await seed_demo_agency(store, AGENCY_ID, AGENCY_NAME) or created
    registry = SandboxRegistry(store)
    for prop in DEMO_PROPERTIES:
        try:
            await registry.add_property(replace(prop))
            created = True
        except DuplicateKey:
            pass
    return {
        "created": created,
        "logins": [
            {"username": u, "password": p, "role": r.value, "must_change_password": m}
            for u, r, _, _, p, m in DEMO_ACCOUNTS
        ],
        "properties": [
            {
                "id": p.id,
                "cert_no": p.cert_no,
                "unit_no": p.unit_no,
                "address": p.address,
                "owners": [o.__dict__ for o in p.owners],
                "co_ownership": p.co_ownership,
                "use": p.use,
                "mortgaged": p.mortgaged,
                "leased": p.leased,
                "seized": p.seized,
                "transfer_status": p.transfer_status.value,
            }
            for p in DEMO_PROPERTIES
        ],
        "buyers": DEMO_BUYERS,
    }


# Demo properties an online handshake can run on (the others are seized, already accepted for
# transfer, or registered to a first-generation ID that must sign at the window).
SIMULATE_PROPERTIES = ("prop-joint", "prop-sole", "prop-sole-2", "prop-hk")


def demo_scenario(property_id: str = "prop-joint") -> Scenario:
    """The seeded demo property's owners as sellers, the two demo buyers by shares 60/40."""
    prop = next(p for p in DEMO_PROPERTIES if p.id == property_id)
    sellers = tuple(
        Person(o.name, o.id_type, o.id_number, f"1390013900{i}")
        for i, o in enumerate(prop.owners, 1)
    )
    buyers = tuple(
        Person(b["name"], b["id_type"], b["id_number"], b["phone"], share)
        for b, share in zip(DEMO_BUYERS, (6000, 4000), strict=True)
    )
    return Scenario(
        property_id=prop.id,
        cert_no=prop.cert_no,
        owner_id_number=prop.owners[0].id_number,
        sellers=sellers,
        buyers=buyers,
        co_ownership="shares",
        use=prop.use or PropertyUse.RESIDENTIAL.value,
        mortgaged=prop.mortgaged,
        leased=prop.leased,
    )
