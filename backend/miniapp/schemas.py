"""Request and response bodies of the mini-program (/mp/v1): one party's session and steps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from backend.fields import (
    IdNumber,
    Name,
    Reason,
)
from backend.fund_supervision.schemas import PartyFundOut
from backend.shared_schemas import Body, ReceiptOut
from miniapp_mock.check_answers import FACE_SAMPLES
from signing_flow.models import Contract, OrderParty, SigningOrder
from signing_flow.states import NEXT_STEP
from signing_flow.terms import PARTY_ROLE_LABELS, PURPOSE_LABELS
from signing_flow.validators import mask_id_number
from signing_flow.vocabulary import ORDER_LABELS, PARTY_LABELS


class SessionRequest(Body):
    token: str = Field(min_length=16, max_length=128, description="the token in the QR code URL")


class ReviewRequest(Body):
    document_sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")


class PoliceVerificationRequest(Body):
    name: Name = Field(min_length=1, max_length=64)
    id_number: IdNumber = Field(min_length=1)


class AuthorizeRequest(Body):
    face_sample: str = Field(
        min_length=1,
        max_length=64,
        description="sandbox: " + " | ".join(FACE_SAMPLES),
    )


class DeclineRequest(Body):
    reason: Reason = Field(min_length=1, max_length=500)


class OtherPartyOut(BaseModel):
    role_label: str
    name: str
    step_label: str


class PartyViewOut(BaseModel):
    """What one party's session shows: its own progress, the others' names and steps only."""

    order_id: str
    order_status: str
    order_status_label: str
    purpose_label: str
    contract_number: str
    property_address: str
    price_fen: int | None
    document_sha256: str
    party_id: str
    role: str
    role_label: str
    name: str
    id_number_masked: str
    step: str
    step_label: str
    next_step: str | None
    attempts_left: int
    receipt: ReceiptOut | None
    others: list[OtherPartyOut]
    fund_supervision: PartyFundOut | None = Field(
        description="资金监管：建设银行龙存管的页面，或请到农商行支行办理；不监管为 null"
    )

    @classmethod
    def of(cls, c: Contract, o: SigningOrder, p: OrderParty, max_checks: int) -> PartyViewOut:
        return cls(
            order_id=o.id,
            order_status=o.status.value,
            order_status_label=ORDER_LABELS[o.status],
            purpose_label=PURPOSE_LABELS[o.purpose],
            contract_number=c.number,
            property_address=c.property.address,
            price_fen=c.price_fen,
            document_sha256=o.document_sha256,
            party_id=p.party_id,
            role=p.role.value,
            role_label=PARTY_ROLE_LABELS[p.role],
            name=p.name,
            id_number_masked=mask_id_number(p.id_number),
            step=p.step.value,
            step_label=PARTY_LABELS[p.step],
            next_step=NEXT_STEP[p.step],
            attempts_left=max(max_checks - p.failed_checks, 0),
            receipt=ReceiptOut(**p.receipt.__dict__) if p.receipt else None,
            others=[
                OtherPartyOut(
                    role_label=PARTY_ROLE_LABELS[q.role],
                    name=q.name,
                    step_label=PARTY_LABELS[q.step],
                )
                for q in o.parties
                if q.party_id != p.party_id
            ],
            fund_supervision=PartyFundOut.of(c),
        )


class SessionOut(BaseModel):
    session_token: str
    expires_at: datetime
    view: PartyViewOut


class DocumentOut(BaseModel):
    order_id: str
    sha256: str
    text: str
