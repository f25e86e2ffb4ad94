"""Synthetic data: registry properties with two joint owners each, and the contract a handshake
signs on one of them (two joint sellers, the two demo buyers by shares 60/40)."""

from __future__ import annotations

from typing import Any

from backend.demo import DEMO_BUYERS, contract_terms, seed_demo, seller_fields, synthetic_id
from backend.storage import open_store
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.models import Owner, RegistryProperty
from signing_flow.sale_terms import PropertyUse

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英"
PROPERTY_PREFIX = "prop-bench-"


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]


def _owner(i: int) -> Owner:
    """A valid, adult, sandbox-friendly resident ID (sequence never 998/999)."""
    birth = f"19{60 + i % 30:02d}{1 + i % 12:02d}{1 + i % 28:02d}"
    seq = f"{100 + (i // 7) % 800:03d}"
    return Owner(name=_name(i), id_type="resident_id", id_number=synthetic_id(birth, seq))


def bench_property(i: int) -> RegistryProperty:
    """Property ``i``: unique certificate and unit numbers, two joint owners."""
    return RegistryProperty(
        id=f"{PROPERTY_PREFIX}{i}",
        cert_no=f"粤（2024）中山市不动产权第{5_000_000 + i:07d}号",
        unit_no=f"442000{900_000 + i // 100_000:06d}GB{i % 100_000:05d}F{80_000_000 + i:08d}",
        address=f"中山市东区兴中道 {1 + i % 300} 号 {1 + i % 20} 幢 {101 + i % 30} 房",
        area_m2="96.50",
        owners=[_owner(2 * i), _owner(2 * i + 1)],
        co_ownership="joint",
        use=PropertyUse.RESIDENTIAL.value,
    )


def contract_body(prop: RegistryProperty) -> dict[str, Any]:
    """POST /api/v1/contracts for ``prop``: every field a submit needs."""
    buyers = [{**b, "share_bp": share} for b, share in zip(DEMO_BUYERS, (6000, 4000), strict=True)]
    return {
        "property": {"cert_no": prop.cert_no, "owner_id_number": prop.owners[0].id_number},
        "sellers": seller_fields(prop),
        "buyers": buyers,
        "co_ownership": "shares",
        **contract_terms(),
    }


def people(body: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """party id → (name, ID number), numbered the way the service numbers them (s1…, b1…)."""
    out = {f"s{i}": (p["name"], p["id_number"]) for i, p in enumerate(body["sellers"], 1)}
    out.update({f"b{i}": (p["name"], p["id_number"]) for i, p in enumerate(body["buyers"], 1)})
    return out


async def seed(store_url: str, properties: int) -> None:
    """The demo accounts and properties, plus ``properties`` bench properties."""
    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
        registry = SandboxRegistry(store)
        for i in range(properties):
            await registry.add_property(bench_property(i))
