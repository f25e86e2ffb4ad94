"""The agency admin's desk in the browser tests: the images it uploads (a good PNG, one too
large, one whose bytes are a GIF), the materials' steps on screen, and the center's side done
over the JSON API (the center's screens are tested apart)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import Locator, expect

from tests.browser.agent import AgentApi
from tests.browser.desk import Desk

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"


def today() -> date:
    """The service's "today": the date in Zhongshan."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def png(colour: tuple[int, int, int] = (30, 90, 170), kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, kind)
    return out.getvalue()


def file(name: str, data: bytes, mime: str = "image/png") -> dict[str, object]:
    return {"name": name, "mimeType": mime, "buffer": data}


# Over 500K, with a PNG's first bytes: refused for its size, not its kind.
TOO_LARGE = b"\x89PNG\r\n\x1a\n" + bytes(600_000)
# A GIF named .png and declared image/png: refused for its bytes.
NOT_AN_IMAGE_WE_TAKE = file("license.png", GIF)


def staff(base_url: str) -> AgentApi:
    return AgentApi.login(base_url, "center_chen")


def sms(api: AgentApi, phone: str) -> tuple[str, str]:
    """The newest SMS to ``phone`` in the sandbox outbox: (login, password)."""
    text = api.expect("GET", f"/sandbox/v1/sms?phone={phone}")["messages"][0]["text"]
    found = re.search(r"登录账号：(\w+)，初始密码：(\w+)。", text)
    assert found, text
    return found.group(1), found.group(2)


def material(box: Locator, index: int = -1) -> Locator:
    rows = box.locator("li.material-item")
    return rows.nth(index) if index >= 0 else rows.last


def add_named(desk: Desk, screen: Locator, name: str) -> Locator:
    """添加材料, rename it and save: the material ready for its image."""
    count = screen.locator("li.material-item").count()
    screen.get_by_role("button", name="添加材料").click()
    expect(screen.locator("li.material-item")).to_have_count(count + 1)
    row = material(screen)
    expect(row.locator('[data-field="state"]')).to_contain_text("未保存名称")
    row.get_by_label("材料名称").fill(name)
    row.get_by_role("button", name="保存名称").click()
    expect(row.locator('[data-field="state"]')).to_have_text("已保存，尚未上传图片。")
    return row


def upload(row: Locator, payload: dict[str, object]) -> None:
    row.get_by_label("选择图片").set_input_files(payload)  # type: ignore[arg-type]
    row.get_by_role("button", name="上传").click()


def expect_uploaded(row: Locator) -> None:
    expect(row.locator('[data-field="state"]')).to_contain_text("已上传")
    preview = row.locator("img.preview")
    expect(preview).to_be_visible()
    row.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
