"""The sandbox authorities and the per-signer event certificates (docs/evidence.md)."""

from __future__ import annotations

import hashlib
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.evidence.authority import (
    EVENT_CERT_LIFETIME,
    event_binding,
    id_number_hmac,
    issue_event_certificate,
    load_authority,
)

AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_an_event_certificate_names_the_party_and_hashes_the_id_number(tmp_path: Path) -> None:
    authority = load_authority(str(tmp_path))
    binding = event_binding("c1-o1", "s1", "seller", "ab" * 32)
    event = issue_event_certificate(
        authority.ca,
        name="李娜",
        id_number="442000198503152461",
        id_secret=authority.id_secret,
        binding=binding,
        role_label="卖方（甲方）",
        at=AT,
    )
    cert = event.cert
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "李娜"
    serial = subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
    # Keyed: the plain SHA-256 of an ID number is reversed by trying every birth date.
    assert serial == id_number_hmac(authority.id_secret, "442000198503152461")
    assert serial != hashlib.sha256(b"442000198503152461").hexdigest()
    assert b"442000198503152461" not in cert.tbs_certificate_bytes
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == [binding]
    assert binding.endswith(":order:c1-o1:party:s1:role:seller:document-sha256:" + "ab" * 32)
    assert cert.not_valid_after_utc - AT == EVENT_CERT_LIFETIME
    assert cert.issuer == authority.ca.cert.subject


def test_each_signature_gets_a_key_of_its_own(tmp_path: Path) -> None:
    authority = load_authority(str(tmp_path))
    made = [
        issue_event_certificate(
            authority.ca,
            name="王强",
            id_number="442000198307201350",
            id_secret=authority.id_secret,
            binding="urn:x",
            role_label="卖方（甲方）",
            at=AT,
        )
        for _ in range(2)
    ]
    assert made[0].cert.public_key() != made[1].cert.public_key()
    assert made[0].cert.serial_number != made[1].cert.serial_number


def test_the_authorities_are_generated_once_and_kept_private(tmp_path: Path) -> None:
    first, again = load_authority(str(tmp_path)), load_authority(str(tmp_path))
    assert first.ca.cert == again.ca.cert and first.tsa.cert == again.tsa.cert
    assert first.id_secret == again.id_secret and len(first.id_secret) == 32
    for name in ("sandbox-ca.pem", "sandbox-tsa.pem", "platform-seal.pem", "id-number-secret.b64"):
        assert stat.S_IMODE((tmp_path / "evidence" / name).stat().st_mode) == 0o600
    usage = first.tsa.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert first.ca.cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert first.ca.cert.not_valid_before_utc < AT - timedelta(days=365)
