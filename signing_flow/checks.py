"""What a party's identity check answers (微警认证, 人脸识别): passed, or a failure the provider
describes itself.

The police and face providers own their failures: the code, the message the party reads and
whether it uses one of the party's attempts. The use case only counts and records what it is
given, so a new kind of failure is added where the provider is, not here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckFailure:
    code: str  # the API error code, e.g. ``FACE_MISMATCH``
    message: str  # for the party, Chinese first (English in brackets)
    # False for an answer that says nothing about the person (an unusable sample, say): the
    # party is told, nothing is counted or written.
    uses_attempt: bool = True


# None: the check passed.
CheckResult = CheckFailure | None

# The use case's own check, before any provider is asked: the entered name and number must be
# the party's on the contract.
POLICE_MISMATCH = CheckFailure(
    "POLICE_MISMATCH", "姓名或证件号码与合同不一致 (name or ID number differs from the contract)"
)
