"""Response bodies of the agent's side of the signing handshake: the order with each party's
progress, a party's QR link and the platform's receipt verification keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from backend.shared_schemas import ReceiptOut
from signing_flow.models import Contract, SigningOrder
from signing_flow.terms import PARTY_ROLE_LABELS, PURPOSE_LABELS
from signing_flow.vocabulary import CONTRACT_LABELS, ORDER_LABELS, PARTY_LABELS


class PartyProgressOut(BaseModel):
    party_id: str
    role: str
    role_label: str
    name: str
    step: str
    step_label: str
    step_times: dict[str, datetime]
    failed_checks: int
    receipt: ReceiptOut | None


class OrderOut(BaseModel):
    id: str
    contract_id: str
    contract_number: str
    contract_status: str
    contract_status_label: str
    purpose: str
    purpose_label: str
    status: str
    status_label: str
    version: int
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    document_sha256: str
    parties: list[PartyProgressOut]

    @classmethod
    def of(cls, c: Contract, o: SigningOrder) -> OrderOut:
        return cls(
            id=o.id,
            contract_id=c.id,
            contract_number=c.number,
            contract_status=c.status.value,
            contract_status_label=CONTRACT_LABELS[c.status],
            purpose=o.purpose.value,
            purpose_label=PURPOSE_LABELS[o.purpose],
            status=o.status.value,
            status_label=ORDER_LABELS[o.status],
            version=o.version,
            created_at=o.created_at,
            expires_at=o.expires_at,
            ended_at=o.ended_at,
            document_sha256=o.document_sha256,
            parties=[
                PartyProgressOut(
                    party_id=p.party_id,
                    role=p.role.value,
                    role_label=PARTY_ROLE_LABELS[p.role],
                    name=p.name,
                    step=p.step.value,
                    step_label=PARTY_LABELS[p.step],
                    step_times=p.step_times,
                    failed_checks=p.failed_checks,
                    receipt=ReceiptOut(**p.receipt.__dict__) if p.receipt else None,
                )
                for p in o.parties
            ],
        )


class QrLinkOut(BaseModel):
    url: str
    expires_at: datetime


class SigningKey(BaseModel):
    key_id: str
    alg: str
    public_key: str = Field(description="raw Ed25519 public key, base64url")


class SigningKeys(BaseModel):
    keys: list[SigningKey]
