"""The agent's console in Debian's Chromium, from login to 已签约: a jointly owned property
verified, a contract with two buyers by shares drafted (refused first on three fields, each
shown next to its input), submitted, the order generated, each party signing on a phone of
their own from the QR code read off the console's screen, the console following without a
reload, and the agent's 提交.

With WANGQIAN_SCREENSHOTS=1 the run keeps the console's screens in docs/images/."""

from __future__ import annotations

import copy
import re

from backend.demo import contract_terms
from tests.browser.agent import PROPERTIES, SELLERS_OF, SUN_LI, WU_BIN, need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, expect  # noqa: E402

from tests.browser.desk import DESK, TABLET, Desk  # noqa: E402
from tests.browser.harness import Phone  # noqa: E402

JOINT = PROPERTIES["prop-joint"]
PEOPLE = {p["name"]: p["id_number"] for p in [*SELLERS_OF["prop-joint"], SUN_LI, WU_BIN]}


def draft_with_three_mistakes(desk: Desk) -> None:
    """Verify prop-joint, 签订合同, and fill everything but: shares summing to 90 %, a 不满意
    evaluation without its comment, and fund supervision chosen without a bank."""
    page = desk.page
    page.get_by_role("link", name="存量房合同签订线上").click()
    desk.on("verify")
    page.get_by_label("房产证号 / 不动产权证号", exact=True).fill(JOINT.cert_no)
    page.get_by_label("产权人证件号码", exact=True).fill(JOINT.owners[0].id_number)
    page.get_by_role("button", name="查询房源").click()
    expect(page.locator('#verify-result [data-field="address"]')).to_have_text(JOINT.address)
    desk.shot("02-verify")
    page.get_by_role("button", name="签订合同").click()
    desk.on("form")
    expect(desk.field("sellers[0].name")).to_have_value("李娜")
    expect(desk.field("sellers[1].name")).to_have_value("王强")
    page.get_by_role("button", name="添加买方").click()
    page.get_by_role("button", name="添加附属设施（车位、家具家电…）").click()
    page.get_by_role("button", name="添加文字附件").click()
    terms = copy.deepcopy(contract_terms(JOINT))
    terms["evaluation"] = {"level": 2}
    terms["fund_supervision"] = {"enabled": True}
    desk.fill(terms)
    desk.fill({"sellers": [{"phone": s["phone"]} for s in SELLERS_OF["prop-joint"]]})
    desk.set_field("co_ownership", "shares")
    desk.fill({"buyers": [{**SUN_LI, "share_bp": 6000}, {**WU_BIN, "share_bp": 3000}]})
    expect(page.locator("#share-total")).to_have_text("份额合计：90.00%（须为 100%）")


