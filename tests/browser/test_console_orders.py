"""The console around the happy path, in Debian's Chromium: the first login's password change
and logout, a practitioner disabled while signed in, an order cancelled and generated again, an
order expiring on the sandbox clock, a party declining, an online cancellation signed on phones
from the QR codes on the console's screen, and a cancellation the registry's accepted transfer
refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.agent import AgentApi, need_browser, person
from tests.e2e.conftest import Server, running_server

need_browser()

from playwright.sync_api import Browser, expect  # noqa: E402

from tests.browser.desk import Desk  # noqa: E402
from tests.browser.harness import Phone  # noqa: E402


def signed_in(browser: Browser, server: Server, path: str = "") -> Desk:
    desk = Desk(browser, server.base_url)
    desk.login()
    desk.on("list")
    if path:
        desk.page.goto(f"{server.base_url}/console#{path}")
    return desk


def filed_contract(browser: Browser, agent: AgentApi) -> dict[str, str]:
    """prop-sole signed on two phones and submitted: 已签约."""
    order = agent.signing_order("prop-sole")
    for pid in ("s1", "b1"):
        phone = Phone(browser).open(agent.qr_link(order["id"], pid))
        phone.sign(*person(order, pid))
        phone.close()
    agent.expect("POST", f"/api/v1/signing-orders/{order['id']}/submit")
    return order


def test_the_first_login_changes_the_initial_password_and_logout_ends_the_session(
    browser: Browser, server: Server
) -> None:
    desk = Desk(browser, server.base_url)
    page = desk.page
    desk.login("agent_new", "123456")
    desk.on("password")
    page.get_by_label("原密码").fill("123456")
    page.get_by_label("新密码", exact=True).fill("short")
    page.get_by_label("再次输入新密码").fill("short")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator('.field-error[data-for="new_password"]').first).to_have_text("至少 8 位")
    desk.shot("09-password")
    page.get_by_label("原密码").fill("123456")
    page.get_by_label("新密码", exact=True).fill("Xinmima2026")
    page.get_by_label("再次输入新密码").fill("Xinmima2026")
    page.get_by_role("button", name="修改密码").click()
    desk.on("list")
    page.get_by_role("button", name="退出登录").click()
    desk.on("login")
    expect(page.locator("#login-message")).to_have_text("已退出登录。")
    assert not [c for c in desk.context.cookies() if c["name"] == "wangqian_session"]
    page.reload()
    desk.on("login")
    desk.login("agent_new", "Xinmima2026")
    desk.on("list")
    desk.close()


def test_a_practitioner_disabled_while_signed_in_is_shown_the_login_page_at_once(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    order = agent.signing_order("prop-sole")
    desk = signed_in(browser, server, f"/orders/{order['id']}")
    desk.on("signing")
    admin = AgentApi.login(server.base_url, "demo_agency")
    admin.expect("POST", "/api/v1/practitioners/prac-agent_li/disable")
    # the signing screen's long-poll ends with 401 at once: no click, no reload
    desk.on("login")
    expect(desk.page.locator("#login-message")).to_have_text(
        "账号已停用，已退出登录。如有疑问请联系所在中介机构。"
    )
    expect(desk.page.locator("#topbar")).to_be_hidden()
    desk.shot("10-disabled")
    desk.close()


def test_the_agent_cancels_an_order_with_confirmation_and_generates_a_new_one(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    order = agent.signing_order("prop-sole")
    desk = signed_in(browser, server, f"/orders/{order['id']}")
    page = desk.page
    desk.on("signing")
    old = desk.qr_link("s1")
    desk.party_card("b1").get_by_role("button", name="全屏显示二维码").click()
    dialog = page.locator("#qr-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("乙方（买方） 孙丽：请用手机微信扫码")
    big = dialog.locator("img").bounding_box()
    assert big is not None and big["width"] >= 500
    dialog.get_by_role("button", name="关闭").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="注销电子合同订单").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    page.get_by_role("button", name="取消").click()
    expect(page.locator("#order-status")).to_have_text("已创建订单，待签字")
    page.get_by_role("button", name="注销电子合同订单").click()
    page.get_by_role("button", name="确定").click()
    expect(page.locator("#order-status")).to_have_text("已注销电子合同订单")
    expect(page.locator("#order-message")).to_contain_text("电子合同订单已注销，二维码已作废")
    expect(desk.party_card("s1").locator("img.qr")).to_be_hidden()
    desk.shot("11-cancelled")
    page.get_by_role("button", name="重新生成电子合同订单").click()
    # a cancelled order returns the contract to draft: confirm it, submit, generate again
    desk.on("form")
    expect(page.locator("#notice")).to_contain_text("合同已退回草稿")
    page.get_by_role("button", name="提交").click()
    desk.on("contract")
    page.get_by_role("button", name="生成电子合同订单").click()
    desk.on("signing")
    expect(page.locator("#order-status")).to_have_text("已创建订单，待签字")
    assert desk.qr_link("s1") != old
    assert agent.order(order["id"])["status"] == "cancelled"
    desk.close()


@pytest.fixture
def short_orders(tmp_path: Path) -> Iterator[Server]:
    """Orders that last an hour, so the clock passes one while the agent's session (12 h) lasts."""
    store = f"sqlite:///{tmp_path}/wangqian.db"
    with running_server(tmp_path, store, WANGQIAN_SANDBOX="1", WANGQIAN_ORDER_TTL="3600") as up:
        yield up


