"""``wangqian verify-evidence bundle.zip``: checks an evidence bundle with nothing but the bundle
(no server, no network), and names every check that fails (docs/evidence.md).

The bundle vouches for itself only as far as its anchors: the CA certificate and the receipt
keys (``backend.evidence.anchors``). Pinned (``--ca-sha256``, ``--keys``) they are compared with
the platform's published ones; unpinned, the verdict says the bundle is only self-consistent.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from backend.evidence.anchors import AnchorProblem, Pins, bundle_keys, check_anchors
from backend.evidence.authority import event_binding
from backend.evidence.bundle import FORMAT, MANIFEST, MANIFEST_SIG
from backend.evidence.bundle_reader import BadBundle, Bundle
from backend.evidence.pdf_signing import SEAL_FIELD, TIMESTAMP_FIELD, attached_document
from miniapp_mock.phone import verify_receipt
from signing_flow.audit import served_chain_break


@dataclass(frozen=True)
class Check:
    key: str
    zh: str
    en: str
    ok: bool
    detail: str

    def line(self) -> str:
        mark = "通过 PASS" if self.ok else "失败 FAIL"
        return f"[{mark}] {self.zh} ({self.en}): {self.detail}"


class Broken(Exception):
    """A check's failure, with what failed."""


def parties(bundle: Bundle) -> dict[str, dict[str, Any]]:
    """The order's parties as the signed manifest lists them: who had to sign."""
    listed = bundle.manifest.get("parties")
    if not isinstance(listed, list) or not listed:
        raise Broken("the manifest lists no party")
    return {str(p["party_id"]): p for p in listed}


def check_manifest(bundle: Bundle) -> str:
    listed: dict[str, str] = bundle.manifest["files"]
    present = set(bundle.files) - {MANIFEST, MANIFEST_SIG}
    problems = [f"{n}: missing" for n in sorted(set(listed) - present)]
    if bundle.manifest.get("format") != FORMAT:
        problems.append(f"format {bundle.manifest.get('format')}: this verifier reads {FORMAT}")
    problems += [f"{n}: not in the manifest" for n in sorted(present - set(listed))]
    problems += [
        f"{n}: SHA-256 differs"
        for n in sorted(set(listed) & present)
        if hashlib.sha256(bundle.files[n]).hexdigest() != listed[n]
    ]
    keys = bundle_keys(bundle)
    signature = bundle.files.get(MANIFEST_SIG, b"").decode()
    if not _ed25519_ok(keys, bundle.manifest["key_id"], bundle.files[MANIFEST], signature):
        problems.append("manifest.sig: not the platform's signature of manifest.json")
    if problems:
        raise Broken("; ".join(problems))
    return f"{len(listed)} files match, signed by {bundle.manifest['key_id']}"


