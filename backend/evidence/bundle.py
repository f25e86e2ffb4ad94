"""The evidence bundle of an order (证据包): a zip that verifies offline (docs/evidence.md).

manifest.json            what the bundle is, and the SHA-256 of every other file
manifest.sig             the platform's Ed25519 signature of manifest.json (base64url)
contract.pdf             the signed PDF: parties, seal with the 签署完成证明, document timestamp
document.txt             the document text the order fixed (its SHA-256 is the order's)
receipts/<party>.json    each party's signature receipt (docs/handshake.md 4.5)
audit/events.json        the contract's audit events as served, every field the digest covers
certificates/ca.pem      the sandbox CA (issuer of the event, seal and TSA certificates)
certificates/tsa.pem     the sandbox TSA
certificates/seal.pem    the platform's seal
keys/signing-keys.json   the platform's receipt keys (as GET /api/v1/signing-keys)
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from backend.evidence.authority import Authority, id_number_hmac
from backend.evidence.pdf_store import pdf_bytes
from signing_flow.audit import public_view
from signing_flow.codec import Doc, to_doc
from signing_flow.models import Contract, SigningOrder
from signing_flow.ports import Signer

# /2: the manifest lists the order's parties and the audit trail's v1 events (the verifier
# requires both; a /1 bundle lacks them).
FORMAT = "wangqian-evidence/2"
MANIFEST, MANIFEST_SIG = "manifest.json", "manifest.sig"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"


def bundle_files(
    contract: Contract,
    order: SigningOrder,
    pdf_doc: Doc,
    authority: Authority,
    public_keys: Mapping[str, Any],
) -> dict[str, bytes]:
    """Every file of the bundle but the manifest and its signature."""
    files = {
        "contract.pdf": pdf_bytes(pdf_doc),
        "document.txt": order.document.encode(),
        "audit/events.json": _json([public_view(e) for e in contract.events]),
        "certificates/ca.pem": authority.ca.cert_pem,
        "certificates/tsa.pem": authority.tsa.cert_pem,
        "certificates/seal.pem": authority.seal.cert_pem,
        "keys/signing-keys.json": _json(public_keys),
    }
    for party in order.parties:
        if party.receipt is not None:
            files[f"receipts/{party.party_id}.json"] = _json(to_doc(party.receipt))
    return files


def build_bundle(
    contract: Contract,
    order: SigningOrder,
    pdf_doc: Doc,
    authority: Authority,
    signer: Signer,
    public_keys: Mapping[str, Any],
) -> bytes:
    files = bundle_files(contract, order, pdf_doc, authority, public_keys)
    manifest = _json(
        {
            "format": FORMAT,
            "contract_id": contract.id,
            "contract_number": contract.number,
            "order_id": order.id,
            "purpose": order.purpose.value,
            "document_sha256": order.document_sha256,
            "audit_head": contract.events[-1].hash if contract.events else None,
            # How many events lead the trail under digest v1: the verifier holds the rest to
            # v2, so that no event escapes its digest by claiming v1 (signing_flow.audit).
            "audit_v1_events": sum(1 for e in contract.events if e.digest_v == 1),
            # Who had to sign: the verifier requires each one's receipt, PDF signature and
            # party_signed event, so a bundle cannot drop a party unnoticed.
            "parties": [
                {
                    "party_id": p.party_id,
                    "role": p.role.value,
                    "id_number_sha256": hashlib.sha256(p.id_number.encode()).hexdigest(),
                    # the event certificate's serialNumber (backend.evidence.authority)
                    "id_number_hmac": id_number_hmac(authority.id_secret, p.id_number),
                }
                for p in order.parties
            ],
            "key_id": signer.key_id,
            "files": {
                name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())
            },
        }
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest)
        zf.writestr(MANIFEST_SIG, signer.sign(manifest))
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
    return out.getvalue()
