"""The completion certificate (签署完成证明): what the filing seal attests, on a page of its own in
the contract's faces. It prints the facts the sealer gathered (``CompletionFacts``), already
masked and formatted, and adds nothing of its own but the labels.

The page has no page number: it is appended to the signed contract as its last page, where a
"第 1 页 共 1 页" would be wrong.
"""

from __future__ import annotations

from typing import Final

from backend.evidence.certificate_facts import CompletionFacts, SignerFacts
from backend.evidence.pdf_fonts import SANS, SERIF
from backend.evidence.pdf_pages import LEFT, MM_PER_PT, PAGE_W, RIGHT, TEXT_W, Pages, pages_for

TITLE: Final = "签署完成证明"
TITLE_PT: Final = 18.0
HEADING_PT: Final = 11.5
TEXT_PT: Final = 10.0
SMALL_PT: Final = 9.0
EM: Final = TEXT_PT * MM_PER_PT


def _summary(facts: CompletionFacts) -> list[str]:
    return [
        f"合同编号：{facts.contract_number}",
        f"签署订单：{facts.order_id}",
        f"备案完成时间：{facts.filed_at}",
        f"合同文本摘要（SHA-256）：{facts.document_sha256}",
        f"平台印章证书序列号：{facts.seal_certificate_serial}",
    ]


def _signer_head(i: int, s: SignerFacts) -> str:
    return f"{i}. {s.role_label}  {s.masked_name}  证件号码：{s.masked_id_number}"


def _signer_lines(s: SignerFacts) -> list[str]:
    checks = "、".join(s.checks_passed) or "无"
    return [f"已通过核验：{checks}", f"事件证书序列号：{s.certificate_serial}"]


def _steps(s: SignerFacts) -> list[str]:
    return [f"{label} {time}" for label, time in s.step_times]


INTRO: Final = (
    "本证明记载下列合同的电子签署过程。各签署人在完成身份核验后以各自的事件证书签署合同，"
    "平台在备案完成时加盖印章并加盖时间戳。"
)


def _texts(facts: CompletionFacts) -> tuple[list[str], list[str]]:
    """The lines set in the sans face and those set in the serif, for cutting the fonts down."""
    sans = [TITLE, "一、签署人", "二、验证方法"]
    serif = [INTRO, *_summary(facts), *facts.how_to_verify]
    for i, s in enumerate(facts.signers, 1):
        sans.append(_signer_head(i, s))
        serif += _signer_lines(s) + _steps(s)
    return sans, serif


def _heading(pages: Pages, text: str) -> None:
    pages.use(SANS, HEADING_PT)
    pages.ensure(pages.line_height() * 3)
    pages.cursor += 2
    pages.paragraph(text)


def _signer(pages: Pages, i: int, s: SignerFacts) -> None:
    steps = _steps(s)
    pages.use(SERIF, SMALL_PT)
    # one signer's block stays on one page
    pages.ensure(pages.line_height() * (3 + (len(steps) + 1) // 2) + 2)
    pages.cursor += 1
    pages.use(SANS, TEXT_PT)
    pages.paragraph(_signer_head(i, s))
    pages.use(SERIF, SMALL_PT)
    for line in _signer_lines(s):
        pages.paragraph(line, first_indent=2 * EM, indent=4 * EM)
    half = (TEXT_W - 2 * EM) / 2
    for row in range(0, len(steps), 2):  # the steps two to a line, in order
        y = pages.cursor
        for col, step in enumerate(steps[row : row + 2]):
            pages.cursor = y
            pages.put(step, LEFT + 2 * EM + col * half, width=half)


def draw_certificate(facts: CompletionFacts) -> bytes:
    sans, serif = _texts(facts)
    with pages_for(TITLE, {SANS: sans, SERIF: serif}, numbered=False) as pages:
        pages.set_subject(f"{TITLE} {facts.contract_number} SHA-256 {facts.document_sha256}")
        pages.ensure(0)
        pages.use(SANS, TITLE_PT)
        pages.paragraph(TITLE, align="C")
        pages.cursor += 1
        pages.set_line_width(0.3)
        pages.line(LEFT, pages.cursor, PAGE_W - RIGHT, pages.cursor)
        pages.cursor += 4
        pages.use(SERIF, TEXT_PT)
        pages.paragraph(INTRO, first_indent=2 * EM)
        pages.cursor += 1
        for line in _summary(facts):
            pages.paragraph(line)
        _heading(pages, "一、签署人")
        for i, signer in enumerate(facts.signers, 1):
            _signer(pages, i, signer)
        _heading(pages, "二、验证方法")
        pages.use(SERIF, TEXT_PT)
        for line in facts.how_to_verify:
            pages.paragraph(line, first_indent=2 * EM)
        return pages.pdf_bytes()
