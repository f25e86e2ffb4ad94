"""The window in Debian's Chromium, at a desk, in Chinese: an offline filing for a contract with
a minor buyer and a seller represented by a proxy, refused until every document is there, sent
back once and approved; and a cancellation of a contract filed at the window, whose printed
application shows the reason entered, with ID numbers and phones masked."""

from __future__ import annotations

from typing import Any

from signing_flow.validators import mask_id_number
from tests.browser.agent import AgentApi, need_browser
from tests.browser.center import MINOR, PDF, filed_at_window, image, offline_contract
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Locator, Page, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402


def at_the_window(browser: Browser, server: Server, number: str) -> Desk:
    """Staff sign in, open 窗口业务 and look the contract up by its number."""
    desk = Desk(browser, server.base_url)
    desk.login("center_chen")
    desk.on("reviews")
    desk.page.get_by_role("link", name="窗口业务").click()
    desk.on("window")
    desk.page.locator("#window-lookup").get_by_label("合同编号").fill(number)
    desk.page.get_by_role("button", name="查找合同").click()
    desk.on("window-case")
    return desk


def card(page: Page, party_id: str) -> Locator:
    return page.locator(f'#case-parties [data-party="{party_id}"]')


def in_person(page: Page, party_id: str) -> None:
    c = card(page, party_id)
    c.get_by_label("本人到场").check()
    c.get_by_label("已核验本人有效身份证件原件").check()
    c.get_by_role("button", name="保存到场情况").click()
    expect(page.locator("#notice")).to_contain_text("的到场情况")
    expect(card(page, party_id).get_by_label("本人到场")).to_be_checked()


def upload(row: Locator, name: str, data: bytes, kind: str) -> None:
    row.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": kind, "buffer": data}]
    )


def document(page: Page, party_id: str, kind: str) -> Locator:
    return card(page, party_id).locator(f'[data-document="{kind}"]')


def printed(desk: Desk, title: str) -> str:
    """The form opened from its link in a tab of its own, as staff print it."""
    with desk.page.expect_popup() as opened:
        desk.page.get_by_role("link", name=f"打印 {title}").click()
    tab = opened.value
    tab.wait_for_load_state()
    text = tab.locator("body").inner_text()
    tab.close()
    return text


def assert_masked(text: str, contract: Any) -> None:
    for p in contract["sellers"] + contract["buyers"]:
        assert p["id_number"] not in text and p["phone"] not in text
        assert mask_id_number(p["id_number"]) in text and mask_id_number(p["phone"]) in text


