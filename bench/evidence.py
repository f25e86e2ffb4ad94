"""The evidence part (``--only evidence``): CPU per party signature and per filing seal, and the
size of the demo contract's PDF signed by its four parties and sealed (DESIGN §10: at most
150 ms CPU per party signature, at most 300 KB for the four-party PDF). Pure CPU, no store: the
store's write of the PDF is one compare-and-set like any other."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from backend.evidence import pdf_signing
from backend.evidence.authority import event_binding, issue_event_certificate, load_authority
from backend.evidence.certificate_facts import CompletionFacts, SignerFacts
from backend.evidence.facts import HOW_TO_VERIFY
from backend.evidence.pdf_render import render_completion_certificate, render_contract_pdf
from bench.sweep_data import make_templates
from signing_flow.codec import from_doc
from signing_flow.models import Contract

TARGET_SIGNATURE_MS = 150
TARGET_PDF_KB = 300


def _cpu_ms(run: Any) -> tuple[float, Any]:
    started = time.process_time()
    out = run()
    return (time.process_time() - started) * 1000, out


def measure(rounds: int) -> dict[str, Any]:
    template = asyncio.run(make_templates())["signing"]
    contract = from_doc(Contract, json.loads(template.body))
    order = contract.orders[-1]
    authority = load_authority(tempfile.mkdtemp(prefix="wangqian-bench-keys-"))
    render_ms, sign_ms, seal_ms, certificate_ms, sizes = [], [], [], [], []
    for _ in range(rounds):
        ms, pdf = _cpu_ms(
            lambda: pdf_signing.prepare(render_contract_pdf(order.document), order.document)
        )
        render_ms.append(ms)
        for party in order.parties:
            at = datetime.now(UTC)

            def sign(pdf: bytes = pdf, party: Any = party, at: datetime = at) -> bytes:
                event = issue_event_certificate(
                    authority.ca,
                    name=party.name,
                    id_number=party.id_number,
                    id_secret=authority.id_secret,
                    binding=event_binding(order.id, party.party_id, party.role.value, "0" * 64),
                    role_label=party.role.value,
                    at=at,
                )
                return pdf_signing.sign_for_party(
                    pdf, authority, event, field_name=f"party_{party.party_id}", reason="", at=at
                )

            ms, pdf = _cpu_ms(sign)
            sign_ms.append(ms)
        facts = CompletionFacts(
            contract_number=contract.number,
            order_id=order.id,
            document_sha256=order.document_sha256,
            signers=tuple(
                SignerFacts(p.role.value, p.name[:1] + "*", "442***1234", (), (), "ab" * 8)
                for p in order.parties
            ),
            filed_at="2026-11-25 10:00:00",
            seal_certificate_serial="cd" * 8,
            how_to_verify=HOW_TO_VERIFY,
        )
        ms, certificate = _cpu_ms(lambda facts=facts: render_completion_certificate(facts))
        certificate_ms.append(ms)
        ms, pdf = _cpu_ms(
            lambda pdf=pdf, certificate=certificate: pdf_signing.seal(
                pdf, authority, certificate, datetime.now(UTC)
            )
        )
        seal_ms.append(ms)
        sizes.append(len(pdf))
    return {
        "part": "evidence",
        "parties": len(order.parties),
        "rounds": rounds,
        "render_ms": statistics.median(render_ms),
        "signature_ms": statistics.median(sign_ms),
        "signature_ms_max": max(sign_ms),
        "certificate_ms": statistics.median(certificate_ms),
        "seal_ms": statistics.median(seal_ms),
        "pdf_kb": max(sizes) / 1000,
    }


def run(rounds: int) -> list[dict[str, Any]]:
    return [measure(rounds)]


def table(row: dict[str, Any]) -> str:
    sig_ok = "met" if row["signature_ms"] <= TARGET_SIGNATURE_MS else "MISSED"
    size_ok = "met" if row["pdf_kb"] <= TARGET_PDF_KB else "MISSED"
    return "\n".join(
        [
            f"\nEvidence (PAdES), {row['parties']} parties, median of {row['rounds']} rounds, CPU",
            f"  render + prepare the PDF      {row['render_ms']:8.1f} ms",
            f"  one party's signature         {row['signature_ms']:8.1f} ms"
            f" (max {row['signature_ms_max']:.1f}; target ≤ {TARGET_SIGNATURE_MS}: {sig_ok})",
            f"  completion certificate render {row['certificate_ms']:8.1f} ms",
            f"  filing seal + doc timestamp   {row['seal_ms']:8.1f} ms",
            f"  PDF size, sealed              {row['pdf_kb']:8.1f} KB"
            f" (target ≤ {TARGET_PDF_KB}: {size_ok})",
        ]
    )
