"""统一身份认证 in the console (guide §1.4), in Debian's Chromium: a unified account signs in
only once bound; 关联本地用户 binds it one to one with a net-sign account and signs in (the
agency account only once its public initial password is changed); from then on 统一认证登录
alone signs in; a second binding of either side is refused in Chinese."""

from __future__ import annotations

from tests.browser.agent import AgentApi, need_browser
from tests.browser.center import login
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Locator, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402

NAME = "中山市安居房地产代理有限公司"
DEMO_AGENCY = "中山市示范房地产代理有限公司"  # agent_li's and agent_wang's


def register(base_url: str, username: str, enterprise: str = NAME) -> None:
    AgentApi(base_url).expect(
        "POST",
        "/sandbox/v1/unified-accounts",
        {
            "username": username,
            "password": "Unified2026",
            "applicant_name": "林安居",
            "enterprise_name": enterprise,
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
    bind(screen, "anju_unified", NAME, "123456")  # public: not enough to bind
    expect(page.locator("#unified-message")).to_contain_text("请先用初始密码登录网签系统并修改密码")
    change = {"old_password": "123456", "new_password": "Anju2026admin"}
    login(server.base_url, NAME, "123456").expect("POST", "/api/v1/auth/password", change)
    bind(screen, "anju_unified", NAME, "Anju2026admin")
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
    register(server.base_url, "li_unified", DEMO_AGENCY)
    register(server.base_url, "other_unified", DEMO_AGENCY)
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
