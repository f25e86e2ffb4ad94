"""Throwaway renderer until the pdf branch's lands (its file wins at merge): a minimal PDF of the
text with a core font, enough for the signing and the bundle to be built and tested."""

from __future__ import annotations

from fpdf import FPDF

from backend.evidence.certificate_facts import CompletionFacts


def _pdf(lines: list[str]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    for line in lines:
        text = line.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, text or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_contract_pdf(document_text: str) -> bytes:
    return _pdf(document_text.splitlines())


def render_completion_certificate(facts: CompletionFacts) -> bytes:
    lines = [
        "Completion certificate",
        facts.contract_number,
        facts.order_id,
        facts.document_sha256,
        facts.filed_at,
    ]
    lines += [f"{s.role_label} {s.masked_name} {s.certificate_serial}" for s in facts.signers]
    return _pdf(lines + list(facts.how_to_verify))
