"""A party's failed check is told and counted as the provider describes it: the use case knows
no failure codes of its own but the contract mismatch."""

from __future__ import annotations

import os

import pytest

from backend.demo import seed_demo
from backend.signing_keys import Ed25519Signer
from miniapp_mock.services import sandbox_services
from signing_flow.checks import CheckFailure, CheckResult
from signing_flow.errors import CheckFailed
from signing_flow.ports import DocumentStore, Ports
from signing_flow.repository import contracts
from signing_flow.usecases import party as party_steps
from signing_flow.usecases.signing import party_qr_link
from tests.conftest import FakeClock
from tests.integration.test_jobs import AGENT, signing_contract

TOO_DARK = CheckFailure("FACE_TOO_DARK", "照片过暗，请到光线充足处重试 (too dark)")
UNUSABLE = CheckFailure("FACE_UNUSABLE", "未检测到人脸 (no face in the sample)", uses_attempt=False)


class ScriptedFace:
    """A face service that answers each sample from a table the test gives it."""

    def __init__(self, answers: dict[str, CheckResult]) -> None:
        self.answers = answers

    async def verify(self, id_number: str, sample: str) -> CheckResult:
        return self.answers[sample]


@pytest.fixture
async def ports(store: DocumentStore, clock: FakeClock) -> Ports:
    await seed_demo(store)
    sandbox = sandbox_services(store, clock)
    return Ports(
        store=store,
        clock=clock,
        registry=sandbox.registry,
        police=sandbox.police,
        face=ScriptedFace({"match": None, "dark": TOO_DARK, "blank": UNUSABLE}),
        signer=Ed25519Signer(os.urandom(32)),
        sms=sandbox.sms,
        unified_identity=sandbox.unified_identity,
    )


async def at_face_step(ports: Ports) -> tuple[str, str, str]:
    """A seller who passed the police check: (contract id, order id, party session)."""
    contract_id, order_id = await signing_contract(ports)
    link = await party_qr_link(ports, AGENT, order_id, "s1")
    origin = party_steps.Requester()
    session, ctx = await party_steps.open_session(ports, link.url.split("token=")[1], origin)
    await party_steps.review(ports, session, origin, ctx.order.document_sha256)
    await party_steps.confirm(ports, session, origin)
    await party_steps.verify_identity(ports, session, origin, ctx.party.name, ctx.party.id_number)
    return contract_id, order_id, session


async def test_a_failed_face_check_is_told_in_the_providers_words_and_uses_an_attempt(
    ports: Ports,
) -> None:
    contract_id, order_id, session = await at_face_step(ports)
    with pytest.raises(CheckFailed) as failed:
        await party_steps.authorize(ports, session, party_steps.Requester(), "dark")
    assert failed.value.code == "FACE_TOO_DARK"
    assert failed.value.message == TOO_DARK.message + "，还可尝试 2 次"
    assert failed.value.details == {"attempts_left": 2, "party_step": "identity_verified"}
    contract = await contracts(ports.store).get(contract_id)
    assert contract is not None
    event = contract.events[-1]
    assert (event.action, event.data.get("code")) == ("party_check_failed", "FACE_TOO_DARK")
    order = contract.order(order_id)
    party = order.party("s1") if order else None
    assert party is not None and party.failed_checks == 1


async def test_a_failure_that_uses_no_attempt_is_told_and_changes_nothing(ports: Ports) -> None:
    contract_id, _, session = await at_face_step(ports)
    before = await contracts(ports.store).get(contract_id)
    with pytest.raises(CheckFailed) as failed:
        await party_steps.authorize(ports, session, party_steps.Requester(), "blank")
    assert failed.value.code == "FACE_UNUSABLE"
    assert failed.value.details == {"attempts_left": 3, "party_step": "identity_verified"}
    after = await contracts(ports.store).get(contract_id)
    assert before is not None and after is not None
    assert after.version == before.version and len(after.events) == len(before.events)
    # and the party still signs with a good sample
    ctx = await party_steps.authorize(ports, session, party_steps.Requester(), "match")
    assert ctx.party.receipt is not None
