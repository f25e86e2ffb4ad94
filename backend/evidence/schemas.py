"""GET /api/v1/evidence-certificates: the anchors an evidence bundle is checked against."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EvidenceCertificate(BaseModel):
    subject: str
    sha256: str = Field(
        description="SHA-256 of the certificate's DER, hex: pass the CA's to "
        "wangqian verify-evidence --ca-sha256"
    )
    pem: str


class EvidenceCertificates(BaseModel):
    ca: EvidenceCertificate = Field(
        description="沙箱根证书: issues the event, seal and TSA certificates"
    )
    tsa: EvidenceCertificate = Field(description="沙箱时间戳服务 (RFC 3161)")
    seal: EvidenceCertificate = Field(description="平台电子签章")
