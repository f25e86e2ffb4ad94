"""The demo signing order that ``make run`` opens (``wangqian serve --seed-demo --demo-order``),
so that a newcomer can sign on a phone at once: the practitioner agent_li's contract on the demo
property ``prop-hk`` (seller 陈家明, buyer 孙丽), submitted, with its order and each party's phone
link (docs/phone.md). It goes through the same use cases as the agent's API.

At each start it takes up what is there: the open order again (the links are shown anew, a used
or nearly expired code replaced), or a new order once the last one ended. A contract another
agent holds on the property, or one already signed or filed, is left alone and said so.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import qrcode
from aiohttp import web

from backend.appkeys import PORTS, SETTINGS
from backend.contracts.schemas import ContractCreateRequest
from backend.demo import AGENCY_ID, DEMO_BUYERS, DEMO_PROPERTIES, contract_terms, seller_fields
from miniapp_mock.scenario import DEPOSIT_AFTER
from signing_flow.deadlines import CITY_TZ
from signing_flow.errors import DomainError
from signing_flow.models import Contract, SigningOrder
from signing_flow.ports import Ports
from signing_flow.repository import contracts
from signing_flow.roles import Actor, Role
from signing_flow.states import NEXT_STEP
from signing_flow.terms import PARTY_ROLE_LABELS
from signing_flow.usecases.contracts import create_contract, submit_contract
from signing_flow.usecases.signing import QrLink, create_signing_order, party_qr_link
from signing_flow.vocabulary import CONTRACT_LABELS, ContractStatus

PROPERTY = next(p for p in DEMO_PROPERTIES if p.id == "prop-hk")
AGENT = Actor(account_id="acct-agent_li", role=Role.PRACTITIONER, agency_id=AGENCY_ID)


@dataclass(frozen=True)
class PhoneLink:
    party_id: str
    who: str  # 甲方（卖方） 陈家明
    link: QrLink


@dataclass(frozen=True)
class DemoOrder:
    contract_number: str
    links: list[PhoneLink]


def _contract_body(today: date) -> dict[str, Any]:
    owner = PROPERTY.owners[0]
    return {
        "property": {"unit_no": PROPERTY.unit_no, "owner_name": owner.name},
        "sellers": seller_fields(PROPERTY),
        "buyers": [DEMO_BUYERS[0]],
        # dates from today, not the golden files' fixed ones: the demo runs on the real clock
        **contract_terms(PROPERTY, start=today + DEPOSIT_AFTER),
    }


async def _order_of(ports: Ports, contract: Contract) -> SigningOrder | str:
    """The contract's open order, made if it has none; or why there is none to show."""
    if contract.practitioner_id != AGENT.account_id:
        return f"房源 {PROPERTY.id} 已有其他经纪人的合同 {contract.number}"
    if contract.status is ContractStatus.DRAFT:
        contract = await submit_contract(ports, AGENT, contract.id)
    if contract.status is ContractStatus.SUBMITTED:
        contract, order = await create_signing_order(ports, AGENT, contract.id)
        return order
    if contract.status is ContractStatus.SIGNING and contract.open_order_id:
        return next(o for o in contract.orders if o.id == contract.open_order_id)
    return f"演示合同 {contract.number} 为「{CONTRACT_LABELS[contract.status]}」"


async def open_demo_order(ports: Ports) -> DemoOrder | str:
    """The demo order with a phone link for every party still to sign, or why there is none."""
    try:
        found = await contracts(ports.store).find({"property_lock": PROPERTY.id}, limit=1)
        if found:
            contract = found[0]
        else:
            body = ContractCreateRequest.model_validate(
                _contract_body(ports.clock.now().astimezone(CITY_TZ).date())
            )
            contract = await create_contract(
                ports, AGENT, body.property.to_domain(), body.changes()
            )
        order = await _order_of(ports, contract)
        if isinstance(order, str):
            return order
        links = [
            PhoneLink(
                p.party_id,
                f"{PARTY_ROLE_LABELS[p.role]} {p.name}",
                await party_qr_link(ports, AGENT, order.id, p.party_id),
            )
            for p in order.parties
            if NEXT_STEP[p.step] is not None
        ]
    except DomainError as err:
        return err.message
    return DemoOrder(contract.number, links)


def terminal_qr(url: str) -> str:
    """The link as a QR code drawn in the terminal, for a phone camera."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(url)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


# hosts a phone on the office network cannot reach
LOCAL_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]")


async def print_demo_order(app: web.Application) -> None:
    """On startup (after the store opened): the demo order's phone links, as text and as QR
    codes a phone can scan off the terminal."""
    found = await open_demo_order(app[PORTS])
    if isinstance(found, str):
        print(f"演示订单 (demo order): 未生成 — {found}")
        return
    print(f"演示订单 (demo order): 合同 {found.contract_number}，手机扫码或打开链接签署")
    for phone in found.links:
        until = phone.link.expires_at.astimezone(CITY_TZ).strftime("%H:%M")
        print(f"  {phone.party_id} {phone.who}（{until} 前有效）: {phone.link.url}")
        print(terminal_qr(phone.link.url), end="")
    print("  过期后重启 make run，或由经纪人在「查看二维码」取得新链接。", flush=True)
    if urlsplit(app[SETTINGS].public_base_url).hostname in LOCAL_HOSTS:
        print(
            "  手机与本机在同一网络时 (for a phone on this network): "
            "WANGQIAN_HOST=0.0.0.0 WANGQIAN_PUBLIC_BASE_URL=http://<本机局域网地址>:8080 make run"
        )
