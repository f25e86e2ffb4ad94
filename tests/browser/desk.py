"""The agent's desk in the browser tests: one browser context at a desk's (or a tablet's)
width, in Chinese, on the console; the steps an agent takes there, and the contract form
filled from request JSON by each input's data-path (the API's own field paths)."""

from __future__ import annotations

import os
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from miniapp_mock.qr import decode_qr_png
from tests.browser.harness import SCREENSHOTS

DESK = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}


class Desk:
    def __init__(self, browser: Browser, base_url: str, viewport: dict[str, int] = DESK) -> None:
        self.base_url = base_url
        self.context = browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        self.page: Page = self.context.new_page()
        self.page.goto(f"{base_url}/console")

    def on(self, name: str) -> Locator:
        screen = self.page.locator(f"#screen-{name}")
        expect(screen).to_be_visible()
        return screen

    def login(self, username: str = "agent_li", password: str = "Wangqian2026") -> None:
        self.on("login")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码", exact=True).fill(password)
        self.page.get_by_role("button", name="登录", exact=True).click()

    def field(self, path: str) -> Locator:
        return self.page.locator(f'#contract-form [data-path="{path}"]:not(fieldset)')

    def set_field(self, path: str, value: Any) -> None:
        target = self.field(path)
        kind = target.get_attribute("data-kind") or "text"
        tag = target.evaluate("el => el.tagName")
        if target.get_attribute("type") == "checkbox":
            target.set_checked(bool(value))
        elif tag == "SELECT":
            target.select_option(str(value).lower() if isinstance(value, bool) else str(value))
        elif kind in ("fen", "percent"):
            target.fill(f"{value / 100:.2f}")
        else:
            target.fill(str(value))

    def fill(self, data: dict[str, Any], prefix: str = "") -> None:
        """Each leaf of ``data`` (request JSON) into the input of its path."""
        for key, value in data.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                self.fill(value, f"{path}.")
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, item in enumerate(value):
                    self.fill(item, f"{path}[{i}].")
            elif isinstance(value, list):
                for choice in value:
                    self.page.locator(f'[data-path="{path}"][value="{choice}"]').check()
            else:
                self.set_field(path, value)

    def problem(self, path: str) -> Locator:
        return self.page.locator(f'.field-error[data-for="{path}"]')

    def party_card(self, party_id: str) -> Locator:
        return self.page.locator(f'#party-cards [data-party="{party_id}"]')

    def qr_link(self, party_id: str) -> str:
        """The QR code as a phone camera reads it off the screen: a screenshot of its image."""
        image = self.party_card(party_id).locator("img.qr")
        expect(image).to_be_visible()
        self.page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        return decode_qr_png(image.screenshot())

    def shot(self, name: str) -> None:
        if os.environ.get("WANGQIAN_SCREENSHOTS") == "1":
            self.page.screenshot(path=SCREENSHOTS / f"console-{name}.png", full_page=True)

    def close(self) -> None:
        self.context.close()
