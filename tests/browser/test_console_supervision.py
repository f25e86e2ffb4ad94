"""资金监管 in Debian's Chromium: the contract screen's 「跳转建设银行龙存管」 goes to the sandbox
bank's page and the screen then shows 待签监管协议; a 农商行 agreement is entered on the screen,
its number checked; a party's phone links to the bank's page while the agreement waits."""

from __future__ import annotations

from typing import Any

from tests.browser.agent import SELLERS_OF, SUN_LI, AgentApi, need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, expect  # noqa: E402

from backend.demo import DEMO_PROPERTIES, contract_terms  # noqa: E402
from tests.browser.desk import Desk  # noqa: E402
from tests.browser.harness import Phone  # noqa: E402

PROP = next(p for p in DEMO_PROPERTIES if p.id == "prop-sole")


def submitted(agent: AgentApi, **overrides: Any) -> str:
    lookup = {"cert_no": PROP.cert_no, "owner_id_number": PROP.owners[0].id_number}
    fields = {"sellers": SELLERS_OF["prop-sole"], "buyers": [SUN_LI], **contract_terms(**overrides)}
    draft = agent.expect("POST", "/api/v1/contracts", {"property": lookup, **fields}, 201)
    agent.expect("POST", f"/api/v1/contracts/{draft['id']}/submit")
    return str(draft["id"])


def contract_screen(browser: Browser, server: Server, contract_id: str) -> Desk:
    desk = Desk(browser, server.base_url)
    desk.login()
    desk.on("list")
    desk.page.goto(f"{server.base_url}/console#/contracts/{contract_id}")
    desk.on("contract")
    return desk


def test_the_ccb_button_goes_to_the_bank_page_and_the_screen_then_shows_it_pending(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    contract_id = submitted(agent)
    desk = contract_screen(browser, server, contract_id)
    page = desk.page
    box = page.locator("#supervision")
    expect(box.locator('[data-field="supervision_status"]')).to_have_text("尚未办理")
    page.get_by_role("button", name="跳转建设银行龙存管").click()
    page.wait_for_url("**/sandbox/v1/banks/ccb/pages/**")
    expect(page.get_by_text("龙存管").first).to_be_visible()
    page.goto(f"{server.base_url}/console#/contracts/{contract_id}")
    desk.on("contract")
    expect(box.locator('[data-field="supervision_status"]')).to_have_text("待签监管协议")
    expect(page.locator("#supervision-link")).to_be_visible()
    expect(page.get_by_role("button", name="跳转建设银行龙存管")).to_be_visible()
    desk.shot("supervision-ccb")
    desk.close()


def test_a_zsrcb_agreement_is_entered_on_the_contract_screen(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    contract_id = submitted(agent, fund_supervision={"enabled": True, "bank": "zsrcb"})
    desk = contract_screen(browser, server, contract_id)
    page = desk.page
    box = page.locator("#supervision")
    expect(box.locator('[data-field="supervision_step"]')).to_have_text(
        "请到农商行支行办理资金监管协议"
    )
    expect(page.get_by_role("button", name="跳转建设银行龙存管")).to_be_hidden()
    page.get_by_label("资金监管协议编号").fill("12345")
    page.get_by_label("办理支行").fill("中山农商银行石岐支行")
    page.get_by_role("button", name="录入农商行监管协议").click()
    expect(page.locator("#branch-form .field-error")).to_have_count(1)
    page.get_by_label("资金监管协议编号").fill("NSJG202600012345")
    page.get_by_role("button", name="录入农商行监管协议").click()
    expect(box.locator('[data-field="supervision_status"]')).to_have_text("已签监管协议")
    expect(box.locator('[data-field="agreement_number"]')).to_have_text("NSJG202600012345")
    expect(page.locator("#branch-form")).to_be_hidden()
    desk.close()


def test_a_partys_phone_links_to_the_bank_page_while_the_agreement_waits(
    browser: Browser, agent: AgentApi
) -> None:
    contract_id = submitted(agent)
    opened = agent.expect(
        "POST", f"/api/v1/contracts/{contract_id}/fund-supervision/applications", status=201
    )
    order = agent.expect("POST", f"/api/v1/contracts/{contract_id}/signing-orders", status=201)
    phone = Phone(browser).open(agent.qr_link(order["id"], "s1"))
    link = phone.page.get_by_role("link", name="跳转建设银行龙存管")
    expect(link).to_have_attribute("href", opened["redirect_url"])
    expect(phone.page.locator("#fund")).to_contain_text("待签监管协议")
    phone.close()