def test_the_agent_files_a_jointly_owned_property_from_login_to_signed(
    browser: Browser, server: Server
) -> None:
    desk = Desk(browser, server.base_url, DESK)
    page = desk.page
    desk.shot("01-login")
    desk.login()
    desk.on("list")
    expect(page.locator("#account-name")).to_have_text("李经纪（agent_li）")
    assert page.evaluate("localStorage.length") == 0
    cookies = {c["name"]: c for c in desk.context.cookies()}
    assert cookies["wangqian_session"]["httpOnly"] is True
    assert cookies["wangqian_session"]["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").count("wangqian_session") == 0

    draft_with_three_mistakes(desk)
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#form-summary")).to_have_text("3 个字段有误，请按提示修改后重试。")
    errors = page.locator("#contract-form .field-error")
    expect(errors).to_have_count(3)
    paths = sorted(errors.evaluate_all("els => els.map(e => e.dataset.for)"))
    assert paths == ["buyers", "evaluation.comment", "fund_supervision.bank"], paths
    expect(desk.field("evaluation.comment")).to_have_attribute("aria-invalid", "true")
    expect(desk.field("fund_supervision.bank")).to_have_attribute("aria-invalid", "true")
    desk.shot("03-form-errors")

    desk.set_field("buyers[1].share_bp", 4000)
    expect(page.locator("#share-total")).to_have_text("份额合计：100.00%")
    desk.set_field("evaluation.comment", "等候时间较长")
    desk.set_field("fund_supervision.bank", "ccb")
    page.get_by_role("button", name="提交").click()
    contract = desk.on("contract")
    expect(contract.locator('[data-field="status_label"]')).to_have_text("已提交")
    desk.shot("04-submitted")

    page.get_by_role("button", name="生成电子合同订单").click()
    signing = desk.on("signing")
    expect(signing.locator("#order-status")).to_have_text("已创建订单，待签字")
    expect(signing.locator("#expires-in")).to_have_text(
        re.compile(r"^剩余 \d+ 小时 \d\d 分 \d\d 秒$")
    )
    for pid in ("s1", "s2", "b1", "b2"):
        expect(desk.party_card(pid).locator("img.qr")).to_be_visible()
    box = desk.party_card("s1").locator("img.qr").bounding_box()
    assert box is not None and box["width"] >= 200  # scannable at arm's length
    desk.shot("05-signing")

    phones = {}
    for pid in ("s1", "s2", "b1", "b2"):
        link = desk.qr_link(pid)
        assert link.startswith(f"{server.base_url}/mp/scan?token=")
        phones[pid] = Phone(browser).open(link)
        phones[pid].on("review")
    name = desk.party_card("s1").locator('[data-field="name"]').inner_text()
    phones["s1"].sign(name, PEOPLE[name])
    # the console follows the long-poll, no reload
    expect(desk.party_card("s1").locator('[data-field="step_label"]')).to_have_text(
        "人脸识别通过，已授权"
    )
    expect(desk.party_card("s1").locator("img.qr")).to_be_hidden()
    desk.shot("06-progress")
    for pid in ("s2", "b1", "b2"):
        name = desk.party_card(pid).locator('[data-field="name"]').inner_text()
        phones[pid].sign(name, PEOPLE[name])
    expect(signing.locator("#order-status")).to_have_text("订单已经完成签字")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#order-message")).to_have_text("已提交，合同已签约。")
    desk.shot("07-filed")

    page.get_by_role("button", name="返回合同").click()
    expect(contract.locator('[data-field="status_label"]')).to_have_text("已签约")
    expect(page.locator("#receipt-list li")).to_have_count(4)
    expect(page.get_by_role("button", name="修改合同")).to_be_hidden()
    for phone in phones.values():
        phone.close()
    desk.close()


def test_the_to_do_list_shows_the_purge_countdown_and_filters_by_number_at_768px(
    browser: Browser, server: Server
) -> None:
    desk = Desk(browser, server.base_url, TABLET)
    desk.login()
    desk.on("list")
    expect(desk.page.locator("#list-empty")).to_be_visible()
    draft_with_three_mistakes(desk)
    assert desk.page.evaluate("document.documentElement.scrollWidth") <= 768
    desk.page.get_by_role("button", name="保存草稿").click()
    expect(desk.page.locator("#notice")).to_have_text("草稿已保存。")
    number = desk.page.locator("#form-number").inner_text()
    desk.page.get_by_role("link", name="待办业务").click()
    row = desk.page.locator(f'#list-table tr[data-contract="{number}"]')
    expect(row).to_contain_text("草稿")
    expect(row).to_contain_text(JOINT.address)
    expect(row.locator("[data-purge]")).to_have_text(re.compile(r"^\d+ 小时 \d\d 分 \d\d 秒$"))
    width = desk.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    desk.page.locator("#list-filter").get_by_label("合同编号").fill("CL0000")
    desk.page.get_by_role("button", name="查询").click()
    expect(desk.page.locator("#list-empty")).to_be_visible()
    desk.shot("08-todo-tablet")
    desk.close()
