"""A record that fails to load leaves nothing to act on (Debian's Chromium): after a good
application, practitioner or window case, a bad id shows its message with no decision, action
or form of the previous record, whose handlers would otherwise act on that record."""

from __future__ import annotations

from tests.browser.agent import AgentApi, need_browser
from tests.browser.center import offline_contract, submitted_practitioner
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Locator, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402


def go(desk: Desk, hash_: str) -> None:
    desk.page.evaluate("h => { location.hash = h; }", hash_)


def none_visible(locator: Locator) -> None:
    for i in range(locator.count()):
        expect(locator.nth(i)).to_be_hidden()


def test_a_failed_review_load_offers_no_decision(browser: Browser, server: Server) -> None:
    _, practitioner_id = submitted_practitioner(server.base_url)
    desk = Desk(browser, server.base_url)
    desk.login("center_chen")
    desk.on("reviews")
    go(desk, f"#/reviews/practitioners/{practitioner_id}")
    desk.on("review")
    expect(desk.page.locator("#review-form")).to_be_visible()
    go(desk, "#/reviews/practitioners/no-such-id")
    expect(desk.page.locator("#review-message")).to_contain_text("没有找到该申请")
    expect(desk.page.locator("#review-form")).to_be_hidden()
    desk.close()


def test_a_failed_practitioner_load_offers_no_action(browser: Browser, server: Server) -> None:
    desk = Desk(browser, server.base_url)
    desk.login("demo_agency")
    desk.on("agency")
    go(desk, "#/practitioners/prac-agent_li")
    screen = desk.on("practitioner")
    expect(screen.get_by_role("button", name="停用账号")).to_be_visible()
    go(desk, "#/practitioners/no-such-id")
    expect(desk.page.locator("#practitioner-message")).not_to_be_empty()
    none_visible(desk.page.locator("#practitioner-actions [data-action]"))
    for form in ("#practitioner-edit", "#practitioner-submit", "#practitioner-add-material"):
        none_visible(desk.page.locator(form))
    desk.close()


def test_a_failed_window_case_load_offers_no_form(browser: Browser, server: Server) -> None:
    contract = offline_contract(AgentApi.login(server.base_url, "agent_li"))
    desk = Desk(browser, server.base_url)
    desk.login("center_chen")
    desk.on("reviews")
    go(desk, f"#/window/{contract['id']}")
    desk.on("window-case")
    expect(desk.page.locator("#case-open-form")).to_be_visible()
    go(desk, "#/window/no-such-id")
    expect(desk.page.locator("#case-message")).to_contain_text("没有找到该合同")
    for part in (
        "#case-open-form",
        "#case-forms",
        "#case-work",
        "#case-submit",
        "#case-decide-form",
    ):
        expect(desk.page.locator(part)).to_be_hidden()
    desk.close()
