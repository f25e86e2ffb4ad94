"""What the completion certificate (签署完成证明) states: the renderer prints it, the sealer fills it.

Every value is already masked or formatted for print; the renderer adds no knowledge of its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignerFacts:
    role_label: str  # 卖方 / 买方 (or 卖方代理人 …)
    masked_name: str
    masked_id_number: str
    # (step label, local time "YYYY-MM-DD HH:MM:SS"), in order: 查阅合同, 确定签署, 微警认证, 人脸识别, 授权签署
    step_times: tuple[tuple[str, str], ...]
    checks_passed: tuple[str, ...]  # e.g. ("微警认证", "人脸识别")
    certificate_serial: str  # hex serial of the party's event certificate


@dataclass(frozen=True)
class CompletionFacts:
    contract_number: str
    order_id: str
    document_sha256: str  # hex SHA-256 of the reviewed document text (what the order fixes)
    signers: tuple[SignerFacts, ...]
    filed_at: str  # local time the contract became 已签约
    seal_certificate_serial: str
    how_to_verify: tuple[str, ...]  # lines of the 验证方法 paragraph
