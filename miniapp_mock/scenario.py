"""What ``wangqian simulate`` runs: a property in the sandbox registry, the people on both sides
of the sale, and the contract body drafted from them. ``backend/cli.py`` builds the scenario
from the seeded demo data; nothing here imports the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from miniapp_mock.sale_parts import sale_parts


@dataclass(frozen=True)
class Person:
    name: str
    id_type: str
    id_number: str
    phone: str
    share_bp: int | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
        }
        if self.share_bp is not None:
            body["share_bp"] = self.share_bp
        return body


@dataclass(frozen=True)
class Scenario:
    """A property in the sandbox registry and the people on both sides of the sale."""

    property_id: str
    cert_no: str
    owner_id_number: str  # one registered owner's number: the 房源验证 lookup
    sellers: tuple[Person, ...]
    buyers: tuple[Person, ...]
    co_ownership: str | None = "shares"
    price_fen: int = 198_000_000
    applicant: Person | None = None
    # What the registry records of the property, which the contract's terms must match.
    use: str = "residential"
    mortgaged: bool = False
    leased: bool = False

    def party_ids(self) -> list[str]:
        """Ids as the service numbers parties: s1… for sellers, then b1… for buyers. Known here
        because the flags that name parties are checked before the first call (a bad one
        exits 2 without touching the server)."""
        return [f"s{i}" for i in range(1, len(self.sellers) + 1)] + [
            f"b{i}" for i in range(1, len(self.buyers) + 1)
        ]


# The deposit is due this long after the draft, and every later date after it: well in the
# future, so a sandbox clock moved forward a little still accepts the contract.
DEPOSIT_AFTER = timedelta(days=30)


def contract_body(scenario: Scenario, today: date) -> dict[str, Any]:
    """Every field a submit needs: the guide's (price, payment, delivery, 申请人, 好差评, 资金监管,
    注意事项) and the sale contract's parts, filled as for a real sale (``sale_parts``): a
    mortgaged property with the discharge plan, a leased one with the tenant's waiver."""
    applicant = scenario.applicant or Person("李经纪", "resident_id", "", "13700137000")
    parts = sale_parts(
        today + DEPOSIT_AFTER,
        scenario.price_fen,
        use=scenario.use,
        mortgaged=scenario.mortgaged,
        leased=scenario.leased,
    )
    body: dict[str, Any] = {
        "property": {"cert_no": scenario.cert_no, "owner_id_number": scenario.owner_id_number},
        "sellers": [p.as_json() for p in scenario.sellers],
        "buyers": [p.as_json() for p in scenario.buyers],
        **parts,
        "applicant": {"name": applicant.name, "phone": applicant.phone},
        "evaluation": {"level": 5},
        "fund_supervision": {"enabled": True, "bank": "ccb"},
        "acknowledgements": {
            "parties_consent": True,
            "information_accurate": True,
            "deadline_known": True,
        },
    }
    if len(scenario.buyers) > 1:
        body["co_ownership"] = scenario.co_ownership
    return body
