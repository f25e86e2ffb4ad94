"""The sandbox's police check (微警认证) and face recognition, deterministic (DESIGN §8).

These implement ``signing_flow.ports.PoliceVerifier`` and ``FaceVerifier``, answering from the
tables in ``miniapp_mock.check_answers``. The use case has already compared the entered name and
number with the party's on the contract; these decide what the outside services would answer.
"""

from __future__ import annotations

from miniapp_mock.check_answers import (
    FACE_SAMPLES,
    ID_INVALID,
    POLICE_NUMBERS,
    UNKNOWN_FACE_SAMPLE,
    Answer,
)
from signing_flow.checks import CheckFailure, CheckResult
from signing_flow.errors import DependencyUnavailable
from signing_flow.validators import check_id_number


def _result(answer: Answer | None) -> CheckResult:
    if answer is None:
        return None
    if answer.outage:
        raise DependencyUnavailable(answer.message, code=answer.code)
    return CheckFailure(answer.code, answer.message)


class SandboxPolice:
    async def verify(self, name: str, id_number: str) -> CheckResult:
        sandbox = next((n for n in POLICE_NUMBERS.values() if n.sequence == id_number[14:17]), None)
        # An outage comes first: the service does not get as far as reading the number.
        if sandbox is not None and sandbox.answer.outage:
            return _result(sandbox.answer)
        if check_id_number(id_number) is not None:
            return _result(ID_INVALID)
        return _result(sandbox.answer if sandbox else None)


class SandboxFace:
    async def verify(self, id_number: str, sample: str) -> CheckResult:
        return _result(FACE_SAMPLES.get(sample, FACE_SAMPLES[UNKNOWN_FACE_SAMPLE]))
