"""What the phone page says when a step is refused or the order ends under the party: failed
checks and the lock screen, a used or replaced QR code, a reload mid-way, the agent cancelling,
a document that is not the one being signed, declining, and the ID number checked twice."""

from __future__ import annotations

from typing import Any

from tests.browser.agent import AgentApi, need_browser, person
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Request, Route, expect  # noqa: E402

from tests.browser.harness import Phone  # noqa: E402


def at_face_step(browser: Browser, agent: AgentApi, order: dict[str, Any], pid: str) -> Phone:
    phone = Phone(browser).open(agent.qr_link(order["id"], pid))
    phone.review()
    phone.confirm()
    phone.verify_identity(*person(order, pid))
    phone.on("face")
    return phone


def test_three_failed_face_checks_end_on_the_lock_screen(browser: Browser, agent: AgentApi) -> None:
    order = agent.signing_order()
    phone = at_face_step(browser, agent, order, "s1")
    notice = phone.page.locator("#face-notice")

    phone.authorize("mismatch")
    expect(notice).to_have_text("人脸比对不通过。还可尝试 2 次。")
    phone.authorize("timeout")  # the service timed out: no attempt used
    expect(notice).to_have_text("人脸识别服务超时，请重试。本次不计入失败次数，请稍后重试。")
    phone.authorize("no_liveness")
    expect(notice).to_have_text("活体检测不通过。还可尝试 1 次。")
    phone.shot("07-face-failed")
    phone.authorize("mismatch")

    locked = phone.on("locked")
    expect(locked).to_contain_text("认证失败次数过多，已锁定")
    expect(locked).to_contain_text("请联系经纪人重新生成电子合同订单")
    phone.shot("08-locked")
    assert agent.order(order["id"])["status_label"] == "认证失败次数过多，订单失效"


def test_a_used_replaced_or_unknown_qr_code_gets_a_page_saying_so(
    browser: Browser, agent: AgentApi, server: Server
) -> None:
    order = agent.signing_order()
    first = agent.qr_link(order["id"], "s1")
    Phone(browser).open(first).on("review")

    again = Phone(browser).open(first)
    invalid = again.on("invalid")
    expect(invalid).to_contain_text("这个二维码已经使用过了。")
    expect(invalid).to_contain_text("请经纪人重新生成二维码")
    assert again.page.url == f"{server.base_url}/mp/scan"
    assert "error" not in again.page.locator("body").inner_text()  # no JSON, no code
    again.shot("09-qr-used")

    agent.qr_link(order["id"], "s1")  # the agent shows a new code: the used one is replaced
    expect(Phone(browser).open(first).on("invalid")).to_contain_text("已被新的二维码替代")
    unknown = Phone(browser).open(f"{server.base_url}/mp/scan?token={'x' * 43}")
    expect(unknown.on("invalid")).to_contain_text("无法识别这个二维码")
    expect(Phone(browser).open(f"{server.base_url}/mp/scan").on("start")).to_contain_text("扫描")


def test_a_reload_mid_way_resumes_at_the_party_step(browser: Browser, agent: AgentApi) -> None:
    order = agent.signing_order()
    phone = Phone(browser).open(agent.qr_link(order["id"], "b1"))
    phone.on("review")
    phone.page.reload()
    phone.review()
    phone.confirm()
    phone.page.reload()

    phone.on("police")  # not the review again, and no token in the address to scan again
    expect(phone.page.locator('#screen-review [data-field="name"]')).to_have_text("孙丽")
    phone.verify_identity(*person(order, "b1"))
    phone.on("face")
    phone.page.reload()
    phone.on("face")
    phone.authorize()
    phone.on("done")


