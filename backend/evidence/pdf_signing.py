"""The signed contract PDF, revision by revision (pyHanko; docs/evidence.md, 签署顺序):

1. ``prepare``: the rendered contract (which carries the document text as the attachment
   ``document.txt``, the exact text whose SHA-256 the order fixes), then one incremental update
   that adds a blank last page reserved for the completion certificate.
2. ``sign_for_party``: per party, one incremental PAdES signature (B-T: with a signature
   timestamp from the sandbox TSA) under a fresh event certificate.
3. ``seal``: the platform's seal signature, in a new field whose widget covers the reserved page
   and whose appearance is the completion certificate (签署完成证明); then an RFC 3161 document
   timestamp.

Why the reserved page: pyHanko's difference analysis rejects any change of the page tree after
a signature ("Unexpected change to page tree structure"), so a page appended at filing would
invalidate every party's signature for it. A new signature field with its appearance on an
existing page is form filling, which an approval signature allows. pdfsig does not analyse
later revisions at all.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import algos, cms, core, keys, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import Certificate
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, general, signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession, PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from backend.evidence.authority import Authority, KeyAndCert

DOCUMENT_ATTACHMENT = "document.txt"
SEAL_FIELD = "platform_seal"
TIMESTAMP_FIELD = "document_timestamp"


def asn1_cert(cert: Certificate) -> x509.Certificate:
    return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: ec.EllipticCurvePrivateKey) -> keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return keys.PrivateKeyInfo.load(der)


class SandboxTsa(DummyTimeStamper):
    """The sandbox TSA answering in-process: RFC 3161 tokens signed with its ECDSA key, at the
    service clock's time (pyHanko's test TSA signs with RSA only)."""

    def __init__(self, tsa: KeyAndCert, ca: KeyAndCert, at: datetime) -> None:
        super().__init__(
            asn1_cert(tsa.cert),
            _asn1_key(tsa.key),
            certs_to_embed=SimpleCertificateStore.from_certs([asn1_cert(ca.cert)]),
            fixed_dt=at,
        )
        self._key = tsa.key

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        signed_attrs = cms.CMSAttributes(
            [
                general.simple_cms_attribute("content_type", "tst_info"),
                general.simple_cms_attribute(
                    "signing_time", cms.Time({"utc_time": core.UTCTime(dt)})
                ),
                general.simple_cms_attribute(
                    "signing_certificate", general.as_signing_certificate(self.tsa_cert)
                ),
                general.simple_cms_attribute(
                    "message_digest", hashlib.new(md_algorithm, tst_info_data).digest()
                ),
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
        return signature, signed_attrs

    def _build_signed_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = super()._build_signed_data(*args, **kwargs)
        data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": "sha256_ecdsa"}
        )
        return data


class _TimedSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is the service clock's, not the machine's."""

    def __init__(self, *args: Any, at: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._at = at

    def init_signing_session(
        self, pdf_out: Any, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._at
        return session


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def prepare(rendered: bytes, document_text: str) -> bytes:
    """The PDF the parties sign: the rendered contract, the reserved last page and the text."""
    writer = IncrementalPdfFileWriter(BytesIO(rendered))
    last = writer.root["/Pages"]["/Kids"][-1].get_object()
    box = last.get("/MediaBox", generic.ArrayObject([0, 0, 595, 842]))
    empty = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                generic.pdf_name("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(int(v)) for v in box]
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(),
                generic.pdf_name("/Contents"): empty,
            }
        )
    )
    data = document_text.encode()
    if attached_document(writer.root) is None:  # the renderer attaches it; older ones did not
        embed_file(
            writer,
            FileSpec(
                file_spec_string=DOCUMENT_ATTACHMENT,
                file_name=DOCUMENT_ATTACHMENT,
                embedded_data=EmbeddedFileObject.from_file_data(
                    writer, data, mime_type="text/plain", params=EmbeddedFileParams()
                ),
                description=f"合同文本 SHA-256 {hashlib.sha256(data).hexdigest()}",
            ),
        )
    elif attached_document(writer.root) != data:
        raise ValueError("the rendered PDF carries another document than the order's")
    return _written(writer)


