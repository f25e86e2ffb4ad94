"""How the phone page is built, checked in the browser: what the first screen costs, phone
widths and large fonts, the camera, plain http on an office network, labels, focus and contrast."""

from __future__ import annotations

from typing import Any

from tests.browser.agent import AgentApi, need_browser, person

need_browser()

from playwright.sync_api import Browser, Page, Request, Route, expect  # noqa: E402

from tests.browser.harness import Phone  # noqa: E402

FIRST_SCREEN_BUDGET = 60_000  # bytes, uncompressed, fonts excluded (DESIGN §10)


def transferred(page: Page, into: list[dict[str, Any]]) -> None:
    def finished(request: Any) -> None:
        sizes = request.sizes()
        into.append(
            {
                "url": request.url,
                "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
            }
        )

    page.on("requestfinished", finished)


def test_the_first_screen_transfers_at_most_60_kb(browser: Browser, agent: AgentApi) -> None:
    order = agent.signing_order("prop-joint", buyers=2)
    phone = Phone(browser)
    seen: list[dict[str, Any]] = []
    transferred(phone.page, seen)
    phone.open(agent.qr_link(order["id"], "s1"))
    phone.on("review")
    expect(phone.page.locator("#document")).not_to_be_empty()
    phone.page.wait_for_load_state("networkidle")

    first = [r for r in seen if not r["url"].endswith("/mp/v1/order")]  # later: keeping current
    report = ", ".join(f"{r['url'].split('/', 3)[3]} {r['bytes']}" for r in first)
    kinds = sorted(r["url"].split("/", 3)[3].split("?")[0].rsplit(".", 1)[-1] for r in first)
    assert kinds == ["css", "js", "mp/scan", "mp/v1/document", "mp/v1/sessions"], report
    total = sum(r["bytes"] for r in first)
    print(f"first screen: {total} bytes ({report})")
    assert total <= FIRST_SCREEN_BUDGET, report


def test_a_long_contract_is_read_to_its_end_before_it_can_be_marked_read(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = Phone(browser)

    def long(route: Route, request: Request) -> None:
        answer = route.fetch()
        body = answer.json()
        articles = [f"第{n}条 双方约定的第 {n} 项内容，逐字阅读。" * 3 for n in range(1, 301)]
        body["text"] = "\n".join([body["text"], *articles, "（以下无正文）"])
        route.fulfill(response=answer, json=body)

    phone.page.route("**/mp/v1/document", long)
    phone.open(agent.qr_link(order["id"], "s1"))
    phone.on("review")
    read = phone.page.get_by_role("button", name="已阅读")
    expect(phone.page.locator("#document")).to_contain_text("（以下无正文）")
    for part in ("第100条", "第299条"):
        phone.page.get_by_text(part, exact=False).first.scroll_into_view_if_needed()
        expect(read).to_be_disabled()
        expect(phone.page.locator("#review-gate")).to_have_text("尚未阅读至合同末尾")
    phone.page.mouse.wheel(0, 100_000)
    expect(read).to_be_enabled()
    expect(phone.page.locator("#review-gate")).to_have_text("已阅读至合同末尾")


def test_the_page_fits_phones_from_320_to_430_px_at_large_font_sizes(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = Phone(browser).open(agent.qr_link(order["id"], "b1"))
    page = phone.page

    def fits(screen: str) -> None:
        phone.on(screen)
        for width in (320, 375, 430):
            page.set_viewport_size({"width": width, "height": 700})
            for scale in ("100%", "200%"):  # the phone's own font size, up to twice as large
                page.evaluate(f"document.documentElement.style.fontSize = '{scale}'")
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert overflow <= 0, (screen, width, scale, overflow)
                for button in page.locator(f"#screen-{screen} button:visible").all():
                    box = button.bounding_box()
                    assert box is not None and box["height"] >= 44, (screen, width, scale)
        page.evaluate("document.documentElement.style.fontSize = ''")
        page.set_viewport_size({"width": 390, "height": 844})

    fits("review")
    phone.review()
    fits("confirm")
    phone.confirm()
    fits("police")
    phone.verify_identity(*person(order, "b1"))
    fits("face")
    phone.authorize()
    fits("done")


def test_the_camera_is_shown_live_where_the_browser_grants_it(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = Phone(browser, permissions=["camera"]).open(agent.qr_link(order["id"], "s1"))
    phone.review()
    phone.confirm()
    phone.verify_identity(*person(order, "s1"))
    phone.on("face")

    video = phone.page.locator("#camera-video")
    expect(video).to_be_visible()
    phone.page.wait_for_function(
        "() => document.getElementById('camera-video').videoWidth > 0"
    )  # frames from the (fake) camera
    expect(phone.page.locator("#camera-status")).to_contain_text("摄像头已开启")
    phone.authorize()  # the sandbox still decides on the sample
    phone.on("done")
    assert phone.page.evaluate("document.getElementById('camera-video').srcObject") is None


def test_on_plain_http_without_web_crypto_the_page_hashes_what_it_shows(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    link = agent.qr_link(order["id"], "s1").replace("127.0.0.1", "phone.test")
    phone = Phone(browser).open(link)  # a phone on the office network: no secure context
    phone.on("review")
    assert phone.page.evaluate("isSecureContext") is False
    assert phone.page.evaluate("typeof crypto.subtle") == "undefined"
    expect(phone.page.locator("#camera-button")).to_be_hidden()

    phone.review()  # the page's own SHA-256 matched the order's
    phone.confirm()
    phone.verify_identity(*person(order, "s1"))
    phone.on("face")
    phone.authorize()
    phone.on("done")


CONTRAST = """(selectors) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  return selectors.map((s) => {
    const el = document.querySelector(s);
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    return [s, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""
TEXTS = [
    "body",
    ".brand",
    ".steps li",
    ".summary dt",
    ".hint",
    ".notice.error",
    ".notice.ok",
    "button.primary",
    "button.decline",
    "button.secondary",
    ".field-error",
    ".others .step",
]


def test_every_field_is_labelled_focus_follows_the_form_and_text_has_contrast(
    browser: Browser, agent: AgentApi
) -> None:
    order = agent.signing_order()
    phone = Phone(browser).open(agent.qr_link(order["id"], "s1"))
    page = phone.page
    phone.on("review")
    for s, ratio in page.evaluate(CONTRAST, TEXTS):
        assert ratio >= 4.5, (s, ratio)  # WCAG AA for body text
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, textarea, button, video')]"
        ".filter((el) => !(el.labels?.length || el.getAttribute('aria-label')"
        " || el.textContent.trim())).map((el) => el.outerHTML)"
    )
    assert unlabelled == []
    expect(page.get_by_role("heading", level=1)).to_be_focused()  # the screen's title

    phone.review()
    phone.confirm()
    page.get_by_label("姓名").focus()
    order_of_focus = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order_of_focus.append(
            page.evaluate("document.activeElement.textContent || document.activeElement.id")
        )
    assert order_of_focus == ["police-id", "提交认证", "拒绝签署"]
