"""The console shows each role its own menu and screens; a screen of another role, opened by
its address, is the 无权访问此页面 page (never a blank page), in Debian's Chromium."""

from __future__ import annotations

import pytest

from tests.browser.agent import need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402

AGENT_MENU = ["待办业务", "合同列表", "存量房合同签订线上"]
ADMIN_MENU = ["机构信息核查", "从业人员", "本机构合同"]
CENTER_MENU = ["机构审核", "从业人员审核", "窗口业务"]
# (login, its role's label, the menu it sees (None: the center's, built in its own branch),
# the addresses of other roles' screens it opens)
ROLES = [
    ("agent_li", "从业人员", AGENT_MENU, ["#/agency", "#/practitioners", "#/practitioners/x"]),
    ("demo_agency", "中介机构", ADMIN_MENU, ["#/verify", "#/todo", "#/contracts/x/edit"]),
    ("center_chen", "交易中心工作人员", CENTER_MENU, ["#/verify", "#/agency", "#/practitioners/x"]),
]


@pytest.mark.parametrize(("username", "label", "menu", "refused"), ROLES)
def test_each_role_sees_its_own_menu_and_is_refused_the_other_roles_screens(
    browser: Browser,
    server: Server,
    username: str,
    label: str,
    menu: list[str] | None,
    refused: list[str],
) -> None:
    desk = Desk(browser, server.base_url)
    page = desk.page
    desk.login(username)
    expect(page.locator("#account-role")).to_have_text(label)
    links = page.locator("#topbar nav a:visible")
    if menu is not None:
        expect(links).to_have_text(menu)
    else:  # none of the agent's or the admin's
        expect(page.locator("#topbar")).to_be_visible()
        assert not set(links.all_inner_texts()) & {*AGENT_MENU, *ADMIN_MENU}
    expect(page.locator("#screen-login")).to_be_hidden()
    expect(page.locator(".screen:visible")).to_have_count(1)
    home = page.locator(".screen:visible").get_attribute("id")
    assert home not in ("screen-forbidden", "screen-login", "screen-loading"), home
    expect(page.locator("#screen-forbidden")).to_be_hidden()
    for address in refused:
        page.goto(f"{server.base_url}/console{address}")
        screen = desk.on("forbidden")
        expect(screen.get_by_role("heading")).to_have_text("无权访问此页面")
        expect(screen).to_contain_text(f"此页面不属于当前账号（{label}）")
    if username == "demo_agency":
        desk.shot("agency-403")
    screen.get_by_role("link", name="返回首页").click()
    expect(page.locator(f"#{home}")).to_be_visible()
    desk.close()


def test_signing_in_after_another_role_left_its_address_opens_this_roles_home(
    browser: Browser, server: Server
) -> None:
    desk = Desk(browser, server.base_url)
    desk.login("agent_li")
    desk.on("list")
    desk.page.goto(f"{server.base_url}/console#/verify")
    desk.on("verify")
    desk.page.get_by_role("button", name="退出登录").click()
    desk.login("demo_agency")
    desk.on("agency")
    expect(desk.page).to_have_url(f"{server.base_url}/console#/agency")
    desk.close()