def test_a_filing_with_a_minor_buyer_is_refused_until_every_document_is_there(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    contract = offline_contract(agent, "prop-joint", minor=True)
    desk = at_the_window(browser, server, contract["number"])
    page = desk.page
    expect(page.locator("#screen-window-case h1")).to_contain_text("线下办理存量房买卖合同备案")
    expect(page.locator("#case-form-links")).to_contain_text("自愿放弃存量房交易资金监管的共同声明")
    application = printed(desk, "线下办理存量房买卖合同备案申请表")
    assert contract["number"] in application and MINOR["name"] in application
    assert_masked(application, contract)

    page.get_by_role("button", name="受理").click()
    expect(page.locator("#notice")).to_have_text("已受理：线下办理存量房买卖合同备案。")
    expect(card(page, "b2").locator(".badge")).to_have_text("未成年人")
    expect(card(page, "b1").locator(".badge")).to_be_hidden()
    for pid in ("s1", "b1", "b2"):
        in_person(page, pid)
    # The second seller sends a proxy, whose power of attorney does not yet name this matter.
    seller = card(page, "s2")
    seller.get_by_label("委托他人办理").check()
    seller.get_by_label("受托人姓名").fill("赵律师")
    seller.get_by_label("受托人证件号码").fill("442000198503125172")
    seller.get_by_label("委托书经公证部门公证（原件）").check()
    seller.get_by_role("button", name="保存到场情况").click()
    expect(page.locator("#notice")).to_have_text(
        f"已保存 {contract['sellers'][1]['name']} 的到场情况。"
    )

    page.get_by_role("button", name="提交审核").click()
    message = page.locator("#case-message")
    expect(message).to_contain_text("窗口材料不齐，不能提交审核：共 6 项")
    problems = {
        "parties.s2.power_of_attorney": "委托办理须提供经公证的委托书，且注明本委托事项",
        "parties.b2.parents": "未成年人须父母双方到场",
        "parties.b2.minor_guarantee": "请上传未成年人保证书",
        "parties.b2.kinship_proof": "请上传户口本或出生证明",
        "signed_pages": "请上传签章页",
    }
    for path, text in problems.items():
        expect(page.locator(f'.field-error[data-for="{path}"]').first).to_have_text(text)
    expect(page.locator("#case-missing-list li")).to_have_count(6)
    expect(page.locator("#case-missing-list")).to_contain_text(
        f"乙方（买方） {MINOR['name']}：未成年人须父母双方到场"
    )
    desk.shot("window-01-filing-refused")

    # A GIF is refused by its bytes, whatever its name says.
    upload(page.locator("#case-work > label"), "签章页.pdf", image("GIF"), "application/pdf")
    expect(page.locator('.field-error[data-for="signed_pages"]')).to_contain_text("PDF")
    upload(page.locator("#case-work > label"), "签章页.pdf", PDF, "application/pdf")
    expect(page.locator("#notice")).to_have_text("已上传签章页：签章页.pdf")
    minor = card(page, "b2")
    minor.get_by_label("父亲到场").check()
    minor.get_by_label("母亲到场").check()
    minor.get_by_role("button", name="保存到场情况").click()
    expect(page.locator("#notice")).to_contain_text("的到场情况")
    upload(document(page, "b2", "minor_guarantee"), "保证书.jpg", image("JPEG"), "image/jpeg")
    expect(document(page, "b2", "minor_guarantee").locator("[data-state]")).to_have_text("已上传")
    upload(document(page, "b2", "kinship_proof"), "户口本.pdf", PDF, "application/pdf")
    expect(document(page, "b2", "kinship_proof").locator("[data-state]")).to_have_text("已上传")
    seller = card(page, "s2")
    seller.get_by_label("这一委托事项").check()
    seller.get_by_role("button", name="保存到场情况").click()
    expect(page.locator("#case-missing-list li")).to_have_count(1)
    upload(document(page, "s2", "power_of_attorney"), "委托书.pdf", PDF, "application/pdf")
    expect(page.locator("#case-missing")).to_be_hidden()
    expect(message).to_be_hidden()
    desk.shot("window-02-filing-complete")

    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#notice")).to_have_text("已提交审核。")
    expect(page.locator('#screen-window-case [data-field="stage"]')).to_have_text("已提交，待审核")
    decide = page.locator("#case-decide-form")
    decide.get_by_role("button", name="审核退回").click()
    expect(page.locator('#case-decide-form .field-error[data-for="reason"]')).to_be_visible()
    decide.get_by_label("退回原因").fill("签章页缺少乙方签字")
    decide.get_by_role("button", name="审核退回").click()
    expect(page.locator("#notice")).to_have_text("已退回，退回原因已记录，可补正后重新提交审核。")
    expect(page.locator('#screen-window-case [data-field="rejection"]')).to_have_text(
        "签章页缺少乙方签字"
    )
    upload(page.locator("#case-work > label"), "签章页-补.pdf", PDF, "application/pdf")
    expect(page.locator('#screen-window-case [data-field="signed_pages"]')).to_have_text("2")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#notice")).to_have_text("已提交审核。")
    desk.shot("window-03-filing-in-review")
    decide.get_by_role("button", name="审核通过").click()
    expect(page.locator("#notice")).to_have_text("审核通过：合同已备案（线下办理）。")
    filed = agent.expect("GET", f"/api/v1/contracts/{contract['id']}")
    assert (filed["status"], filed["filed_via"]) == ("filed", "offline")
    expect(page.locator('#screen-window-case [data-field="status_label"]')).to_have_text(
        filed["status_label"]
    )
    desk.close()


def test_a_window_cancellation_prints_the_reason_entered(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    contract = filed_at_window(server.base_url, agent)
    desk = at_the_window(browser, server, contract["number"])
    page = desk.page
    expect(page.locator("#screen-window-case h1")).to_contain_text("线下办理存量房买卖合同备案注销")
    page.get_by_role("button", name="受理").click()
    expect(page.locator('#case-open-form .field-error[data-for="reason"]')).to_have_text(
        "请填写注销原因"
    )
    reason = "买卖双方协商一致解除合同"
    page.locator("#case-open-form").get_by_label("注销原因").fill(reason)
    page.get_by_role("button", name="受理").click()
    expect(page.locator("#notice")).to_have_text("已受理：线下办理存量房买卖合同备案注销。")
    expect(page.locator('#screen-window-case [data-field="reason"]')).to_have_text(reason)
    application = printed(desk, "线下办理存量房买卖合同备案注销申请表")
    assert f"注销原因：{reason}" in application
    assert_masked(application, contract)
    assert reason in printed(desk, "存量房买卖合同终止协议")

    for party in contract["sellers"] + contract["buyers"]:
        in_person(page, party["id"])
        upload(document(page, party["id"], "photo"), "现场照片.jpg", image("JPEG"), "image/jpeg")
        expect(document(page, party["id"], "photo").locator("[data-state]")).to_have_text("已上传")
    expect(page.locator("#case-missing-list li")).to_have_count(1)  # the signed pages
    upload(page.locator("#case-work > label"), "签章页.pdf", PDF, "application/pdf")
    expect(page.locator("#case-missing")).to_be_hidden()
    desk.shot("window-04-cancellation")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#notice")).to_have_text("已提交审核。")
    page.locator("#case-decide-form").get_by_role("button", name="审核通过").click()
    expect(page.locator("#notice")).to_have_text("审核通过：合同已注销网签备案。")
    cancelled = agent.expect("GET", f"/api/v1/contracts/{contract['id']}")
    assert (cancelled["status"], cancelled["cancellation_reason"]) == ("cancelled", reason)
    expect(page.locator("#case-open-form")).to_be_hidden()
    desk.close()


def test_the_window_lists_open_cases_and_says_when_a_number_is_unknown(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    contract = offline_contract(agent)
    staff = AgentApi.login(server.base_url, "center_chen")
    staff.expect(
        "POST", f"/api/v1/window/contracts/{contract['id']}/case", {"purpose": "filing"}, 201
    )
    desk = Desk(browser, server.base_url)
    desk.login("center_chen")
    desk.page.get_by_role("link", name="窗口业务").click()
    desk.on("window")
    row = desk.page.locator(f'#window-cases [data-case="{contract["number"]}"]')
    expect(row).to_contain_text("受理中，准备材料")
    desk.shot("window-05-cases")
    desk.page.locator("#window-lookup").get_by_label("合同编号").fill("CL2026999999")
    desk.page.get_by_role("button", name="查找合同").click()
    expect(desk.page.locator("#window-message")).to_have_text(
        "没有找到合同编号为 CL2026999999 的合同。"
    )
    row.get_by_role("link").click()
    desk.on("window-case")
    expect(desk.page.locator('#screen-window-case [data-field="stage"]')).to_have_text(
        "受理中，准备材料"
    )
    desk.page.get_by_role("link", name="查看合同详情").click()
    expect(desk.on("contract").locator('[data-field="number"]')).to_have_text(contract["number"])
    desk.close()
