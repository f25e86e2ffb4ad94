"""Signature receipts (DESIGN §7): the canonical JSON the platform signs for each party."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from signing_flow.codec import encode_time
from signing_flow.models import OrderParty, SignatureReceipt, SigningOrder
from signing_flow.ports import Signer


def canonical_json(payload: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: what a verifier must rebuild byte for byte."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def issue_receipt(
    signer: Signer, order: SigningOrder, party: OrderParty, signed_at: datetime
) -> SignatureReceipt:
    assert party.verified_at is not None
    payload = {
        "order_id": order.id,
        "party_id": party.party_id,
        "role": party.role.value,
        "name": party.name,
        "id_number_sha256": hashlib.sha256(party.id_number.encode()).hexdigest(),
        "document_sha256": order.document_sha256,
        "verified_at": encode_time(party.verified_at),
        "signed_at": encode_time(signed_at),
    }
    return SignatureReceipt(
        payload=payload, key_id=signer.key_id, signature=signer.sign(canonical_json(payload))
    )
