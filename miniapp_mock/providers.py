"""The sandbox's police check (微警认证) and face recognition, deterministic (DESIGN §8).

These implement ``signing_flow.ports.PoliceVerifier`` and ``FaceVerifier``. The use case has
already compared the entered name and number with the party's on the contract; these decide
what the outside services would answer.
"""

from __future__ import annotations

from signing_flow.errors import DependencyUnavailable
from signing_flow.validators import check_id_number

# Sequence digits (positions 15–17) that make the sandbox misbehave on purpose.
REVOKED_SEQUENCE = "999"
POLICE_OUTAGE_SEQUENCE = "998"

FACE_SAMPLES = {
    "match": None,
    "mismatch": "FACE_MISMATCH",
    "no_liveness": "LIVENESS_FAILED",
}


class SandboxPolice:
    async def verify(self, name: str, id_number: str) -> str | None:
        sequence = id_number[14:17]
        if sequence == POLICE_OUTAGE_SEQUENCE:
            raise DependencyUnavailable(
                "微警认证服务暂时不可用，请稍后重试 (police service unavailable; retry)",
                code="POLICE_SERVICE_UNAVAILABLE",
            )
        if check_id_number(id_number) is not None:
            return "ID_INVALID"
        if sequence == REVOKED_SEQUENCE:
            return "ID_REVOKED"
        return None


class SandboxFace:
    async def verify(self, id_number: str, sample: str) -> str | None:
        if sample == "timeout":
            raise DependencyUnavailable(
                "人脸识别服务超时，请重试 (face service timed out; retry)",
                code="FACE_SERVICE_UNAVAILABLE",
            )
        return FACE_SAMPLES.get(sample, "FACE_MISMATCH")
