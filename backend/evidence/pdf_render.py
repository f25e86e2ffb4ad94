"""The contract as a PDF, and the completion certificate (签署完成证明) as a page of its own.

The contract PDF prints the very text the parties reviewed, the document whose SHA-256 the order
fixes, and nothing else but page numbers: the layout is read off the lines the text already has
(``signing_flow.documents``): the first line is the title, centred and larger; the contract
number stands at the right; articles (第一条 …), the parties' headings, the annexes and 注意事项
are set in the sans face (the 黑体 of printed contracts) with the body in the serif (宋体);
paragraphs open with a two-character indent and lines the text indents stay indented; an empty
line is a half-line gap. Every page has "第 N 页 共 M 页" at its foot.

The text itself is attached to the PDF as ``document.txt``, byte for byte, so that whoever holds
the PDF can check its SHA-256 against the order's without trusting a text extraction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import Final

from backend.evidence.certificate_facts import CompletionFacts
from backend.evidence.pdf_certificate import draw_certificate
from backend.evidence.pdf_fonts import SANS, SERIF, Face
from backend.evidence.pdf_pages import BODY_PT, FIXED_DATE, MM_PER_PT, Pages, pages_for
from signing_flow.contract_text import INDENT
from signing_flow.documents import sha256_hex

TITLE_PT: Final = 18.0  # 小二
HEADING_PT: Final = 12.0  # 小四
EM: Final = BODY_PT * MM_PER_PT
ATTACHMENT_NAME: Final = "document.txt"

_NUMERAL: Final = "〇零一二三四五六七八九十百"
_ARTICLE: Final = re.compile(rf"^第[{_NUMERAL}]+条\s")
_ANNEX: Final = re.compile(rf"^附件[{_NUMERAL}]+《.*》$")
_LABELS: Final = frozenset({"出卖人（甲方）：", "买受人（乙方）：", "注意事项"})


class Kind(Enum):
    TITLE = "title"
    NUMBER = "number"
    GAP = "gap"
    HEADING = "heading"
    ITEM = "item"  # a line the text indents: an item under a clause, a party
    PARAGRAPH = "paragraph"


def kind_of(index: int, line: str) -> Kind:
    if index == 0 and line.strip():
        return Kind.TITLE
    if index == 1 and line.startswith("合同编号："):
        return Kind.NUMBER
    if not line.strip():
        return Kind.GAP
    if _ARTICLE.match(line) or _ANNEX.match(line) or line in _LABELS:
        return Kind.HEADING
    if line.startswith(INDENT):
        return Kind.ITEM
    return Kind.PARAGRAPH


def _lines(document_text: str) -> Iterator[tuple[Kind, str]]:
    for i, line in enumerate(document_text.removesuffix("\n").split("\n")):
        yield kind_of(i, line), line


def _face(kind: Kind) -> Face:
    return SANS if kind in (Kind.TITLE, Kind.HEADING) else SERIF


def _draw_contract(pages: Pages, lines: list[tuple[Kind, str]]) -> None:
    pages.ensure(0)
    for kind, line in lines:
        if kind is Kind.TITLE:
            pages.use(SANS, TITLE_PT)
            pages.paragraph(line.strip(), align="C")
            pages.cursor += 3
        elif kind is Kind.NUMBER:
            pages.use(SERIF, BODY_PT)
            pages.paragraph(line, align="R")
        elif kind is Kind.GAP:
            pages.use(SERIF, BODY_PT)
            pages.skip(pages.line_height() / 2)
        elif kind is Kind.HEADING:
            pages.use(SERIF, BODY_PT)
            body = pages.line_height()
            pages.use(SANS, HEADING_PT)
            # a heading is not left alone at the foot of a page: two lines of body go with it
            pages.ensure(pages.line_height() + 2 * body)
            pages.paragraph(line)
        elif kind is Kind.ITEM:
            pages.use(SERIF, BODY_PT)
            pages.paragraph(line.strip(), first_indent=4 * EM, indent=4 * EM)
        else:
            pages.use(SERIF, BODY_PT)
            pages.paragraph(line, first_indent=2 * EM)


def render_contract_pdf(document_text: str) -> bytes:
    """The contract PDF: ``document_text`` laid out on A4, with the text attached as is."""
    lines = list(_lines(document_text))
    title = next((line.strip() for kind, line in lines if kind is Kind.TITLE), "合同")
    faces: dict[Face, list[str]] = {SANS: [], SERIF: []}
    for kind, line in lines:
        faces[_face(kind)].append(line)
    with pages_for(title, faces) as pages:
        pages.set_subject(f"SHA-256 {sha256_hex(document_text)}")
        _draw_contract(pages, lines)
        if document_text:  # fpdf2 attaches no empty file
            _attach(pages, document_text)
        return pages.pdf_bytes()


def _attach(pages: Pages, document_text: str) -> None:
    pages.embed_file(
        bytes=document_text.encode(),
        basename=ATTACHMENT_NAME,
        desc="双方审阅并签署的合同文本（UTF-8）",
        mime_type="text/plain",
        creation_date=FIXED_DATE,
        modification_date=FIXED_DATE,
        compress=True,
    )


def render_completion_certificate(facts: CompletionFacts) -> bytes:
    """签署完成证明: a page of its own (more for many parties), without page numbers, to be
    appended to the signed contract as its last page."""
    return draw_certificate(facts)
