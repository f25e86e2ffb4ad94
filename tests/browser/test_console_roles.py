"""The console shows each role its own menu and screens; a screen of another role, opened by
its address, is the 无权访问此页面 page (never a blank page), in Debian's Chromium."""

from __future__ import annotations

import pytest

from tests.browser.agent import need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402

# (login, the role's home screen, the menu it sees, addresses of other roles' screens)
ROLES = [
    (
        "agent_li",
        "list",
        ["待办业务", "合同列表", "存量房合同签订线上"],
        ["#/agency", "#/practitioners"],
    ),
    ("demo_agency", "agency", ["机构信息核查", "从业人员", "本机构合同"], ["#/verify", "#/todo"]),
    (
        "center_chen",
        "reviews",
        ["机构审核", "从业人员审核", "窗口业务"],
        ["#/verify", "#/agency", "#/practitioners/prac-agent_li"],
    ),
]

LABELS = {"agent_li": "从业人员", "demo_agency": "中介机构", "center_chen": "交易中心工作人员"}


@pytest.mark.parametrize(("username", "home", "menu", "refused"), ROLES)
def test_each_role_sees_its_own_menu_and_is_refused_the_other_roles_screens(
    browser: Browser, server: Server, username: str, home: str, menu: list[str], refused: list[str]
) -> None:
    desk = Desk(browser, server.base_url)
    page = desk.page
    desk.login(username)
    desk.on(home)
    expect(page.locator("#topbar nav a:visible")).to_have_text(menu)
    expect(page.locator("#account-role")).to_have_text(LABELS[username])
    for address in refused:
        page.goto(f"{server.base_url}/console{address}")
        screen = desk.on("forbidden")
        expect(screen.get_by_role("heading")).to_have_text("无权访问此页面")
        expect(screen).to_contain_text("请使用有权限的账号登录")
    if username == "demo_agency":
        desk.shot("agency-403")
    screen.get_by_role("link", name="返回首页").click()
    desk.on(home)
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
