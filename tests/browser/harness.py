"""A phone in the browser tests: one browser context with a phone's viewport and touch, on the
page the QR code opens, and the steps a person takes there."""

from __future__ import annotations

import os
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.agent import REPO

SCREENSHOTS = REPO / "docs" / "images"
# An iPhone-sized phone held upright, in Chinese, with touch.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}


class Phone:
    """One party's phone: a browser context of its own (its own sessionStorage)."""

    def __init__(self, browser: Browser, **options: Any) -> None:
        self.context = browser.new_context(**{**PHONE, **options})
        self.page: Page = self.context.new_page()

    def open(self, url: str) -> Phone:
        self.page.goto(url)
        return self

    def screen(self, name: str) -> Locator:
        return self.page.locator(f"#screen-{name}")

    def on(self, name: str) -> Locator:
        """Wait until the page shows that screen."""
        screen = self.screen(name)
        expect(screen).to_be_visible()
        return screen

    def read_to_the_end(self) -> None:
        self.on("review")
        expect(self.page.locator("#document")).not_to_be_empty()
        self.page.locator("#document-end").scroll_into_view_if_needed()
        expect(self.page.get_by_role("button", name="已阅读")).to_be_enabled()

    def review(self) -> None:
        self.read_to_the_end()
        self.page.get_by_role("button", name="已阅读").click()
        self.on("confirm")

    def confirm(self) -> None:
        self.page.get_by_role("button", name="确定签署").click()
        self.on("police")

    def verify_identity(self, name: str, id_number: str) -> None:
        self.page.get_by_label("姓名").fill(name)
        self.page.get_by_label("证件号码").fill(id_number)
        self.page.get_by_role("button", name="提交认证").click()

    def authorize(self, sample: str = "match") -> None:
        self.page.locator(f'input[name="face_sample"][value="{sample}"]').check()
        self.page.get_by_role("button", name="确认授权").click()

    def sign(self, name: str, id_number: str) -> None:
        """Every step, each expected to pass, ending on 已完成签字."""
        self.review()
        self.confirm()
        self.verify_identity(name, id_number)
        self.on("face")
        self.authorize()
        self.on("done")

    def others(self) -> Locator:
        return self.page.locator("#others-list")

    def shot(self, name: str) -> None:
        """Keep the screen for docs/phone.md, when asked (WANGQIAN_SCREENSHOTS=1)."""
        if os.environ.get("WANGQIAN_SCREENSHOTS") == "1":
            self.page.screenshot(path=SCREENSHOTS / f"phone-{name}.png")

    def close(self) -> None:
        self.context.close()
