"""The contract PDF and the completion certificate, read back with poppler-utils.

The contract PDF's text is compared with the reviewed document after ``poppler.normalised``:
all whitespace removed on both sides and the page numbers dropped from the PDF's side, so line
breaks, indents and column padding do not count, and every character, in order, does.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from backend.evidence import pdf_font_cache as font_cache
from backend.evidence.pdf_font_cache import common_characters
from backend.evidence.pdf_fonts import SANS, SERIF
from backend.evidence.pdf_pages import pages_for
from backend.evidence.pdf_render import (
    ATTACHMENT_NAME,
    Kind,
    kind_of,
    render_completion_certificate,
    render_contract_pdf,
)
from signing_flow.documents import WAIVER_STATEMENT
from tests.unit import poppler
from tests.unit.pdf_fixtures import (
    FOUR_PARTIES,
    GOLDEN,
    WAIVER,
    completion_facts,
    demo_text,
    four_parties,
    masked_name,
)

poppler.need_poppler()

PICTURES = Path(__file__).resolve().parents[2] / "docs" / "images"

DEMOS = sorted(p.name for p in GOLDEN.glob("demo_*.txt"))


@cache
def contract_pdf(name: str) -> bytes:
    return render_contract_pdf(demo_text(name))


@cache
def certificate_pdf() -> bytes:
    return render_completion_certificate(completion_facts())


@pytest.mark.parametrize("name", DEMOS)
def test_each_demo_contract_pdf_extracts_to_the_document_the_parties_reviewed(name: str) -> None:
    text = poppler.text_of(contract_pdf(name))
    assert poppler.normalised(text) == poppler.normalised(demo_text(name))


def test_the_waiver_statement_is_in_the_pdf_of_a_contract_without_fund_supervision() -> None:
    assert "".join(WAIVER_STATEMENT.split()) in poppler.normalised(
        poppler.text_of(contract_pdf(WAIVER))
    )


def test_the_cjk_faces_are_embedded_as_subsets_with_a_unicode_map() -> None:
    fonts = poppler.fonts_of(contract_pdf(FOUR_PARTIES))
    assert sorted(f["name"].split("+")[1] for f in fonts) == ["NotoSansSC", "NotoSerifSC"]
    for font in fonts:
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font["row"]


def test_the_same_document_renders_to_the_same_bytes() -> None:
    assert render_contract_pdf(demo_text(FOUR_PARTIES)) == contract_pdf(FOUR_PARTIES)


def test_the_pdf_carries_the_reviewed_text_byte_for_byte() -> None:
    attached = poppler.attachments_of(contract_pdf(FOUR_PARTIES))
    assert attached == {ATTACHMENT_NAME: demo_text(FOUR_PARTIES).encode()}


def test_every_page_says_which_page_of_how_many_it_is() -> None:
    pdf = contract_pdf(FOUR_PARTIES)
    pages = poppler.page_count(pdf)
    assert pages >= 2
    for n in range(1, pages + 1):
        page = poppler.text_of(pdf, first=n, last=n)
        assert f"第{n}页共{pages}页" in "".join(page.split())


def test_the_title_and_the_number_open_the_first_page() -> None:
    lines = [line.strip() for line in poppler.text_of(contract_pdf(FOUR_PARTIES)).splitlines()]
    assert [line for line in lines if line][:2] == [
        "广东省存量房买卖合同（中山市）",
        "合同编号：CL20260000001",
    ]


def test_the_four_party_demo_contract_leaves_room_for_its_signatures_under_300_kb() -> None:
    # The budget is 300 KB for the signed PDF; four signatures, the seal, the
    # timestamp and the completion page take their share of it (bench/ measures the whole).
    assert len(contract_pdf(FOUR_PARTIES)) <= 200_000


def test_a_cancellation_statement_renders_with_its_own_title() -> None:
    text = demo_text(FOUR_PARTIES)
    number = text.splitlines()[1]
    statement = "\n".join(
        ["存量房买卖合同网签备案注销申请", number, "", "注销原因：买卖双方协商解除。"]
    )
    pdf = render_contract_pdf(statement + "\n")
    extracted = poppler.text_of(pdf)
    assert poppler.normalised(extracted) == poppler.normalised(statement)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("第一条 房屋基本情况", Kind.HEADING),
        ("第十三条 附件", Kind.HEADING),
        ("附件一《室内设施设备及家具家电清单》", Kind.HEADING),
        ("出卖人（甲方）：", Kind.HEADING),
        ("注意事项", Kind.HEADING),
        ("  1. 李娜，居民身份证号码：442***********2461。", Kind.ITEM),
        ("（一）房屋坐落：中山市东区博爱六路 22 号。", Kind.PARAGRAPH),
        ("第一条款另有约定的除外。", Kind.PARAGRAPH),
        ("", Kind.GAP),
    ],
)
def test_the_layout_reads_headings_items_and_paragraphs_off_the_text(line: str, kind: Kind) -> None:
    assert kind_of(5, line) is kind


def test_the_first_line_is_the_title_and_the_second_the_number() -> None:
    assert kind_of(0, "广东省存量房买卖合同（中山市）") is Kind.TITLE
    assert kind_of(1, "合同编号：CL20260000001") is Kind.NUMBER


def wrapped(text: str, width: float) -> list[str]:
    with pages_for("t", {SANS: [], SERIF: [text]}) as pages:
        pages.use(SERIF, 10.5)
        return pages.wrap(text, width, width)


def test_a_closing_mark_never_starts_a_line_and_an_opening_one_never_ends_one() -> None:
    text = "甲乙双方约定（见附件一《清单》），乙方应于交付日前付清。" * 6
    for width in (30.0, 31.0, 32.5, 47.0, 60.0):
        lines = wrapped(text, width)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "，。、；：）》", (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in "（《", (width, lines)


def test_a_number_is_not_split_across_lines_unless_it_is_longer_than_one() -> None:
    unit_no = "442000002003GB00012F00020305"
    lines = wrapped(f"不动产单元号：{unit_no}。" * 3, 80.0)
    assert sum(line.count(unit_no) for line in lines) == 3, lines
    long_run = "A" * 200
    assert "".join(wrapped(long_run, 40.0)) == long_run


def test_the_certificate_states_each_party_with_masked_name_and_id_never_the_full_id() -> None:
    text = poppler.text_of(certificate_pdf())
    flat = poppler.normalised(text)
    for role, name, id_number in four_parties():
        masked = id_number[:3] + "*" * 11 + id_number[-4:]
        assert f"{role}{masked_name(name)}证件号码：{masked}" in flat
        assert id_number not in flat
        assert name not in flat


def test_the_certificate_states_steps_checks_hash_serials_and_how_to_verify() -> None:
    facts = completion_facts()
    flat = poppler.normalised(poppler.text_of(certificate_pdf()))
    assert "签署完成证明" in flat
    for expected in (
        facts.contract_number,
        facts.order_id,
        facts.document_sha256,
        facts.seal_certificate_serial,
        "".join(facts.filed_at.split()),
        *("".join(line.split()) for line in facts.how_to_verify),
    ):
        assert expected in flat
    for signer in facts.signers:
        assert f"已通过核验：{'、'.join(signer.checks_passed)}" in flat
        assert signer.certificate_serial in flat
        for label, time in signer.step_times:
            assert label + "".join(time.split()) in flat


def ink_rows(png: Path) -> list[int]:
    """The pixel rows of a page picture with anything darker than light grey on them."""
    with Image.open(png) as opened:
        image = opened.convert("L")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    return [y for y in range(height) if any(pixels[x, y] < 160 for x in range(0, width, 2))]


@pytest.mark.parametrize(
    ("name", "render", "top_mm"),
    [
        ("evidence-contract-page1.png", lambda: contract_pdf(FOUR_PARTIES), 25.0),
        ("evidence-completion.png", certificate_pdf, 25.0),
    ],
)
def test_poppler_draws_the_first_page_starting_at_the_top_margin(
    name: str, render: object, top_mm: float, tmp_path: Path
) -> None:
    """With WANGQIAN_SCREENSHOTS=1 the pictures are kept for docs/evidence.md."""
    assert callable(render)
    png = tmp_path / name
    poppler.page_png(render(), 1, png, dpi=110)
    rows = ink_rows(png)
    with Image.open(png) as image:
        height = image.size[1]
    # the title's glyphs are the first ink, just under the top margin; the page is not blank
    assert rows and abs(rows[0] / height * 297 - top_mm) < 5, rows[:3]
    assert len(rows) > height / 4
    if os.environ.get("WANGQIAN_SCREENSHOTS") == "1":
        (PICTURES / name).write_bytes(png.read_bytes())


def test_the_certificate_of_four_parties_is_one_page_without_a_page_number() -> None:
    pdf = certificate_pdf()
    assert poppler.page_count(pdf) == 1
    assert "页" not in poppler.text_of(pdf)
    fonts = poppler.fonts_of(pdf)
    assert {(f["emb"], f["sub"], f["uni"]) for f in fonts} == {("yes", "yes", "yes")}


def test_without_poppler_the_pdf_tests_fail_when_ci_requires_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(poppler.shutil, "which", lambda tool: None)
    monkeypatch.setenv("WANGQIAN_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="poppler-utils"):
        poppler.need_poppler()
    monkeypatch.delenv("WANGQIAN_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="poppler-utils"):
        poppler.need_poppler()


def test_an_empty_document_still_renders_a_page() -> None:
    assert poppler.page_count(render_contract_pdf("")) == 1


def test_a_character_outside_the_common_set_is_set_from_the_full_face() -> None:
    rare = "龘"  # in Noto SC, not in GB 2312
    assert rare not in common_characters()
    text = f"合同\n合同编号：1\n出卖人{rare}先生与买受人约定如下。\n"
    pdf = render_contract_pdf(text)
    assert poppler.normalised(poppler.text_of(pdf)) == poppler.normalised(text)
    assert all(f["emb"] == "yes" for f in poppler.fonts_of(pdf))


def test_the_common_face_is_built_once_per_font_file_and_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(font_cache.CACHE_ENV, str(tmp_path))
    builds: list[Path] = []

    def build(path: Path) -> bytes:
        builds.append(path)
        return b"cut down " + path.name.encode()

    monkeypatch.setattr(font_cache, "_build", build)
    font_cache.common_face.cache_clear()
    try:
        assert font_cache.common_face(SERIF.path) == b"cut down " + SERIF.path.name.encode()
        font_cache.common_face.cache_clear()  # a new process: only the file remains
        assert font_cache.common_face(SERIF.path) == b"cut down " + SERIF.path.name.encode()
        font_cache.common_face(SANS.path)
    finally:
        font_cache.common_face.cache_clear()
    assert builds == [SERIF.path, SANS.path]
    assert len(list(tmp_path.glob("*.otf"))) == 2
    assert not list(tmp_path.glob("*.tmp"))
