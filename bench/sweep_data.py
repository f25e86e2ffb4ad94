"""The sweeps' data: N contract documents cloned from real ones. Three templates — draft,
submitted, signing with an open order — are made by the real use cases on an in-memory store;
each clone gets its own id, number and property, and its deadline in the past or the future."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from backend.contracts.schemas import ContractCreateRequest
from backend.demo import AGENCY_ID
from backend.storage.sqlite import SqliteStore
from bench.fixtures import bench_property, contract_body
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.codec import encode_time
from signing_flow.ports import COLLECTIONS, Lifetimes, Ports
from signing_flow.roles import Actor, Role
from signing_flow.usecases.contracts import create_contract, submit_contract
from signing_flow.usecases.signing import create_signing_order

CREATED = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Zhongshan
# When the sweeps run: the templates' orders (24 h) have expired, their purge deadline (the
# next natural day's end, 2026-03-11 16:00 UTC) has not come yet.
SWEEP_NOW = CREATED + timedelta(hours=26)
PAST = encode_time(SWEEP_NOW - timedelta(hours=1))
FUTURE = encode_time(SWEEP_NOW + timedelta(hours=2))
TEMPLATE_PROPERTY = 4_000_000  # never seeded: the registry here is in memory
STATUSES = ("draft", "submitted", "signing")


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@dataclass
class TemplatePorts:
    """What drafting, submitting and ordering use of ``Ports``: nothing else is reached."""

    store: SqliteStore
    clock: FixedClock
    registry: SandboxRegistry
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    notifier: None = None
    evidence: None = None  # the templates carry no signed PDF


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Template:
    body: str
    contract_id: str
    number: str
    lock: str
    purge_at: str
    order_expires_at: str | None
    version: int


async def make_templates() -> dict[str, Template]:
    store = SqliteStore(":memory:", {**COLLECTIONS, **SANDBOX_COLLECTIONS})
    await store.open()
    try:
        prop = bench_property(TEMPLATE_PROPERTY)
        registry = SandboxRegistry(store)
        await registry.add_property(prop)
        ports = cast(Ports, TemplatePorts(store, FixedClock(CREATED), registry))
        actor = Actor(account_id="acct-agent_li", role=Role.PRACTITIONER, agency_id=AGENCY_ID)
        request = ContractCreateRequest.model_validate(contract_body(prop))
        contract = await create_contract(
            ports, actor, request.property.to_domain(), request.changes()
        )
        docs = {"draft": await store.get("contracts", contract.id)}
        await submit_contract(ports, actor, contract.id)
        docs["submitted"] = await store.get("contracts", contract.id)
        await create_signing_order(ports, actor, contract.id)
        docs["signing"] = await store.get("contracts", contract.id)
    finally:
        await store.close()
    out = {}
    for status, doc in docs.items():
        assert doc is not None and doc["status"] == status, (status, doc and doc["status"])
        out[status] = Template(
            body=_dump(doc),
            contract_id=doc["_id"],
            number=doc["number"],
            lock=doc["property_lock"],
            purge_at=doc["purge_at"],
            order_expires_at=doc["order_expires_at"],
            version=doc["version"],
        )
    return out


def clone(t: Template, i: int, *, purge_due: bool = False, order_due: bool = True) -> str:
    """Contract ``i`` from template ``t``, its deadlines past or future as asked."""
    body = t.body.replace(t.contract_id, f"sw{i:022d}")
    body = body.replace(t.number, f"CL2026S{i:08d}")
    body = body.replace(f'"{t.lock}"', f'"prop-sweep-{i}"')
    if purge_due:
        body = body.replace(f'"purge_at":"{t.purge_at}"', f'"purge_at":"{PAST}"')
    if t.order_expires_at is not None and not order_due:
        for key in ("order_expires_at", "expires_at"):
            body = body.replace(f'"{key}":"{t.order_expires_at}"', f'"{key}":"{FUTURE}"')
    return body


Row = tuple[str, int, str]  # id, version, body


def purge_dataset(templates: dict[str, Template], n: int) -> Iterator[Row]:
    """Draft, submitted and signing in turn; every other one past its purge deadline."""
    for i in range(n):
        t = templates[STATUSES[i % 3]]
        yield f"sw{i:022d}", t.version, clone(t, i, purge_due=i % 2 == 0)


def expiry_dataset(templates: dict[str, Template], n: int) -> Iterator[Row]:
    """All signing; every other one's order past its expiry."""
    t = templates["signing"]
    for i in range(n):
        yield f"sw{i:022d}", t.version, clone(t, i, order_due=i % 2 == 0)
