"""An agency's admin in the console (guide §1.2), in Debian's Chromium at a desk: the first
login, the enterprise information with every field problem shown at once by its field, the
materials (one image refused for its size and one for its bytes before any upload, the API's
own refusal shown after one), the submission with a comment, the center's rejection and its
reason, the correction, and the approval."""

from __future__ import annotations

from datetime import timedelta

from tests.browser.agent import need_browser
from tests.e2e.conftest import Server

need_browser()

from playwright.sync_api import Browser, Request, expect  # noqa: E402

from tests.browser.admin import (  # noqa: E402
    NOT_AN_IMAGE_WE_TAKE,
    TOO_LARGE,
    add_named,
    expect_uploaded,
    file,
    material,
    png,
    staff,
    today,
    upload,
)
from tests.browser.desk import Desk  # noqa: E402

NAME = "中山市安居房地产代理有限公司"
USCC = "91442000MA4X7B2C35"


def test_an_agency_fills_its_information_uploads_is_rejected_fixes_it_and_is_approved(
    browser: Browser, server: Server
) -> None:
    center = staff(server.base_url)
    opened = center.expect(
        "POST", "/api/v1/agencies", {"name": NAME, "filing_no": "ZSJJ-2026-0101"}, 201
    )
    agency_id = opened["agency"]["id"]
    desk = Desk(browser, server.base_url)
    page = desk.page
    uploads: list[Request] = []
    page.on(
        "request",
        lambda r: uploads.append(r) if r.method == "PUT" and r.url.endswith("/file") else None,
    )

    # first login with 123456, then the information check is the admin's home
    desk.login(NAME, "123456")
    desk.on("password")
    page.get_by_label("原密码").fill("123456")
    page.get_by_label("新密码", exact=True).fill("Anju2026admin")
    page.get_by_label("再次输入新密码").fill("Anju2026admin")
    page.get_by_role("button", name="修改密码").click()
    screen = desk.on("agency")
    expect(page.locator("#agency-status")).to_have_text("待完善企业信息")
    expect(screen.get_by_label("企业名称（按营业执照）*")).to_have_value(NAME)

    # three problems at once, each by its field
    too_far = today() + timedelta(days=3 * 365)
    screen.get_by_label("统一社会信用代码 *").fill("91442000MA4X7B2C30")
    screen.get_by_label("住所 *").fill("中山市东区中山四路 1 号")
    screen.get_by_label("营业期限（止）*").fill(too_far.isoformat())
    screen.get_by_role("button", name="保存企业信息").click()
    for path in ("uscc", "legal_representative", "business_term_to"):
        expect(desk.problem(path)).to_be_visible()
    expect(desk.problem("business_term_to")).to_contain_text("不能超过今起 2 年")
    expect(desk.problem("legal_representative")).to_have_text("必填")
    expect(desk.problem("uscc")).to_have_text("统一社会信用代码有误")
    expect(page.locator("#agency-message")).to_have_text("3 个字段有误")
    desk.shot("agency-01-info-errors")

    valid_to = today() + timedelta(days=365)
    screen.get_by_label("统一社会信用代码 *").fill(USCC)
    screen.get_by_label("法定代表人 *").fill("林安居")
    screen.get_by_label("营业期限（起）").fill("2020-03-01")
    screen.get_by_label("营业期限（止）*").fill(valid_to.isoformat())
    screen.get_by_role("button", name="保存企业信息").click()
    expect(page.locator("#notice")).to_have_text("企业信息已保存。")
    expect(screen.locator(".field-error")).to_have_count(0)
    # without a certificate the qualification's validity is the business term's: the field is
    # left empty, so that a changed term saves (a refilled old date would be refused)
    expect(screen.get_by_label("资质有效期")).to_have_value("")
    screen.get_by_label("营业期限（止）*").fill((valid_to + timedelta(days=30)).isoformat())
    with page.expect_response(lambda r: r.url.endswith("/info")) as saved:
        screen.get_by_role("button", name="保存企业信息").click()
    assert saved.value.status == 200, saved.value.text()
    expect(screen.locator(".field-error")).to_have_count(0)

    # the API's refusal after an upload: a material not named and saved takes no image
    box = page.locator("#agency-materials")
    screen.get_by_role("button", name="添加材料").click()
    unnamed = material(box)
    upload(unnamed, file("license.png", png()))
    expect(unnamed.locator('[data-field="error"]')).to_contain_text(
        "添加材料后要改材料名称并保存否则无法上传"
    )
    assert len(uploads) == 1
    unnamed.get_by_role("button", name="删除材料").click()
    expect(box.locator("li.material-item")).to_have_count(0)

    # refused here, before any upload: too large, then a GIF named .png
    row = add_named(desk, screen, "营业执照")
    upload(row, file("big.png", TOO_LARGE))
    expect(row.locator('[data-field="error"]')).to_contain_text("文件大小不能超过 500K")
    desk.shot("agency-02-too-large")
    upload(row, NOT_AN_IMAGE_WE_TAKE)
    expect(row.locator('[data-field="error"]')).to_contain_text("只接受 JPEG、PNG 文件")
    desk.shot("agency-03-not-an-image")
    assert len(uploads) == 1, [r.url for r in uploads]
    upload(row, file("license.png", png()))
    expect_uploaded(row)
    expect(row.locator('[data-field="error"]')).to_be_hidden()

    # submit: the comment is required, then 已提交，待审核 and nothing is editable
    screen.get_by_role("button", name="提交审核").click()
    expect(desk.problem("comment")).to_have_text("提交意见为必填")
    screen.get_by_label("提交意见 *").fill("申请开通中介机构网签账号")
    screen.get_by_role("button", name="提交审核").click()
    expect(page.locator("#agency-status")).to_have_text("已提交，待审核")
    expect(screen.get_by_role("button", name="保存企业信息")).to_be_hidden()
    expect(screen.get_by_role("button", name="添加材料")).to_be_hidden()
    desk.shot("agency-04-submitted")

    # the center rejects (its screens are tested apart); the admin reads why
    center.expect("POST", f"/api/v1/agencies/{agency_id}/reject", {"reason": "营业执照图片不清晰"})
    page.reload()
    desk.on("agency")
    expect(page.locator("#agency-status")).to_have_text("审核不通过")
    review = page.locator("#agency-review")
    expect(review).to_contain_text("审核结果：审核不通过")
    expect(review).to_contain_text("审核意见：营业执照图片不清晰")
    expect(page.locator("#agency-history tbody tr").first).to_contain_text("营业执照图片不清晰")
    desk.shot("agency-05-rejected")

    # the fix: a clearer image replaces the old one; submitted again, and approved
    row = material(box)
    upload(row, file("license-clear.jpg", png((20, 20, 20), "JPEG"), "image/jpeg"))
    expect(row.locator('[data-field="state"]')).to_contain_text("已上传 JPEG 图片")
    screen.get_by_label("提交意见 *").fill("已重新上传清晰的营业执照")
    screen.get_by_role("button", name="提交审核").click()
    expect(page.locator("#agency-status")).to_have_text("已提交，待审核")
    center.expect("POST", f"/api/v1/agencies/{agency_id}/approve", {"reason": "材料齐全"})
    page.reload()
    desk.on("agency")
    expect(page.locator("#agency-status")).to_have_text("审核通过")
    expect(review).to_contain_text("审核意见：材料齐全")
    expect(screen.get_by_label("提交意见 *")).to_be_hidden()
    desk.shot("agency-06-approved")
    desk.close()
