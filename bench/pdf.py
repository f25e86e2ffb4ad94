"""The pdf part: the contract PDF of the four-party demo contract (two sellers, two buyers) and
its completion certificate, rendered in this process as the evidence sealer renders them.

Reported: the bytes of each (the issue's target is at most 300 KB for the four-party PDF once
signed; this is the share before any signature), the pages, and the CPU and wall time of one
render (the median of ``renders``, after the warm-up: reading, or the first time on a machine
building, each face's GB 2312 cut, ``pdf_font_cache``; reported apart as ``warmup_cpu_ms``). The same text must give the same bytes every time: a run that does not fails.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

from backend.evidence.pdf_font_cache import common_face
from backend.evidence.pdf_fonts import SANS, SERIF
from backend.evidence.pdf_render import render_completion_certificate, render_contract_pdf
from tests.unit.pdf_fixtures import FOUR_PARTIES, completion_facts, demo_text

TARGET_BYTES = 300 * 1024


def _timed(fn: Any, renders: int) -> tuple[bytes, float, float]:
    cpu: list[float] = []
    wall: list[float] = []
    outputs: set[bytes] = set()
    for _ in range(renders):
        c0, w0 = time.process_time(), time.perf_counter()
        outputs.add(fn())
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    if len(outputs) != 1:
        raise AssertionError("the same input rendered to different bytes")
    return outputs.pop(), statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def run(renders: int) -> list[dict[str, Any]]:
    text = demo_text(FOUR_PARTIES)
    c0 = time.process_time()
    for face in (SERIF, SANS):
        common_face(face.path)
    warmup = (time.process_time() - c0) * 1000
    contract, contract_cpu, contract_wall = _timed(lambda: render_contract_pdf(text), renders)
    facts = completion_facts()
    certificate, cert_cpu, cert_wall = _timed(lambda: render_completion_certificate(facts), renders)
    return [
        {
            "part": "pdf",
            "store": "-",
            "renders": renders,
            "warmup_cpu_ms": warmup,
            "document_chars": len(text),
            "contract_bytes": len(contract),
            "contract_pages": len(re.findall(rb"/Type\s*/Page(?![s\w])", contract)),
            "contract_cpu_ms": contract_cpu,
            "contract_wall_ms": contract_wall,
            "certificate_bytes": len(certificate),
            "certificate_cpu_ms": cert_cpu,
            "certificate_wall_ms": cert_wall,
            "unsigned_bytes": len(contract) + len(certificate),
            "target_bytes": TARGET_BYTES,
        }
    ]
