"""统一身份认证 in the console (guide §1.4), in Debian's Chromium: a unified account signs in
only once bound; 关联本地用户 binds it one to one with a net-sign account and signs in (the
agency account with its initial password, which it must then change); from then on
统一认证登录 alone signs in; a second binding of either side is refused in Chinese."""

from __future__ import annotations

from tests.browser.agent import AgentApi, need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Locator, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402

NAME = "中山市安居房地产代理有限公司"


def register(base_url: str, username: str) -> None:
    AgentApi(base_url).expect(
        "POST",
        "/sandbox/v1/unified-accounts",
        {
            "username": username,
            "password": "Unified2026",
            "applicant_name": "林安居",
            "enterprise_name": NAME,
            "uscc": "91442000MA4X7B2C35",
        },
        201,
    )


def unified_login(screen: Locator, username: str) -> None:
    form = screen.locator("#unified-login-form")
    form.get_by_label("统一认证账号").fill(username)
    form.get_by_label("统一认证密码").fill("Unified2026")
    form.get_by_role("button", name="统一认证登录").click()


def bind(screen: Locator, unified: str, username: str, password: str) -> None:
    form = screen.locator("#unified-bind-form")
    form.get_by_label("统一认证账号").fill(unified)
    form.get_by_label("统一认证密码").fill("Unified2026")
    form.get_by_label("网签账号名").fill(username)
    form.get_by_label("网签密码").fill(password)
    form.get_by_role("button", name="关联并登录").click()


def test_an_agency_binds_its_unified_account_and_then_signs_in_with_it(
    browser: Browser, server: Server
) -> None:
    center = AgentApi.login(server.base_url, "center_chen")
    center.expect("POST", "/api/v1/agencies", {"name": NAME, "filing_no": "ZSJJ-2026-0101"}, 201)
    register(server.base_url, "anju_unified")
    desk = Desk(browser, server.base_url)
    page = desk.page
    desk.on("login")
    page.get_by_role("button", name="统一身份认证登录 / 关联本地用户").click()
    screen = desk.on("unified")

    unified_login(screen, "anju_unified")
    expect(page.locator("#unified-message")).to_contain_text("尚未关联网签账号")
    bind(screen, "anju_unified", NAME, "123456")
    desk.on("password")  # bound with the initial password: it must be changed first
    page.get_by_label("原密码").fill("123456")
    page.get_by_label("新密码", exact=True).fill("Anju2026admin")
    page.get_by_label("再次输入新密码").fill("Anju2026admin")
    page.get_by_role("button", name="修改密码").click()
    desk.on("agency")
    page.get_by_role("button", name="退出登录").click()

    desk.on("login")
    page.get_by_role("button", name="统一身份认证登录 / 关联本地用户").click()
    screen = desk.on("unified")
    unified_login(screen, "anju_unified")
    desk.on("agency")
    expect(page.locator("#account-name")).to_contain_text(NAME)
    desk.shot("unified-02-signed-in")
    desk.close()


def test_each_side_of_a_binding_binds_only_once(browser: Browser, server: Server) -> None:
    register(server.base_url, "li_unified")
    register(server.base_url, "other_unified")
    desk = Desk(browser, server.base_url)
    page = desk.page
    page.get_by_role("button", name="统一身份认证登录 / 关联本地用户").click()
    screen = desk.on("unified")
    bind(screen, "li_unified", "agent_li", "Wangqian2026")
    desk.on("list")
    page.get_by_role("button", name="退出登录").click()

    page.get_by_role("button", name="统一身份认证登录 / 关联本地用户").click()
    screen = desk.on("unified")
    bind(screen, "li_unified", "agent_wang", "Wangqian2026")
    expect(page.locator("#unified-message")).to_contain_text("该统一认证账号已关联其他网签账号")
    bind(screen, "other_unified", "agent_li", "Wangqian2026")
    expect(page.locator("#unified-message")).to_contain_text("该网签账号已关联其他统一认证账号")
    desk.shot("unified-01-bind-refused")
    desk.close()