def attached_document(root: Any) -> bytes | None:
    """The bytes of ``document.txt`` attached under ``root`` (a catalog), or None."""
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == DOCUMENT_ATTACHMENT:
            data: bytes = names[i + 1].get_object()["/EF"]["/F"].get_object().data
            return data
    return None


def _signer(key_and_cert: KeyAndCert, ca: KeyAndCert) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=asn1_cert(key_and_cert.cert),
        signing_key=_asn1_key(key_and_cert.key),
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert(ca.cert)]),
    )


def sign_for_party(
    pdf: bytes,
    authority: Authority,
    event: KeyAndCert,
    *,
    field_name: str,
    reason: str,
    at: datetime,
) -> bytes:
    """Add one party's signature as an incremental update (the caller drops ``event``)."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location="中山市",
    )
    signer = _TimedSigner(
        meta,
        _signer(event, authority.ca),
        timestamper=SandboxTsa(authority.tsa, authority.ca, at),
        at=at,
    )
    signed: BytesIO = signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
    return signed.getvalue()


class _ImportedCertificate(PdfContent):
    """The completion certificate as the seal's appearance: its page as a form XObject, at full
    size. A certificate of k > 1 pages (many parties) is drawn side by side at 1/k scale, since
    one page was reserved (vector content: it zooms); docs/evidence.md."""

    def __init__(self, certificate_pdf: bytes) -> None:
        super().__init__()
        self.certificate_pdf = certificate_pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        reader = PdfFileReader(BytesIO(self.certificate_pdf))
        count = int(reader.root["/Pages"]["/Count"])
        ops, width, height = [], 0.0, 0.0
        for i in range(count):
            xobj = writer.import_page_as_xobject(reader, i)
            self.resources.xobject[f"/Certificate{i}"] = xobj
            x1, y1, x2, y2 = (float(v) for v in xobj.get_object()["/BBox"])
            width, height = abs(x2 - x1), abs(y2 - y1)
            k = 1 / count
            top = height * (1 - k)  # the pages' tops at the top of the reserved page
            ops.append(
                f"q {k:.4f} 0 0 {k:.4f} {i * width * k:.2f} {top:.2f} cm /Certificate{i} Do Q"
            )
        self.box = BoxConstraints(width=width, height=height)
        return "\n".join(ops).encode()


def seal(pdf: bytes, authority: Authority, certificate_pdf: bytes, at: datetime) -> bytes:
    """The platform's seal over everything, shown as the completion certificate on the last
    page, then the RFC 3161 document timestamp."""
    reader = PdfFileReader(BytesIO(pdf))
    pages = int(reader.root["/Pages"]["/Count"])
    x1, y1, x2, y2 = (float(v) for v in reader.root["/Pages"]["/Kids"][-1]["/MediaBox"])
    tsa = SandboxTsa(authority.tsa, authority.ca, at)
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="网签备案：签署完成证明",
        location="中山市",
    )
    signer = _TimedSigner(
        meta,
        _signer(authority.seal, authority.ca),
        timestamper=tsa,
        stamp_style=StaticStampStyle(
            background=_ImportedCertificate(certificate_pdf), border_width=0
        ),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=SEAL_FIELD, on_page=pages - 1, box=(int(x1), int(y1), int(x2), int(y2))
        ),
        at=at,
    )
    sealed_out: BytesIO = signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
    sealed = sealed_out.getvalue()
    stamped: BytesIO = PdfTimeStamper(tsa, field_name=TIMESTAMP_FIELD).timestamp_pdf(
        IncrementalPdfFileWriter(BytesIO(sealed)), "sha256"
    )
    return stamped.getvalue()
