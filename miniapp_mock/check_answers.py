"""What the sandbox police check (微警认证) and face recognition answer, input by input (DESIGN
§8; the table in docs/sandbox.md).

Plain data with no imports, so that ``miniapp_mock.providers`` answers from it and ``wangqian
simulate`` (which knows the HTTP API only) offers the same inputs in ``--fail``: a new sandbox
failure is one entry here and one row in docs/sandbox.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    code: str
    message: str  # for the party, Chinese first (English in brackets)
    # An outage is a 503 with Retry-After: the service did not answer, no attempt is used.
    outage: bool = False


# face sample → the answer; "match" passes, a sample not listed answers like "mismatch"
FACE_SAMPLES: dict[str, Answer | None] = {
    "match": None,
    "mismatch": Answer("FACE_MISMATCH", "人脸比对不通过 (face does not match)"),
    "no_liveness": Answer("LIVENESS_FAILED", "活体检测不通过 (liveness check failed)"),
    "timeout": Answer(
        "FACE_SERVICE_UNAVAILABLE", "人脸识别服务超时，请重试 (face service timed out; retry)", True
    ),
}
UNKNOWN_FACE_SAMPLE = "mismatch"


@dataclass(frozen=True)
class SandboxNumber:
    """ID numbers whose sequence digits (positions 15–17) make the police check misbehave."""

    sequence: str
    answer: Answer


# the name ``wangqian simulate --fail PARTY:police=NAME`` uses → the sandbox number
POLICE_NUMBERS: dict[str, SandboxNumber] = {
    "revoked": SandboxNumber("999", Answer("ID_REVOKED", "证件已失效 (this ID has been revoked)")),
    "unavailable": SandboxNumber(
        "998",
        Answer(
            "POLICE_SERVICE_UNAVAILABLE",
            "微警认证服务暂时不可用，请稍后重试 (police service unavailable; retry)",
            True,
        ),
    ),
}
ID_INVALID = Answer("ID_INVALID", "证件号码无效 (invalid ID number)")


def with_sequence(id_number: str, sequence: str) -> str:
    """The same person's 18-digit number with other sequence digits and a correct GB 11643
    check digit: how a sandbox number is made from a real one. (The simulator needs it too and
    imports nothing from ``signing_flow``, hence this copy of the check-digit rule.)"""
    first17 = id_number[:14] + sequence
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]
