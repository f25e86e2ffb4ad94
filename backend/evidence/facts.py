"""What the completion certificate (签署完成证明) of an order states, from the contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from backend.evidence.certificate_facts import CompletionFacts, SignerFacts
from signing_flow.deadlines import CITY_TZ
from signing_flow.models import Contract, OrderParty, SigningOrder
from signing_flow.validators import mask_id_number
from signing_flow.vocabulary import PartyRole, PartyStep

ROLE_LABELS = {PartyRole.SELLER: "卖方（甲方）", PartyRole.BUYER: "买方（乙方）"}
# The party's steps as the certificate names them, in the order they are taken.
STEP_LABELS = (
    (PartyStep.REVIEWED, "查阅合同"),
    (PartyStep.CONFIRMED, "确定签署"),
    (PartyStep.IDENTITY_VERIFIED, "微警认证"),
    (PartyStep.SIGNED, "人脸识别并授权签署"),
)
CHECKS_PASSED = ("微警认证", "人脸识别")
# Short enough that four parties' certificate stays on one page (the page reserved for it).
HOW_TO_VERIFY = (
    "1. 下载证据包：经纪人 GET /api/v1/contracts/{合同ID}/evidence.zip；当事人在手机签署页下载。",
    "2. 离线验证：wangqian verify-evidence 证据包.zip --ca-sha256 …；或 pdfsig、pyhanko sign validate。",
    "   证书指纹以平台公布为准：GET /api/v1/evidence-certificates（勿只信任证据包自带的 ca.pem）。",
    "3. 本证明由平台签章覆盖，其后加盖 RFC 3161 文档时间戳，任何改动均可被发现。",
)


def local_time(value: datetime) -> str:
    return value.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M:%S")


def mask_name(name: str) -> str:
    """The first character and a star for each of the others (李娜 → 李*)."""
    return name[:1] + "*" * (len(name) - 1)


def _signer(party: OrderParty, serial: str) -> SignerFacts:
    return SignerFacts(
        role_label=ROLE_LABELS[party.role],
        masked_name=mask_name(party.name),
        masked_id_number=mask_id_number(party.id_number),
        step_times=tuple(
            (label, local_time(party.step_times[step.value]))
            for step, label in STEP_LABELS
            if step.value in party.step_times
        ),
        checks_passed=CHECKS_PASSED,
        certificate_serial=serial,
    )


def completion_facts(
    contract: Contract,
    order: SigningOrder,
    signers: Sequence[Mapping[str, Any]],
    seal_serial: str,
    filed_at: datetime,
) -> CompletionFacts:
    """``signers``: the stored PDF's record of each party's signature (``pdf_store``)."""
    serials = {s["party_id"]: s["certificate_serial"] for s in signers}
    return CompletionFacts(
        contract_number=contract.number,
        order_id=order.id,
        document_sha256=order.document_sha256,
        signers=tuple(_signer(p, serials.get(p.party_id, "")) for p in order.parties),
        filed_at=local_time(filed_at),
        seal_certificate_serial=seal_serial,
        how_to_verify=HOW_TO_VERIFY,
    )