def test_the_agent_cancelling_while_a_party_is_on_the_face_step_is_shown(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = at_face_step(browser, agent, order, "s1")

    agent.expect("POST", f"/api/v1/signing-orders/{order['id']}/cancel")

    ended = phone.on("ended")  # without a tap: the page keeps current
    expect(ended).to_contain_text("经纪人已注销该电子合同订单。")
    expect(ended).to_contain_text("请联系经纪人重新生成电子合同订单和二维码")
    phone.shot("10-cancelled")
    assert phone.page.evaluate("sessionStorage.length") == 1  # the session is dead, not gone
    phone.page.reload()
    phone.on("ended")


def test_a_document_other_than_the_one_being_signed_is_refused_and_explained(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = Phone(browser)

    def altered(route: Route, request: Request) -> None:
        """The text reaches the phone with a clause the order does not hold."""
        answer = route.fetch()
        body = answer.json()
        body["text"] += "\n补充条款：乙方承担全部税费。"
        route.fulfill(response=answer, json=body)

    phone.page.route("**/mp/v1/document", altered, times=1)
    phone.open(agent.qr_link(order["id"], "s1"))
    expect(phone.page.locator("#document")).to_contain_text("乙方承担全部税费")
    phone.read_to_the_end()
    phone.page.get_by_role("button", name="已阅读").click()

    notice = phone.page.locator("#review-notice")
    expect(notice).to_contain_text("合同文件已变更")
    expect(notice).to_contain_text("请重新阅读至末尾")
    expect(phone.page.locator("#document")).not_to_contain_text("乙方承担全部税费")
    phone.shot("11-document-changed")
    assert agent.order(order["id"])["parties"][0]["step_label"] == "已扫码"
    phone.review()  # the text the order holds, read to its end again: accepted


def test_a_party_declines_with_a_reason_and_the_other_party_is_told(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    buyer = Phone(browser).open(agent.qr_link(order["id"], "b1"))
    buyer.on("review")
    seller = Phone(browser).open(agent.qr_link(order["id"], "s1"))
    seller.review()

    seller.page.get_by_role("button", name="拒绝签署").click()
    dialog = seller.page.get_by_role("dialog", name="拒绝签署")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="确认拒绝签署").click()
    expect(dialog.locator("#decline-error")).to_have_text("请填写拒绝原因。")
    dialog.get_by_label("拒绝原因").fill("成交价与约定不符")
    seller.shot("12-decline")
    dialog.get_by_role("button", name="确认拒绝签署").click()

    expect(seller.on("declined")).to_contain_text("您已拒绝签署")
    expect(buyer.on("ended")).to_contain_text("有当事人拒绝签署，订单已结束。")
    assert agent.order(order["id"])["status_label"] == "当事人拒绝签署"


def test_the_id_number_is_checked_in_the_browser_and_again_by_the_server(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = Phone(browser).open(agent.qr_link(order["id"], "b1"))
    phone.review()
    phone.confirm()
    sent: list[str] = []
    phone.page.on("request", lambda r: sent.append(r.url) if "police" in r.url else None)
    name, number = person(order, "b1")
    id_error = phone.page.locator("#police-id-error")

    phone.verify_identity("", number[:17] + ("0" if number[17] != "0" else "1"))
    expect(phone.page.locator("#police-name-error")).to_have_text("请填写姓名。")
    expect(id_error).to_have_text("证件号码校验位不正确，请核对后重新填写。")
    expect(phone.page.get_by_label("证件号码")).to_have_attribute("aria-invalid", "true")
    phone.verify_identity(name, number[:10])
    expect(id_error).to_have_text("证件号码应为 18 位（最后一位可以是 X）。")
    assert sent == []  # nothing left the phone

    other = person(order, "s1")[1]  # a valid number, but not this party's
    phone.verify_identity(name, other)
    expect(phone.page.locator("#police-notice")).to_contain_text("还可尝试 2 次")
    expect(id_error).to_be_hidden()
    phone.shot("13-police-refused")
    assert len(sent) == 1

    phone.verify_identity(name, number.lower())
    phone.on("face")
    expect(phone.page.locator("#screen-face .attempts")).to_contain_text("还可尝试 2 次")
