"""The platform's sandbox certificate authority (CA), time-stamping authority (TSA) and seal.

All three are ECDSA P-256. They are generated on first run under ``<key_dir>/evidence/`` and kept
there like the receipt key (``backend.signing_keys``): each key with its certificate in one PEM
file, linked into place so that of two processes starting at once one wins and both use it. The
certificates (never the keys) go into every evidence bundle; ``wangqian verify-evidence`` and
``pdfsig``/pyHanko trust the bundled CA (docs/evidence.md).

Per-signer event certificates (事件证书, ``issue_event_certificate``): subject CN = the party's
name and serialNumber = HMAC-SHA256 of the ID number under a platform secret kept with the CA key
(``id_number_hmac``), never the number. Not its plain SHA-256: an ID number has so little entropy
(a region, a birth date, a check digit; the masked form on the certificate page shows all but
about ten digits) that its hash is reversed by trying them all in under a second; the keyed hash
cannot be tried without the secret. One subjectAltName
URI binds the certificate to the order, the party, the role and the document's SHA-256. The key
is made for one signature and dropped by the caller right after it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.signing_keys import load_or_create_secret, write_private_once

PLATFORM = "中山市存量房网签备案平台（沙箱）"
# Long enough to cover any sandbox clock (the clock moves forward at most a year or so) and the
# fixed test clocks of the past; a sandbox CA has no reason to expire.
_AUTHORITY_BACKDATE = timedelta(days=3 * 365)
_AUTHORITY_LIFETIME = timedelta(days=30 * 365)
# The event certificate's life: it covers the signature and the weeks in which the parties check
# their download with tools that judge a certificate at the present time (pdfsig); after that the
# timestamps prove when it was used (docs/evidence.md).
EVENT_CERT_LIFETIME = timedelta(days=30)
EVENT_CERT_BACKDATE = timedelta(minutes=5)
BINDING_PREFIX = "urn:wangqian:event-certificate"


@dataclass(frozen=True)
class KeyAndCert:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class Authority:
    ca: KeyAndCert
    tsa: KeyAndCert
    seal: KeyAndCert
    id_secret: bytes  # keys the event certificates' serialNumber (module doc)


def id_number_hmac(secret: bytes, id_number: str) -> str:
    return hmac.new(secret, id_number.encode(), hashlib.sha256).hexdigest()


def _name(common_name: str, *extra: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    attrs += [x509.NameAttribute(oid, value) for oid, value in extra]
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _key_usage(*, sign: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign and not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(
    issuer: KeyAndCert | None,
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    not_before: datetime,
    not_after: datetime,
    *,
    ca: bool = False,
    usage: x509.ObjectIdentifier | None = None,
    binding: str | None = None,
) -> x509.Certificate:
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(sign=not ca, ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    )
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
    if binding is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(binding)]), critical=False
        )
    return builder.sign(signer_key, hashes.SHA256())


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _load_or_create(path: Path, create: Callable[[], KeyAndCert]) -> KeyAndCert:
    if not path.exists():
        made = create()
        pem = made.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_private_once(path, pem + made.cert_pem)
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return KeyAndCert(key, x509.load_pem_x509_certificate(data))


def load_authority(key_dir: str) -> Authority:
    """The CA, TSA and seal of ``<key_dir>/evidence``, generated on first use."""
    folder = Path(key_dir) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    start, end = now - _AUTHORITY_BACKDATE, now + _AUTHORITY_LIFETIME

    def make_ca() -> KeyAndCert:
        key = _new_key()
        subject = _name(
            "网签平台沙箱根证书 (wangqian sandbox CA)", (NameOID.ORGANIZATION_NAME, PLATFORM)
        )
        return KeyAndCert(key, _issue(None, subject, key, start, end, ca=True))

    ca = _load_or_create(folder / "sandbox-ca.pem", make_ca)

    def make_leaf(common_name: str, usage: x509.ObjectIdentifier | None) -> KeyAndCert:
        key = _new_key()
        subject = _name(common_name, (NameOID.ORGANIZATION_NAME, PLATFORM))
        return KeyAndCert(key, _issue(ca, subject, key, start, end, usage=usage))

    tsa = _load_or_create(
        folder / "sandbox-tsa.pem",
        lambda: make_leaf(
            "网签平台沙箱时间戳服务 (wangqian sandbox TSA)", ExtendedKeyUsageOID.TIME_STAMPING
        ),
    )
    seal = _load_or_create(
        folder / "platform-seal.pem",
        lambda: make_leaf("网签平台电子签章 (wangqian platform seal)", None),
    )
    secret = load_or_create_secret(folder / "id-number-secret.b64")
    return Authority(ca=ca, tsa=tsa, seal=seal, id_secret=secret)


def event_binding(order_id: str, party_id: str, role: str, document_sha256: str) -> str:
    """The subjectAltName URI that ties an event certificate to one signature's context."""
    return (
        f"{BINDING_PREFIX}:order:{order_id}:party:{party_id}:role:{role}"
        f":document-sha256:{document_sha256}"
    )


def issue_event_certificate(
    ca: KeyAndCert,
    *,
    name: str,
    id_number: str,
    id_secret: bytes,
    binding: str,
    role_label: str,
    at: datetime,
) -> KeyAndCert:
    """A fresh key and its short-lived certificate, for one party's one signature."""
    key = _new_key()
    subject = _name(
        name,
        (NameOID.ORGANIZATION_NAME, PLATFORM),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, f"事件证书 {role_label}"),
        (NameOID.SERIAL_NUMBER, id_number_hmac(id_secret, id_number)),
    )
    start = at - EVENT_CERT_BACKDATE
    cert = _issue(ca, subject, key, start, at + EVENT_CERT_LIFETIME, binding=binding)
    return KeyAndCert(key, cert)


def serial_hex(cert: x509.Certificate) -> str:
    return format(cert.serial_number, "x")
