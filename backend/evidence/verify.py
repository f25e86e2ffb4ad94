"""``wangqian verify-evidence bundle.zip``: checks an evidence bundle with nothing but the bundle
(no server, no network), and names every check that fails (docs/evidence.md).

The bundle vouches for itself only as far as its anchors: the CA certificate and the receipt
key. Compare their fingerprints with the platform's published ones to trust the verdict.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from backend.evidence.authority import BINDING_PREFIX
from backend.evidence.bundle import MANIFEST, MANIFEST_SIG
from backend.evidence.pdf_signing import SEAL_FIELD, TIMESTAMP_FIELD, attached_document
from miniapp_mock.phone import verify_receipt
from signing_flow.audit import GENESIS_HASH, canonical_json


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


class Bundle:
    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.files = {name: zf.read(name) for name in zf.namelist()}
        self.manifest: dict[str, Any] = json.loads(self.files[MANIFEST])

    def json(self, name: str) -> Any:
        return json.loads(self.files[name])

    def cert(self, name: str) -> x509.Certificate:
        _, _, der = pem.unarmor(self.files[name])
        return x509.Certificate.load(der)

    def receipts(self) -> dict[str, dict[str, Any]]:
        return {
            name.removeprefix("receipts/").removesuffix(".json"): self.json(name)
            for name in self.files
            if name.startswith("receipts/")
        }


def check_manifest(bundle: Bundle) -> str:
    listed: dict[str, str] = bundle.manifest["files"]
    present = set(bundle.files) - {MANIFEST, MANIFEST_SIG}
    problems = [f"{n}: missing" for n in sorted(set(listed) - present)]
    problems += [f"{n}: not in the manifest" for n in sorted(present - set(listed))]
    problems += [
        f"{n}: SHA-256 differs"
        for n in sorted(set(listed) & present)
        if hashlib.sha256(bundle.files[n]).hexdigest() != listed[n]
    ]
    keys = bundle.json("keys/signing-keys.json")
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
    receipts, keys = bundle.receipts(), bundle.json("keys/signing-keys.json")
    if not receipts:
        raise Broken("no receipt in the bundle")
    problems = []
    for party_id, receipt in sorted(receipts.items()):
        checked = verify_receipt(receipt, keys)
        payload = receipt.get("payload", {})
        if not checked.ok:
            problems.append(f"{party_id}: {checked.reason}")
        elif payload.get("order_id") != bundle.manifest["order_id"]:
            problems.append(f"{party_id}: for another order")
        elif payload.get("document_sha256") != bundle.manifest["document_sha256"]:
            problems.append(f"{party_id}: for another document")
    if problems:
        raise Broken("; ".join(problems))
    return f"{len(receipts)} receipts valid ({', '.join(sorted(receipts))})"


def check_audit(bundle: Bundle) -> str:
    events: list[dict[str, Any]] = bundle.json("audit/events.json")
    prev = GENESIS_HASH
    contract_id = bundle.manifest["contract_id"]
    for n, event in enumerate(events, 1):
        body = {k: v for k, v in event.items() if k != "hash"}
        if event.get("seq") != n or event.get("id") != f"{contract_id}-e{n}":
            raise Broken(f"event {n}: out of place (seq {event.get('seq')}, id {event.get('id')})")
        if event.get("prev_hash") != prev:
            raise Broken(f"event {n}: does not link to the event before it")
        digest = hashlib.sha256(canonical_json(body)).hexdigest()
        if event.get("digest_v") == 2 and digest != event.get("hash"):
            raise Broken(f"event {n}: hash does not match the event")
        prev = event["hash"]
    if prev != bundle.manifest["audit_head"]:
        raise Broken("the last event is not the manifest's audit_head (events missing at the end)")
    signed = {e["data"].get("party_id") for e in events if e.get("type") == "party_signed"}
    missing = set(bundle.receipts()) - signed
    if missing:
        raise Broken(f"no party_signed event for {', '.join(sorted(missing))}")
    return f"{len(events)} events chained, head {prev[:16]}…"


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
    receipts = bundle.receipts()
    problems, parties = [], set()
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
        if name.startswith("party_"):
            party_id = name.removeprefix("party_")
            parties.add(party_id)
            problems += _binding_problems(bundle, sig, party_id, receipts.get(party_id))
    if sigs[-1].field_name != TIMESTAMP_FIELD or sigs[-2].field_name != SEAL_FIELD:
        problems.append("the PDF does not end with the platform seal and the document timestamp")
    if parties != set(receipts):
        problems.append("the PDF's party signatures are not the receipts' parties")
    if problems:
        raise Broken("; ".join(problems))
    return f"{len(sigs)} signatures valid and trusted ({', '.join(s.field_name for s in sigs)})"


def _binding_problems(
    bundle: Bundle, sig: Any, party_id: str, receipt: dict[str, Any] | None
) -> list[str]:
    cert: x509.Certificate = sig.signer_cert
    uris = [
        n.native
        for n in (cert.subject_alt_name_value or [])
        if n.name == "uniform_resource_identifier"
    ]
    m = bundle.manifest
    want = f"{BINDING_PREFIX}:order:{m['order_id']}:party:{party_id}:"
    ok = any(
        u.startswith(want) and u.endswith(f":document-sha256:{m['document_sha256']}") for u in uris
    )
    problems = [] if ok else [f"{sig.field_name}: certificate not bound to this order and document"]
    serial = cert.subject.native.get("serial_number")
    if receipt is None or serial != receipt.get("payload", {}).get("id_number_sha256"):
        problems.append(f"{sig.field_name}: certificate holder is not the receipt's party")
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


def verify_bundle(data: bytes) -> list[Check]:
    try:
        bundle = Bundle(data)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return [Check("bundle", "证据包", "bundle", False, f"not an evidence bundle: {exc}")]
    results = []
    for key, zh, en, run in CHECKS:
        try:
            results.append(Check(key, zh, en, True, run(bundle)))
        except Broken as exc:
            results.append(Check(key, zh, en, False, str(exc)))
        except Exception as exc:  # a malformed file is a failure of its check, never a crash
            results.append(Check(key, zh, en, False, f"{type(exc).__name__}: {exc}"))
    return results


def run(path: str) -> int:
    with open(path, "rb") as f:
        results = verify_bundle(f.read())
    for check in results:
        print(check.line())
    failed = [c.key for c in results if not c.ok]
    if failed:
        print(f"验证失败 FAILED: {', '.join(failed)}")
        return 1
    print("验证通过 OK: 证据包完整可信 (every check passed)")
    return 0
