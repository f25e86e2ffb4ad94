"""The agency admin's practitioners in the console (guide §1.3), in Debian's Chromium: added
(every field problem at once), its ID card image, submitted, rejected with a reason, corrected
and approved by the center (over the API); the initial password arrives by the sandbox's SMS and
the practitioner must change it at its first sign-in to the agent console; then a password
reset, disable and enable, and removal, after which the person may be added again. The admin
reads the agency's contracts, and cannot change them."""

from __future__ import annotations

import pytest

from backend.demo import synthetic_id
from tests.browser.agent import AgentApi, need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.admin import add_named, expect_uploaded, file, png, sms, staff, upload  # noqa: E402
from tests.browser.desk import Desk  # noqa: E402

CHEN = synthetic_id("19930615", "481")


def change_password(desk: Desk, old: str, new: str) -> None:
    page = desk.page
    desk.on("password")
    page.get_by_label("原密码").fill(old)
    page.get_by_label("新密码", exact=True).fill(new)
    page.get_by_label("再次输入新密码").fill(new)
    page.get_by_role("button", name="修改密码").click()


def confirm(page: Page) -> None:
    page.locator("#confirm-dialog").get_by_role("button", name="确定").click()


def test_a_practitioner_is_added_approved_told_its_password_by_sms_and_must_change_it(
    browser: Browser, server: Server
) -> None:
    center = staff(server.base_url)
    admin = Desk(browser, server.base_url)
    page = admin.page
    admin.login("demo_agency")
    admin.on("agency")
    page.get_by_role("link", name="从业人员").click()
    screen = admin.on("practitioners")
    expect(screen.locator('[data-practitioner="prac-agent_li"]')).to_contain_text("agent_li")

    screen.get_by_label("姓名").fill("陈从业")
    screen.get_by_label("身份证号码").fill("442000199306154810")
    screen.get_by_label("手机号码").fill("1391234567")
    screen.get_by_role("button", name="添加人员").click()
    expect(admin.problem("id_number")).to_contain_text("身份证号码有误")
    expect(admin.problem("phone")).to_contain_text("手机号码有误")
    admin.shot("agency-07-practitioner-errors")
    screen.get_by_label("身份证号码").fill(CHEN)
    screen.get_by_label("手机号码").fill("13912345678")
    screen.get_by_role("button", name="添加人员").click()

    one = admin.on("practitioner")
    expect(page.locator("#notice")).to_contain_text("已添加 陈从业")
    expect(page.locator("#practitioner-status")).to_have_text("待提交")
    row = add_named(admin, one, "身份证")
    upload(row, file("id-card.jpg", png((240, 240, 230), "JPEG"), "image/jpeg"))
    expect_uploaded(row)
    one.get_by_role("button", name="提交审核").click()
    expect(page.locator("#practitioner-status")).to_have_text("已提交，待审核")
    pid = page.url.rsplit("/", 1)[1]

    # rejected: the reason is shown; the phone is corrected and it is submitted again
    center.expect("POST", f"/api/v1/practitioners/{pid}/reject", {"reason": "手机号码已停用"})
    page.reload()
    admin.on("practitioner")
    expect(page.locator("#practitioner-review")).to_contain_text("审核意见：手机号码已停用")
    edit = page.locator("#practitioner-edit")
    edit.get_by_label("手机号码").fill("13912345679")
    edit.get_by_role("button", name="保存修改").click()
    expect(page.locator("#notice")).to_have_text("人员信息已保存。")
    expect(one.locator('[data-field="phone"]').first).to_have_text("13912345679")
    admin.shot("agency-08-practitioner-rejected")
    one.get_by_role("button", name="提交审核").click()
    expect(page.locator("#practitioner-status")).to_have_text("已提交，待审核")
    expect(edit).to_be_hidden()

    # approved: the login and its initial password go by SMS to the corrected phone
    center.expect("POST", f"/api/v1/practitioners/{pid}/approve", {})
    page.reload()
    admin.on("practitioner")
    expect(page.locator("#practitioner-status")).to_have_text("审核通过")
    expect(page.locator("#practitioner-account")).to_have_text("正常")
    username, password = sms(center, "13912345679")
    expect(one.locator('[data-field="username"]')).to_have_text(username)
    admin.shot("agency-09-practitioner-approved")

    chen = Desk(browser, server.base_url)
    chen.login(username, password)
    change_password(chen, password, "Chen2026agent")
    chen.on("list")
    expect(chen.page.locator("#account-name")).to_contain_text("陈从业")

    # 重置密码: a new initial password by SMS; the practitioner's session ends
    one.get_by_role("button", name="重置密码").click()
    confirm(page)
    expect(page.locator("#notice")).to_contain_text("新的初始密码已通过短信发送到 13912345679")
    _, reset = sms(center, "13912345679")
    assert reset != password
    chen.page.reload()
    chen.login(username, reset)
    change_password(chen, reset, "Chen2026again")
    chen.on("list")

    # 停用 and 启用
    one.get_by_role("button", name="停用账号").click()
    confirm(page)
    expect(page.locator("#practitioner-account")).to_have_text("已停用")
    chen.page.reload()
    chen.on("login")
    one.get_by_role("button", name="启用账号").click()
    expect(page.locator("#practitioner-account")).to_have_text("正常")
    chen.login(username, "Chen2026again")
    chen.on("list")
    chen.close()

    # 注销: the person leaves the agency and may be added again (here, or by another agency)
    one.get_by_role("button", name="注销人员").click()
    confirm(page)
    expect(page.locator("#practitioner-status")).to_have_text("已注销")
    expect(page.locator("#practitioner-account")).to_have_text("已停用")
    admin.shot("agency-10-practitioner-removed")
    page.get_by_role("link", name="返回人员列表").click()
    screen = admin.on("practitioners")
    screen.get_by_label("姓名").fill("陈从业")
    screen.get_by_label("身份证号码").fill(CHEN)
    screen.get_by_label("手机号码").fill("13912345679")
    screen.get_by_role("button", name="添加人员").click()
    admin.on("practitioner")
    expect(page.locator("#practitioner-status")).to_have_text("待提交")
    admin.close()


@pytest.mark.usefixtures("server")
def test_the_admin_reads_every_contract_of_its_agency_and_cannot_change_one(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    order = agent.signing_order("prop-sole")
    admin = Desk(browser, server.base_url)
    admin.login("demo_agency")
    admin.on("agency")
    admin.page.get_by_role("link", name="本机构合同").click()
    admin.on("list")
    row = admin.page.locator(f'#list-table [data-contract="{order["contract_number"]}"]')
    expect(row).to_be_visible()
    row.get_by_role("link").click()
    contract = admin.on("contract")
    expect(contract.locator('[data-field="number"]')).to_have_text(order["contract_number"])
    for button in ("修改合同", "生成电子合同订单", "查看二维码与签字进度"):
        expect(contract.get_by_role("button", name=button)).to_be_hidden()
    admin.shot("agency-11-contract")
    admin.close()
