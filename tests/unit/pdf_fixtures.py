"""Inputs for the PDF tests, the bench and the docs' pictures: the demo contracts' texts (their
golden files, which tests/api/test_demo_contract_documents.py keeps equal to what the parties
read) and the completion facts of the four-party demo contract."""

from __future__ import annotations

from pathlib import Path

from backend.demo import DEMO_BUYERS, DEMO_PROPERTIES
from backend.evidence.certificate_facts import CompletionFacts, SignerFacts
from signing_flow.documents import sha256_hex
from signing_flow.validators import mask_id_number

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
FOUR_PARTIES = "demo_prop_joint.txt"  # two sellers, two buyers
WAIVER = "demo_prop_sole_lump_sum_waiver.txt"
STEPS = ("查阅合同", "确定签署", "微警认证", "人脸识别", "授权签署")


def demo_text(name: str = FOUR_PARTIES) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def four_parties() -> list[tuple[str, str, str]]:
    """(role, name, full ID number) of the four-party demo contract."""
    joint = next(p for p in DEMO_PROPERTIES if p.id == "prop-joint")
    sellers = [("卖方", o.name, o.id_number) for o in joint.owners]
    buyers = [("买方", str(b["name"]), str(b["id_number"])) for b in DEMO_BUYERS[:2]]
    return sellers + buyers


def masked_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1)


def completion_facts() -> CompletionFacts:
    signers = tuple(
        SignerFacts(
            role_label=role,
            masked_name=masked_name(name),
            masked_id_number=mask_id_number(id_number),
            step_times=tuple(
                (step, f"2027-01-10 10:{10 * k + i:02d}:{7 * i:02d}")
                for i, step in enumerate(STEPS)
            ),
            checks_passed=("微警认证", "人脸识别"),
            certificate_serial=f"{0x3A7F0000 + k:08x}" * 5,
        )
        for k, (role, name, id_number) in enumerate(four_parties())
    )
    return CompletionFacts(
        contract_number="CL20260000001",
        order_id="ord-5f2c9a1e",
        document_sha256=sha256_hex(demo_text()),
        signers=signers,
        filed_at="2027-01-10 11:02:03",
        seal_certificate_serial="51a0c3e9" * 4,
        how_to_verify=(
            "用 PDF 阅读器打开本文件，可查看各签署人的签名、平台印章及时间戳；签名有效即表明签署后文件未被改动。",
            "离线核验：运行 wangqian verify-evidence bundle.zip，无需联网，也无需账号。",
            "也可用 poppler-utils 的 pdfsig 或 pyHanko 校验本文件（信任证据包中的平台 CA 证书）。",
        ),
    )
