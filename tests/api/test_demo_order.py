"""The demo order ``make run`` opens, so that a newcomer can sign on a phone at once."""

from __future__ import annotations

from typing import Any

import zxingcpp
from aiohttp.test_utils import TestClient
from PIL import Image

from backend.appkeys import PORTS
from backend.demo_order import PROPERTY, DemoOrder, open_demo_order, terminal_qr
from tests.api.conftest import Api, Phone


async def demo(client: TestClient[Any, Any]) -> DemoOrder:
    found = await open_demo_order(client.app[PORTS])
    assert isinstance(found, DemoOrder), found
    return found


async def test_make_run_opens_one_demo_order_and_shows_its_phone_links_again_on_restart(
    client: TestClient[Any, Any], agent: Api
) -> None:
    first = await demo(client)
    assert [(p.party_id, p.who) for p in first.links] == [
        ("s1", "甲方（卖方） 陈家明"),
        ("b1", "乙方（买方） 孙丽"),
    ]
    assert all("/mp/scan?token=" in p.link.url for p in first.links)
    again = await demo(client)
    assert again.contract_number == first.contract_number
    assert [p.link.url for p in again.links] == [p.link.url for p in first.links]

    # the link is a party's QR link: it opens a session; then only the others are listed
    await Phone(client).scan(first.links[0].link.url)
    after_scan = await demo(client)
    assert after_scan.links[0].link.url != first.links[0].link.url  # the used code replaced

    [summary] = (await agent.get(f"/api/v1/contracts?number={first.contract_number}"))["items"]
    contract = await agent.get(f"/api/v1/contracts/{summary['id']}")
    await agent.post(f"/api/v1/signing-orders/{contract['open_order_id']}/cancel")
    reopened = await demo(client)
    assert reopened.contract_number == first.contract_number  # a new order on the same contract
    assert len((await agent.get(f"/api/v1/contracts/{contract['id']}"))["orders"]) == 2


async def test_no_demo_order_is_made_on_a_property_another_agent_holds(
    client: TestClient[Any, Any], anonymous: Api
) -> None:
    other = await anonymous.login("agent_wang")
    owner = PROPERTY.owners[0]
    lookup = {"unit_no": PROPERTY.unit_no, "owner_name": owner.name}
    held = await other.post("/api/v1/contracts", {"property": lookup}, expect=201)
    found = await open_demo_order(client.app[PORTS])
    assert found == f"房源 {PROPERTY.id} 已有其他经纪人的合同 {held['number']}"


def test_the_terminal_qr_code_reads_back_as_the_link() -> None:
    url = "http://192.168.1.20:8080/mp/scan?token=GEDJrsIHpn4F_4G5IglcwKfFnGMD4EOOajk8leeUHU4"
    rows = terminal_qr(url).splitlines()
    # each character is two modules, top and bottom; a drawn half is light on a dark terminal
    light = {
        "\xa0": (False, False),
        " ": (False, False),
        "▀": (True, False),
        "▄": (False, True),
        "█": (True, True),
    }
    scale = 8
    image = Image.new("L", (len(rows[0]) * scale, len(rows) * 2 * scale), 0)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            for half, on in enumerate(light[char]):
                if on:
                    box = (
                        x * scale,
                        (2 * y + half) * scale,
                        (x + 1) * scale,
                        (2 * y + half + 1) * scale,
                    )
                    image.paste(255, box)
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [url]
