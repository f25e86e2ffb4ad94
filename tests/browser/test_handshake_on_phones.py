"""The whole handshake on four phones: a jointly owned property, two sellers and two buyers by
shares, each party in a browser context of its own, each started from the QR code's PNG as a
phone camera reads it, ending with the agent's submit and 已签约.

With WANGQIAN_SCREENSHOTS=1 this run keeps a screenshot of each step in docs/images/."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from backend.demo import contract_terms
from backend.evidence.verify import verify_bundle
from tests.browser.agent import AgentApi, need_browser, person
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, expect  # noqa: E402

from miniapp_mock.phone import verify_receipt  # noqa: E402
from tests.browser.harness import Phone  # noqa: E402

PARTIES = ("s1", "s2", "b1", "b2")


def test_two_sellers_and_two_buyers_sign_on_their_phones_and_the_agent_files(
    browser: Browser, agent: AgentApi, server: Server
) -> None:
    order = agent.signing_order("prop-joint", buyers=2)
    oid = order["id"]
    links = {pid: agent.qr_link(oid, pid) for pid in PARTIES}
    phones: dict[str, Phone] = {}
    for pid in PARTIES:
        assert links[pid].startswith(f"{server.base_url}/mp/scan?token=")
        phones[pid] = Phone(browser).open(links[pid])
        phones[pid].on("review")
        # the token has left the address bar and lives nowhere but in the tab's sessionStorage
        assert phones[pid].page.url == f"{server.base_url}/mp/scan"
        assert phones[pid].page.evaluate("localStorage.length") == 0
        assert phones[pid].page.evaluate("sessionStorage.length") == 1

    s1 = phones["s1"]
    page = s1.page
    review = s1.screen("review")
    expect(review.locator('[data-field="contract_number"]')).to_have_text(re.compile(r"^CL\d+$"))
    expect(review.locator('[data-field="property_address"]')).to_have_text(
        "中山市东区博爱六路 22 号 2 幢 305 房"
    )
    price_fen = contract_terms()["price_fen"]
    expect(review.locator('[data-field="price"]')).to_have_text(
        f"人民币 {price_fen // 100:,}.{price_fen % 100:02d} 元"
    )
    expect(review.locator('[data-field="role_label"]')).to_have_text("甲方（卖方）")
    expect(review.locator('[data-field="name"]')).to_have_text("李娜")
    expect(review.locator('[data-field="id_number_masked"]')).to_have_text("442***********2461")
    expect(page.get_by_role("button", name="已阅读")).to_be_disabled()
    expect(s1.others()).to_contain_text("王强")
    expect(s1.others()).to_contain_text("孙丽")
    s1.shot("01-review")

    s1.review()
    expect(page.locator("#time-left")).to_have_text(re.compile(r"^(29|30) 分 \d\d 秒$"))
    s1.shot("02-confirm")
    s1.confirm()
    s1.shot("03-police")
    s1.verify_identity(*person(order, "s1"))
    s1.on("face")
    s1.shot("04-face")
    s1.authorize("match")
    done = s1.on("done")
    expect(done.locator('[data-field="signer"]')).to_have_text("甲方（卖方） 李娜")
    expect(done.locator('[data-field="document_sha256"]')).to_have_text(order["document_sha256"])
    s1.shot("05-done")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载签名回执（JSON）").click()
    receipt = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert receipt["payload"]["party_id"] == "s1"
    keys = agent.expect("GET", "/api/v1/signing-keys")
    assert verify_receipt(receipt, keys).ok

    # the others' phones follow, without a reload
    for pid in ("s2", "b1", "b2"):
        expect(phones[pid].others()).to_contain_text("李娜人脸识别通过，已授权")

    for pid in ("s2", "b1", "b2"):
        phones[pid].sign(*person(order, pid))

    status = agent.order(oid)
    assert status["status_label"] == "订单已经完成签字"
    filed = agent.expect("POST", f"/api/v1/signing-orders/{oid}/submit")
    assert filed["contract_status_label"] == "已签约"
    for phone in phones.values():
        expect(phone.page.locator("#done-order")).to_have_text("经纪人已提交，合同已签约。")
    phones["b2"].shot("06-filed")
    # the party takes the evidence bundle home, and it verifies offline (docs/evidence.md)
    with phones["b2"].page.expect_download() as download:
        phones["b2"].page.click("#evidence-button")
    bundle = Path(download.value.path()).read_bytes()
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own event loop
        assert all(c.ok for c in pool.submit(verify_bundle, bundle).result())

    sessions = [
        p.page.evaluate("sessionStorage.getItem('wangqian.party-session')") for p in phones.values()
    ]
    tokens = [url.split("token=")[1] for url in links.values()]
    tokens += [json.loads(s)["token"] for s in sessions]
    log = server.log.read_text("utf-8")
    assert "GET /mp/scan 200" in log
    assert not [t for t in tokens if t in log]
    for phone in phones.values():
        phone.close()