def _ed25519_ok(keys: Any, key_id: str, message: bytes, signature: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from backend.signing_keys import b64url_decode

    key = next((k for k in keys.get("keys", []) if k.get("key_id") == key_id), None)
    if key is None:
        return False
    try:
        public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["public_key"]))
        public.verify(b64url_decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def check_receipts(bundle: Bundle) -> str:
    receipts, keys, want = bundle.receipts(), bundle_keys(bundle), parties(bundle)
    problems = [f"{p}: no receipt" for p in sorted(set(want) - set(receipts))]
    problems += [f"{p}: not a party of the order" for p in sorted(set(receipts) - set(want))]
    for party_id, receipt in sorted(receipts.items()):
        checked = verify_receipt(receipt, keys)
        payload = receipt.get("payload", {})
        party = want.get(party_id, {})
        if not checked.ok:
            problems.append(f"{party_id}: {checked.reason}")
        elif payload.get("order_id") != bundle.manifest["order_id"]:
            problems.append(f"{party_id}: for another order")
        elif payload.get("document_sha256") != bundle.manifest["document_sha256"]:
            problems.append(f"{party_id}: for another document")
        elif payload.get("party_id") != party_id or any(
            payload.get(k) != party.get(k) for k in ("role", "id_number_sha256")
        ):
            problems.append(f"{party_id}: not the manifest's party (id, role or ID number)")
    if problems:
        raise Broken("; ".join(problems))
    return f"{len(receipts)} receipts valid ({', '.join(sorted(receipts))})"


def check_audit(bundle: Bundle) -> str:
    events: list[dict[str, Any]] = bundle.json("audit/events.json")
    broken = served_chain_break(bundle.manifest["contract_id"], events)
    if broken is not None:
        raise Broken(f"event {broken}: does not verify (place, link, type, digest version or hash)")
    v1 = sum(1 for e in events if e.get("digest_v") == 1)
    if v1 != bundle.manifest.get("audit_v1_events"):
        raise Broken(
            f"{v1} events claim digest v1, the manifest says {bundle.manifest.get('audit_v1_events')}"
        )
    head = events[-1]["hash"] if events else None
    if head != bundle.manifest["audit_head"]:
        raise Broken("the last event is not the manifest's audit_head (events missing at the end)")
    signed = {e["data"].get("party_id") for e in events if e.get("type") == "party_signed"}
    missing = set(parties(bundle)) - signed
    if missing:
        raise Broken(f"no party_signed event for {', '.join(sorted(missing))}")
    return f"{len(events)} events chained, head {str(head)[:16]}…"


def _context(bundle: Bundle, moment: Any = None) -> ValidationContext:
    return ValidationContext(
        trust_roots=[bundle.cert("certificates/ca.pem")],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
    )


def check_pdf(bundle: Bundle) -> str:
    reader = PdfFileReader(io.BytesIO(bundle.files["contract.pdf"]), strict=False)
    sigs = reader.embedded_signatures
    if not sigs:
        raise Broken("the PDF has no signature")
    want = parties(bundle)
    problems, signed = _field_problems(reader, want), set()
    last = sigs[-1]
    if last.evaluate_signature_coverage() != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(f"{last.field_name}: does not cover the whole file (a later revision)")
    for sig in sigs:
        name = sig.field_name
        if sig.sig_object_type == "/DocTimeStamp":
            status: Any = validate_pdf_timestamp(sig, validation_context=_context(bundle))
            ok = status.intact and status.valid and status.trusted
        else:
            # Event certificates are short-lived: judged at the time the signature says it was
            # made, which its TSA timestamp and the document timestamp after it bound.
            context = _context(bundle, sig.self_reported_timestamp)
            status = validate_pdf_signature(sig, context, ts_validation_context=_context(bundle))
            ok = bool(status.bottom_line)
        if not ok:
            problems.append(f"{name}: {status.summary()}")
        pinned = {SEAL_FIELD: "certificates/seal.pem", TIMESTAMP_FIELD: "certificates/tsa.pem"}
        if name in pinned and sig.signer_cert.dump() != bundle.cert(pinned[name]).dump():
            problems.append(f"{name}: not signed with the bundle's {pinned[name]}")
        if name.startswith("party_") and name.removeprefix("party_") in want:
            party_id = name.removeprefix("party_")
            signed.add(party_id)
            problems += _binding_problems(bundle, sig, want[party_id])
    if len(sigs) < 2 or last.field_name != TIMESTAMP_FIELD or sigs[-2].field_name != SEAL_FIELD:
        problems.append("the PDF does not end with the platform seal and the document timestamp")
    problems += [f"{p}: no signature in the PDF" for p in sorted(set(want) - signed)]
    if problems:
        raise Broken("; ".join(problems))
    return f"{len(sigs)} signatures valid and trusted ({', '.join(s.field_name for s in sigs)})"


def _field_problems(reader: PdfFileReader, want: dict[str, Any]) -> list[str]:
    """Only the parties', the seal's and the timestamp's fields, each signed: an extra field
    (an empty one, or one added later) is something the signers never saw."""
    allowed = {f"party_{p}" for p in want} | {SEAL_FIELD, TIMESTAMP_FIELD}
    problems = []
    for name, value, _ in enumerate_sig_fields(reader, filled_status=None):
        if name not in allowed:
            problems.append(f"{name}: a signature field that is not the order's")
        elif value is None:
            problems.append(f"{name}: an unsigned signature field")
    return problems


def _binding_problems(bundle: Bundle, sig: Any, party: dict[str, Any]) -> list[str]:
    cert: x509.Certificate = sig.signer_cert
    uris = [
        n.native
        for n in (cert.subject_alt_name_value or [])
        if n.name == "uniform_resource_identifier"
    ]
    m = bundle.manifest
    want = event_binding(m["order_id"], party["party_id"], party["role"], m["document_sha256"])
    problems = []
    if uris != [want]:
        problems.append(f"{sig.field_name}: certificate not bound to this order, role and document")
    serial = cert.subject.native.get("serial_number")
    if serial != party.get("id_number_hmac"):
        problems.append(f"{sig.field_name}: certificate holder is not the manifest's party")
    return problems


def check_document(bundle: Bundle) -> str:
    """The text the parties signed is the order's document: the PDF's first signature covers
    a revision carrying it as ``document.txt``, and its SHA-256 is the order's."""
    want = bundle.manifest["document_sha256"]
    if hashlib.sha256(bundle.files["document.txt"]).hexdigest() != want:
        raise Broken("document.txt is not the order's document")
    reader = PdfFileReader(io.BytesIO(bundle.files["contract.pdf"]), strict=False)
    first = reader.embedded_signatures[0]
    data = attached_document(reader.get_historical_root(first.signed_revision))
    if data is None:
        raise Broken("the signed PDF carries no document.txt")
    if hashlib.sha256(data).hexdigest() != want:
        raise Broken("the document in the signed PDF is not the order's")
    return f"the signed PDF carries the document, SHA-256 {want[:16]}…"


CHECKS: tuple[tuple[str, str, str, Callable[[Bundle], str]], ...] = (
    ("manifest", "清单与文件摘要", "manifest and file digests", check_manifest),
    ("pdf", "PDF 签名与时间戳", "PDF signatures and timestamp", check_pdf),
    ("document", "签署内容即订单文件", "signed content is the order's document", check_document),
    ("receipts", "签名回执", "signature receipts", check_receipts),
    ("audit", "审计记录哈希链", "audit hash chain", check_audit),
)
UNPINNED = Pins()
ANCHORS = ("anchors", "信任锚（根证书与公钥指纹）", "trust anchors (CA and key fingerprints)")


def verify_bundle(data: bytes, pins: Pins = UNPINNED) -> list[Check]:
    try:
        bundle = Bundle(data)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return [Check("bundle", "证据包", "bundle", False, f"not an evidence bundle: {exc}")]
    results = []
    anchors: Callable[[Bundle], str] = partial(check_anchors, pins=pins)
    for key, zh, en, run in ((*ANCHORS, anchors), *CHECKS):
        try:
            results.append(Check(key, zh, en, True, run(bundle)))
        except (Broken, AnchorProblem, BadBundle) as exc:
            results.append(Check(key, zh, en, False, str(exc)))
        except Exception as exc:  # a malformed file is a failure of its check, never a crash
            results.append(Check(key, zh, en, False, f"{type(exc).__name__}: {exc}"))
    return results


UNANCHORED = (
    "证据包内部一致，但其根证书与公钥未与平台公布的核对"
    "（用 --ca-sha256 与 --keys 核对 GET /api/v1/evidence-certificates 与 GET /api/v1/signing-keys）"
    " / the bundle is internally consistent, but its anchors were not checked against the "
    "platform's published ones (pin them with --ca-sha256 and --keys)"
)


def run(path: str, pins: Pins = UNPINNED) -> int:
    with open(path, "rb") as f:
        results = verify_bundle(f.read(), pins)
    for check in results:
        print(check.line())
    failed = [c.key for c in results if not c.ok]
    if failed:
        print(f"验证失败 FAILED: {', '.join(failed)}")
        return 1
    if not pins.given:
        print(f"验证通过（未核对信任锚） OK, ANCHORS NOT CHECKED: {UNANCHORED}")
        return 0
    print("验证通过 OK: 证据包完整，信任锚与平台公布的一致 (every check passed, anchors pinned)")
    return 0
