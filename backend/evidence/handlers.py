"""GET /api/v1/contracts/{id}/evidence.zip (the agent's side) and GET /mp/v1/evidence.zip (a
party's session): the evidence bundle of the last submitted order (``backend.evidence.bundle``)."""

from __future__ import annotations

from aiohttp import web
from cryptography.hazmat.primitives import hashes

from backend.appkeys import PORTS, SIGNER
from backend.evidence.authority import KeyAndCert
from backend.evidence.bundle import build_bundle
from backend.evidence.pdf_store import StoredPdfs
from backend.evidence.schemas import EvidenceCertificate, EvidenceCertificates
from backend.http import actor_of, bearer_token, respond
from signing_flow.errors import DependencyUnavailable
from signing_flow.models import Contract, SigningOrder
from signing_flow.usecases.evidence import contract_evidence, party_evidence


def _stored_pdfs(request: web.Request) -> StoredPdfs:
    pdfs = request.app[PORTS].evidence
    if not isinstance(pdfs, StoredPdfs):
        raise DependencyUnavailable(
            "证据包未启用 (the signed PDF is turned off: WANGQIAN_EVIDENCE_PDF)",
            code="EVIDENCE_UNAVAILABLE",
        )
    return pdfs


def _certificate(held: KeyAndCert) -> EvidenceCertificate:
    return EvidenceCertificate(
        subject=held.cert.subject.rfc4514_string(),
        sha256=held.cert.fingerprint(hashes.SHA256()).hex(),
        pem=held.cert_pem.decode(),
    )


async def evidence_certificates(request: web.Request) -> web.Response:
    """The anchors, published apart from any bundle: a bundle's own CA proves nothing."""
    authority = _stored_pdfs(request).authority
    return respond(
        EvidenceCertificates(
            ca=_certificate(authority.ca),
            tsa=_certificate(authority.tsa),
            seal=_certificate(authority.seal),
        )
    )


async def _bundle(request: web.Request, contract: Contract, order: SigningOrder) -> web.Response:
    pdfs = _stored_pdfs(request)
    await pdfs.seal(contract, order)  # catches up a seal that failed at submit; else nothing
    doc = await pdfs.get(order.id)
    if doc is None or doc["sealed_at"] is None:
        raise DependencyUnavailable(
            "证据包暂不可用，请稍后重试 (the sealed PDF is not ready)", code="EVIDENCE_UNAVAILABLE"
        )
    signer = request.app[SIGNER]
    data = build_bundle(
        contract, order, doc, pdfs.authority, signer, {"keys": [signer.public_key()]}
    )
    name = f"evidence-{contract.number}-{order.id.rsplit('-', 1)[-1]}.zip"
    return web.Response(
        body=data,
        content_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


async def contract_bundle(request: web.Request) -> web.Response:
    actor = await actor_of(request)
    contract, order = await contract_evidence(request.app[PORTS], actor, request.match_info["id"])
    return await _bundle(request, contract, order)


async def party_bundle(request: web.Request) -> web.Response:
    contract, order = await party_evidence(request.app[PORTS], bearer_token(request))
    return await _bundle(request, contract, order)
