"""The sandbox police and face providers answer exactly as their table (check_answers) says."""

from __future__ import annotations

import pytest

from miniapp_mock.check_answers import FACE_SAMPLES, POLICE_NUMBERS, with_sequence
from miniapp_mock.providers import SandboxFace, SandboxPolice
from signing_flow.checks import CheckFailure
from signing_flow.errors import DependencyUnavailable

SUN_LI = "442000199202146222"  # a demo buyer: an ordinary valid number


@pytest.mark.parametrize("sample", list(FACE_SAMPLES))
async def test_each_face_sample_answers_its_table_entry(sample: str) -> None:
    answer = FACE_SAMPLES[sample]
    if answer is None:
        assert await SandboxFace().verify(SUN_LI, sample) is None
    elif answer.outage:
        with pytest.raises(DependencyUnavailable) as outage:
            await SandboxFace().verify(SUN_LI, sample)
        assert (outage.value.code, outage.value.message) == (answer.code, answer.message)
    else:
        failure = await SandboxFace().verify(SUN_LI, sample)
        assert failure == CheckFailure(answer.code, answer.message, uses_attempt=True)


async def test_an_unknown_face_sample_is_a_mismatch() -> None:
    failure = await SandboxFace().verify(SUN_LI, "a photo of a cat")
    assert failure is not None and failure.code == "FACE_MISMATCH"


@pytest.mark.parametrize("kind", list(POLICE_NUMBERS))
async def test_each_sandbox_id_number_answers_its_table_entry(kind: str) -> None:
    sandbox = POLICE_NUMBERS[kind]
    number = with_sequence(SUN_LI, sandbox.sequence)
    if sandbox.answer.outage:
        with pytest.raises(DependencyUnavailable) as outage:
            await SandboxPolice().verify("孙丽", number)
        assert outage.value.code == sandbox.answer.code
    else:
        failure = await SandboxPolice().verify("孙丽", number)
        assert failure == CheckFailure(sandbox.answer.code, sandbox.answer.message)


async def test_the_police_confirm_an_ordinary_number_and_refuse_a_wrong_check_digit() -> None:
    assert await SandboxPolice().verify("孙丽", SUN_LI) is None
    failure = await SandboxPolice().verify("孙丽", SUN_LI[:-1] + "0")
    assert failure is not None and failure.code == "ID_INVALID"
