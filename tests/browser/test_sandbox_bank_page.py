"""The sandbox CCB 龙存管's page on a phone, in Chromium: each party confirms the supervision
agreement, the bank signs it and calls the platform back. The bank runs as a server of its own
(in a thread), as in the adapter's tests. With WANGQIAN_SCREENSHOTS=1 the run keeps its
screens in docs/images/."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import PHONE, SCREENSHOTS
from tests.integration.ccb_bank import Setup, bank_setup


class BankThread:
    """The bank, its adapter and the platform's callback endpoint, on a loop of their own."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready: Future[Setup] = Future()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.run(tmp),))

    async def run(self, tmp: Path) -> None:
        async with bank_setup(f"sqlite:///{tmp}/bank.db", tmp) as setup:
            self.ready.set_result(setup)
            await self.stop.wait()

    def call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)


@pytest.fixture
def ccb(tmp_path: Path, browser: Browser) -> Iterator[tuple[BankThread, Setup]]:
    bank = BankThread(tmp_path)
    bank.thread.start()
    setup = bank.ready.result(10)
    try:
        yield bank, setup
    finally:
        bank.loop.call_soon_threadsafe(bank.stop.set)
        bank.thread.join(10)
        bank.loop.close()


def shot(page: Page, name: str) -> None:
    if os.environ.get("WANGQIAN_SCREENSHOTS") == "1":
        page.screenshot(path=SCREENSHOTS / f"bank-{name}.png", full_page=True)


def test_each_party_confirms_on_a_phone_and_the_bank_calls_the_platform_back(
    browser: Browser, ccb: tuple[BankThread, Setup]
) -> None:
    bank, setup = ccb
    opened = bank.call(setup.adapter.open_application(setup.request(amount_fen=128_000_000)))
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(opened.redirect_url)

    expect(page.get_by_role("heading", name="存量房交易资金监管协议")).to_be_visible()
    expect(page.locator('[data-field="status_label"]')).to_have_text("待签监管协议")
    expect(page.locator('[data-field="price"]')).to_have_text("¥1,280,000.00")
    expect(page.get_by_label("监管金额（元）")).to_have_value("1280000.00")
    shot(page, "01-agreement")

    page.get_by_role("button", name="孙丽确认协议").click()  # the buyer forgot the account
    expect(page.locator("#message")).to_have_text("请填写买方付款账号")

    page.get_by_label("卖方收款账号").fill("6217000000000000001")
    page.get_by_role("button", name="张伟确认协议").click()
    expect(page.locator("#parties li").first).to_contain_text("已确认")
    page.get_by_label("买方付款账号").fill("6217000000000000002")
    page.get_by_role("button", name="孙丽确认协议").click()

    expect(page.locator('[data-field="status_label"]')).to_have_text("已签监管协议")
    expect(page.get_by_role("link", name="返回网签系统")).to_have_attribute(
        "href", "http://127.0.0.1:9/console"
    )
    expect(page.locator("#reason-row")).to_be_hidden()  # nothing to explain when signed
    shot(page, "02-signed")
    [posted] = setup.platform.posted
    notice = setup.adapter.parse_callback(posted.headers, posted.body)
    assert notice.agreement_number
    expect(page.locator('[data-field="agreement_number"]')).to_have_text(notice.agreement_number)
    context.close()


def test_a_party_cancels_on_the_phone(browser: Browser, ccb: tuple[BankThread, Setup]) -> None:
    bank, setup = ccb
    opened = bank.call(setup.adapter.open_application(setup.request()))
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(opened.redirect_url)
    page.get_by_text("撤销或退回").click()
    page.get_by_role("button", name="撤销监管申请").click()
    expect(page.locator('[data-field="status_label"]')).to_have_text("已撤销")
    expect(page.locator('[data-field="reason"]')).to_have_text(
        "当事人撤销：当事人协商不再办理资金监管"
    )
    [posted] = setup.platform.posted
    assert setup.adapter.parse_callback(posted.headers, posted.body).status == "cancelled"
    context.close()