def test_an_order_expiring_on_the_sandbox_clock_says_so_without_a_reload(
    browser: Browser, short_orders: Server
) -> None:
    server = short_orders
    agent = AgentApi.login(server.base_url, "agent_li")
    order = agent.signing_order("prop-sole")
    desk = signed_in(browser, server, f"/orders/{order['id']}")
    desk.on("signing")
    expect(desk.party_card("b1").locator("img.qr")).to_be_visible()
    after = datetime.fromisoformat(order["expires_at"]) + timedelta(seconds=5)
    agent.expect("POST", "/sandbox/v1/clock", {"to": after.isoformat()})
    expect(desk.page.locator("#order-status")).to_have_text("订单已过期", timeout=15000)
    expect(desk.page.locator("#order-message")).to_contain_text("订单已过期")
    expect(desk.page.get_by_role("button", name="重新生成电子合同订单")).to_be_visible()
    expect(desk.party_card("b1").locator("img.qr")).to_be_hidden()
    desk.shot("12-expired")
    desk.close()


def test_an_online_cancellation_runs_the_same_signing_screen_and_ends_cancelled(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    order = filed_contract(browser, agent)
    desk = signed_in(browser, server, f"/contracts/{order['contract_id']}")
    page = desk.page
    contract = desk.on("contract")
    expect(contract.locator('[data-field="status_label"]')).to_have_text("已签约")
    expect(page.locator("#receipt-list li")).to_have_count(2)
    with page.expect_download() as download:
        page.locator("#receipt-list a").first.click()
    assert download.value.suggested_filename.endswith("-s1-receipt.json")
    expect(page.get_by_role("button", name="修改合同")).to_be_hidden()
    page.locator("#cancellation-form").get_by_label("注销原因").fill("买卖双方协商一致解除合同")
    desk.shot("13-filed")
    page.get_by_role("button", name="提交注销申请").click()
    signing = desk.on("signing")
    expect(signing.locator('[data-field="purpose_label"]')).to_have_text("注销网签备案")
    cancel_order = agent.expect("GET", f"/api/v1/contracts/{order['contract_id']}")["orders"][-1]
    for pid in ("s1", "b1"):
        phone = Phone(browser).open(desk.qr_link(pid))
        phone.sign(*person(order, pid))
        phone.close()
    expect(signing.locator("#order-status")).to_have_text("订单已经完成签字")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#order-message")).to_have_text("已提交，合同已注销。")
    assert agent.order(cancel_order["id"])["contract_status_label"] == "已注销"
    desk.shot("14-cancelled-contract")
    desk.close()


def test_a_cancellation_is_refused_with_the_reason_once_the_registry_accepted_the_transfer(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    order = filed_contract(browser, agent)
    agent.expect(
        "PUT",
        "/sandbox/v1/registry/properties/prop-sole/transfer-status",
        {"transfer_status": "accepted"},
        204,
    )
    desk = signed_in(browser, server, f"/contracts/{order['contract_id']}")
    page = desk.page
    desk.on("contract")
    page.locator("#cancellation-form").get_by_label("注销原因").fill("买卖双方协商一致解除合同")
    page.get_by_role("button", name="提交注销申请").click()
    expect(page.locator("#cancellation-refused")).to_have_text(
        "不能线上注销：不动产登记部门已受理该房屋的转移登记，不能注销"
    )
    desk.shot("15-cancellation-refused")
    desk.close()


def test_a_declined_order_says_who_declined_and_what_to_do_next(
    browser: Browser, server: Server, agent: AgentApi
) -> None:
    order = agent.signing_order("prop-sole")
    desk = signed_in(browser, server, f"/orders/{order['id']}")
    desk.on("signing")
    seller = Phone(browser).open(desk.qr_link("s1"))
    seller.on("review")
    expect(desk.party_card("s1").locator('[data-field="step_label"]')).to_have_text("已扫码")
    seller.page.get_by_role("button", name="拒绝签署").click()
    dialog = seller.page.get_by_role("dialog", name="拒绝签署")
    dialog.get_by_label("拒绝原因").fill("成交价与约定不符")
    dialog.get_by_role("button", name="确认拒绝签署").click()
    expect(desk.page.locator("#order-message")).to_have_text(
        "甲方（卖方）张伟拒绝签署，订单已终止。请与当事人沟通，必要时修改合同后重新生成电子合同订单。"
    )
    expect(desk.page.get_by_role("button", name="重新生成电子合同订单")).to_be_visible()
    expect(desk.page.get_by_role("button", name="注销电子合同订单")).to_be_hidden()
    seller.close()
    desk.close()


# A change from the signed-in page: the session cookie goes with it; the CSRF header only if the
# page sends its cookie's value (a forged form or script elsewhere cannot read it).
POST_FROM_PAGE = """async (withToken) => {
  const headers = {"Content-Type": "application/json"};
  if (withToken) {
    const c = document.cookie.split("; ").find((c) => c.startsWith("wangqian_csrf="));
    headers["X-CSRF-Token"] = c.slice("wangqian_csrf=".length);
  }
  const r = await fetch("/api/v1/contracts", {method: "POST", headers, body: "{}"});
  return [r.status, (await r.json()).error.code];
}"""


def test_a_change_without_the_csrf_header_is_refused_in_the_signed_in_browser(
    browser: Browser, server: Server
) -> None:
    desk = signed_in(browser, server)
    assert desk.page.evaluate(POST_FROM_PAGE, False) == [403, "CSRF_REFUSED"]
    # with the header the same request reaches the use case, which wants a property
    assert desk.page.evaluate(POST_FROM_PAGE, True) == [422, "VALIDATION_FAILED"]
    desk.close()
