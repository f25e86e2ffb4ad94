"""The center's review queues in Debian's Chromium, at a desk, in Chinese: an agency's
information check and a practitioner are each looked at (the material images load), refused
without a reason, rejected with one, resubmitted and approved; and the center's screens are
refused to agents and agency admins with the 403 page."""

from __future__ import annotations

import re

import pytest

from backend.demo import synthetic_id
from signing_flow.validators import mask_id_number
from tests.browser.agent import AgentApi, need_browser
from tests.browser.center import submitted_agency, submitted_practitioner
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402


def staff_desk(browser: Browser, server: Server) -> Desk:
    desk = Desk(browser, server.base_url)
    desk.login("center_chen")
    return desk


def images_loaded(page: Page) -> None:
    images = page.locator("#review-materials img")
    expect(images.first).to_be_visible()
    for i in range(images.count()):
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
        )


def decide(page: Page, button: str, reason: str = "") -> None:
    page.get_by_label("审核意见").fill(reason)
    page.locator("#review-form").get_by_role("button", name=button, exact=True).click()


def test_staff_reject_an_agency_with_a_reason_and_approve_it_when_resubmitted(
    browser: Browser, server: Server
) -> None:
    admin, agency_id = submitted_agency(server.base_url)
    desk = staff_desk(browser, server)
    page = desk.page
    desk.on("reviews")  # 机构审核 is the center's home
    row = page.locator("#reviews-table tbody tr", has_text="中山市安居房地产代理有限公司")
    expect(row).to_contain_text("已提交，待审核")
    expect(row).to_contain_text("ZSJJ-2026-0101")
    desk.shot("center-01-agency-queue")
    row.get_by_role("link", name="审核").click()
    screen = desk.on("review")
    title = re.compile(r"^中介机构审核\s*：中山市安居房地产代理有限公司$")
    expect(screen.get_by_role("heading", level=1)).to_have_accessible_name(title)
    expect(
        screen.locator('[data-kind="agencies"] [data-field="legal_representative"]')
    ).to_have_text("林安居")
    expect(page.locator("#review-materials")).to_contain_text("营业执照")
    images_loaded(page)

    decide(page, "审核不通过")
    expect(page.locator('.field-error[data-for="reason"]')).to_have_text("请填写不通过的原因")
    desk.shot("center-02-agency-reason-required")
    assert admin.expect("GET", f"/api/v1/agencies/{agency_id}")["status"] == "submitted"

    decide(page, "审核不通过", "营业执照图片不清晰，请重新扫描上传")
    expect(page.locator("#notice")).to_have_text("已审核不通过，原因已告知申请机构。")
    expect(screen.locator('[data-kind="agencies"] [data-field="status_label"]')).to_have_text(
        "审核不通过"
    )
    expect(page.locator("#review-history")).to_contain_text(
        "审核不通过：营业执照图片不清晰，请重新扫描上传"
    )
    expect(page.locator("#review-form")).to_be_hidden()
    seen = admin.expect("GET", f"/api/v1/agencies/{agency_id}")
    assert seen["last_review"]["comment"] == "营业执照图片不清晰，请重新扫描上传"

    admin.expect("POST", f"/api/v1/agencies/{agency_id}/submit", {"comment": "已重新上传营业执照"})
    page.get_by_role("link", name="机构审核").click()
    desk.on("reviews")
    page.locator("#reviews-table tbody tr", has_text="中山市安居房地产代理有限公司").get_by_role(
        "link", name="审核"
    ).click()
    desk.on("review")
    expect(page.locator("#review-history")).to_contain_text("提交：已重新上传营业执照")
    decide(page, "审核通过", "材料齐全")
    expect(page.locator("#notice")).to_have_text("已审核通过。")
    expect(screen.locator('[data-kind="agencies"] [data-field="status_label"]')).to_have_text(
        "审核通过"
    )
    desk.shot("center-03-agency-approved")
    assert admin.expect("GET", f"/api/v1/agencies/{agency_id}")["status"] == "approved"
    desk.close()


def test_staff_reject_a_practitioner_then_approve_it_and_the_password_goes_by_sms(
    browser: Browser, server: Server
) -> None:
    admin, practitioner_id = submitted_practitioner(server.base_url, phone="13912345670")
    desk = staff_desk(browser, server)
    page = desk.page
    page.get_by_role("link", name="从业人员审核").click()
    desk.on("reviews")
    row = page.locator("#reviews-table tbody tr", has_text="陈从业")
    expect(row).to_contain_text("已提交，待审核")
    agency_name = admin.expect("GET", "/api/v1/agencies")["items"][0]["name"]
    expect(row).to_contain_text(agency_name)  # the agency it applies through
    desk.shot("center-04-practitioner-queue")
    row.get_by_role("link", name="审核").click()
    screen = desk.on("review")
    expect(
        screen.locator('[data-kind="practitioners"] [data-field="id_number_masked"]')
    ).to_have_text(mask_id_number(synthetic_id("19930615", "481")))
    images_loaded(page)
    desk.shot("center-05-practitioner-review")

    decide(page, "审核不通过", "身份证图片缺少背面")
    expect(page.locator("#notice")).to_have_text("已审核不通过，原因已告知申请机构。")
    expect(page.locator("#review-history")).to_contain_text("审核不通过：身份证图片缺少背面")
    admin.expect("POST", f"/api/v1/practitioners/{practitioner_id}/submit", {})
    page.reload()
    desk.on("review")
    decide(page, "审核通过")
    expect(page.locator("#notice")).to_have_text(
        "已审核通过，登录账号和初始密码已短信发送给从业人员。"
    )
    username = admin.expect("GET", f"/api/v1/practitioners/{practitioner_id}")["username"]
    expect(screen.locator('[data-kind="practitioners"] [data-field="username"]')).to_have_text(
        username
    )
    outbox = AgentApi(server.base_url).expect("GET", "/sandbox/v1/sms?phone=13912345670")
    assert f"登录账号：{username}" in outbox["messages"][0]["text"]
    desk.close()


@pytest.mark.parametrize(
    ("username", "address"),
    [
        ("agent_li", "#/reviews/agencies"),
        ("agent_li", "#/window"),
        ("demo_agency", "#/reviews/practitioners"),
        ("demo_agency", "#/window/x"),
    ],
)
def test_the_center_screens_are_refused_to_agents_and_agency_admins(
    browser: Browser, server: Server, username: str, address: str
) -> None:
    desk = Desk(browser, server.base_url)
    desk.login(username)
    expect(desk.page.locator("#topbar")).to_be_visible()
    desk.page.goto(f"{server.base_url}/console{address}")
    screen = desk.on("forbidden")
    expect(screen.locator("h1")).to_have_text("无权访问此页面")
    expect(desk.page.get_by_role("link", name="窗口业务")).to_be_hidden()
    if (username, address) == ("agent_li", "#/window"):
        desk.shot("center-06-refused-to-agent")
    desk.close()
