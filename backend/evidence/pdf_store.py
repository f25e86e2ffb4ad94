"""The signed contract PDF of each order, in the store (collection ``evidence_pdfs``, one
document per order: ``_id`` = the order id), so SQLite and MongoDB/FerretDB both hold it.

One writer per PDF: every change reads the stored PDF, signs on top of it (pyHanko, in a worker
thread) and writes it back with a compare-and-set on its ``version``. A writer that loses (two
parties signing at the same moment, in one process or two) reads again and adds only what is
still missing, so no signature is lost or added twice, and each lands on top of the one before.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.evidence import pdf_signing
from backend.evidence.authority import (
    Authority,
    event_binding,
    issue_event_certificate,
    serial_hex,
)
from backend.evidence.facts import ROLE_LABELS, completion_facts
from backend.evidence.pdf_render import render_completion_certificate, render_contract_pdf
from signing_flow.audit import EventType
from signing_flow.codec import encode_time
from signing_flow.errors import DuplicateKey, VersionConflict
from signing_flow.models import Contract, SigningOrder
from signing_flow.ports import Clock, Doc, DocumentStore
from signing_flow.repository import with_retries
from signing_flow.vocabulary import OrderStatus, PartyStep

COLLECTION = "evidence_pdfs"
_CLOSING_EVENTS = (EventType.CONTRACT_FILED.value, EventType.CONTRACT_CANCELLED.value)


def party_field(party_id: str) -> str:
    return f"party_{party_id}"


def pdf_bytes(doc: Doc) -> bytes:
    return base64.b64decode(doc["pdf_b64"])


def _prepared(order: SigningOrder) -> bytes:
    return pdf_signing.prepare(render_contract_pdf(order.document), order.document)


def filed_at(contract: Contract, order: SigningOrder) -> datetime | None:
    """When the order's submit filed (or cancelled) the contract: its audit event's time."""
    for event in reversed(contract.events):
        if event.type in _CLOSING_EVENTS and event.data.get("order_id") == order.id:
            return event.at
    return None


@dataclass
class StoredPdfs:
    """``signing_flow.ports.SignedPdf`` on the document store."""

    store: DocumentStore
    authority: Authority
    clock: Clock

    async def get(self, order_id: str) -> Doc | None:
        return await self.store.get(COLLECTION, order_id)

    async def prepare(self, contract: Contract, order: SigningOrder) -> None:
        async with self.store.writing(COLLECTION, order.id):
            await with_retries(lambda: self._current(contract, order))

    async def add_signatures(self, contract: Contract, order: SigningOrder) -> None:
        await self._bring_up_to_date(contract, order, seal=False)

    async def seal(self, contract: Contract, order: SigningOrder) -> None:
        if order.status is OrderStatus.SUBMITTED:
            await self._bring_up_to_date(contract, order, seal=True)

    async def _bring_up_to_date(self, contract: Contract, order: SigningOrder, seal: bool) -> None:
        async def attempt() -> None:
            doc = await self._current(contract, order)
            changed = await asyncio.to_thread(self._advance, doc, contract, order, seal)
            if changed:
                await self.store.compare_and_set(COLLECTION, doc, doc["version"])

        async with self.store.writing(COLLECTION, order.id):
            await with_retries(attempt)

    async def _current(self, contract: Contract, order: SigningOrder) -> Doc:
        """The stored PDF; the first writer renders it (once per order)."""
        doc = await self.store.get(COLLECTION, order.id)
        if doc is not None:
            return doc
        pdf = await asyncio.to_thread(_prepared, order)
        doc = {
            "_id": order.id,
            "version": 0,
            "contract_id": contract.id,
            "document_sha256": order.document_sha256,
            "pdf_b64": base64.b64encode(pdf).decode(),
            "signers": [],
            "seal_serial": None,
            "sealed_at": None,
        }
        try:
            await self.store.insert(COLLECTION, doc)
        except DuplicateKey:
            raise VersionConflict("another writer rendered the PDF first") from None
        return doc

    def _advance(self, doc: Doc, contract: Contract, order: SigningOrder, seal: bool) -> bool:
        """Sign what is missing onto ``doc`` (in place); False when nothing was."""
        if doc["sealed_at"] is not None:
            return False
        pdf, done = pdf_bytes(doc), {s["party_id"] for s in doc["signers"]}
        signed = [p for p in order.parties if p.step is PartyStep.SIGNED]
        signed.sort(key=lambda p: p.step_times[PartyStep.SIGNED.value])
        missing = [p for p in signed if p.party_id not in done]
        for party in missing:
            at = self.clock.now()
            binding = event_binding(
                order.id, party.party_id, party.role.value, order.document_sha256
            )
            event = issue_event_certificate(
                self.authority.ca,
                name=party.name,
                id_number=party.id_number,
                id_secret=self.authority.id_secret,
                binding=binding,
                role_label=ROLE_LABELS[party.role],
                at=at,
            )
            pdf = pdf_signing.sign_for_party(
                pdf,
                self.authority,
                event,
                field_name=party_field(party.party_id),
                reason=f"{ROLE_LABELS[party.role]}签署 {order.id}",
                at=at,
            )
            doc["signers"].append(self._signer_record(party.party_id, event.cert, at))
            del event  # the key was for this one signature
        sealing = seal and len(signed) == len(order.parties)
        if sealing:
            at = self.clock.now()
            serial = serial_hex(self.authority.seal.cert)
            facts = completion_facts(
                contract, order, doc["signers"], serial, filed_at(contract, order) or at
            )
            pdf = pdf_signing.seal(pdf, self.authority, render_completion_certificate(facts), at)
            doc["seal_serial"], doc["sealed_at"] = serial, encode_time(at)
        doc["pdf_b64"] = base64.b64encode(pdf).decode()
        return bool(missing) or sealing

    @staticmethod
    def _signer_record(party_id: str, cert: Any, at: datetime) -> Doc:
        return {
            "party_id": party_id,
            "field": party_field(party_id),
            "certificate_serial": serial_hex(cert),
            "signed_at": encode_time(at),
        }
