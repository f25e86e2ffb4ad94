"""The demo agency's records for ``seed_demo``: its enterprise information check already
approved, and its demo practitioners as reviewed (已审核), so the demo admin can add and manage
practitioners at once. The accounts themselves are ``backend.demo.DEMO_ACCOUNTS``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from signing_flow.agency_models import Agency, EnterpriseInfo, Practitioner, ReviewRecord
from signing_flow.errors import DuplicateKey
from signing_flow.ports import DocumentStore
from signing_flow.repository import agencies, practitioners
from signing_flow.validators import id_check_digit
from signing_flow.vocabulary import AgencyStatus, PractitionerStatus

DEMO_USCC = "91442000MA4W5A0D1B"  # synthetic, with a correct GB 32100 check character
DEMO_FILING_NO = "ZSJJ-2026-0001"
_SEEDED_AT = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)


def _synthetic_id(birth: str, seq: str) -> str:
    first17 = "442000" + birth + seq
    return first17 + id_check_digit(first17)


# (username, name, ID number, phone) of the demo practitioners
DEMO_PRACTITIONERS = [
    ("agent_li", "李经纪", _synthetic_id("19900412", "331"), "13800138101"),
    ("agent_wang", "王经纪", _synthetic_id("19880923", "352"), "13800138102"),
    ("agent_new", "新经纪", _synthetic_id("19960130", "374"), "13800138103"),
]


async def seed_demo_agency(store: DocumentStore, agency_id: str, name: str) -> bool:
    """Create what is missing; True when anything was created."""
    created = False
    approved = ReviewRecord("approve", "acct-center_chen", "center_staff", _SEEDED_AT, "演示数据")
    agency = Agency(
        id=agency_id,
        name=name,
        filing_no=DEMO_FILING_NO,
        admin_account_id="acct-demo_agency",
        status=AgencyStatus.APPROVED,
        opened_by="acct-center_chen",
        opened_at=_SEEDED_AT,
        updated_at=_SEEDED_AT,
        info=EnterpriseInfo(
            full_name=name,
            uscc=DEMO_USCC,
            legal_representative="陈示范",
            address="中山市石岐街道民族东路 1 号",
            business_term_from=date(2020, 1, 1),
            business_term_to=date(2027, 12, 31),
            qualification_valid_to=date(2027, 12, 31),
        ),
        history=[approved],
    )
    try:
        await agencies(store).insert(agency)
        created = True
    except DuplicateKey:
        pass
    for username, person, id_number, phone in DEMO_PRACTITIONERS:
        record = Practitioner(
            id=f"prac-{username}",
            agency_id=agency_id,
            name=person,
            id_number=id_number,
            phone=phone,
            status=PractitionerStatus.APPROVED,
            person_lock=id_number,
            created_by="acct-demo_agency",
            created_at=_SEEDED_AT,
            updated_at=_SEEDED_AT,
            history=[approved],
            account_id=f"acct-{username}",
            username=username,
            approved_at=_SEEDED_AT,
        )
        try:
            await practitioners(store).insert(record)
            created = True
        except DuplicateKey:
            pass
    return created
