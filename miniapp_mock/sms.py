"""The sandbox SMS gateway: an outbox in the document store instead of a phone network.

Implements ``signing_flow.ports.SmsGateway``. The outbox is a collection (``sms_outbox``), so it
survives restarts and every app process sees the same messages; integrators read it at
``GET /sandbox/v1/sms`` (sandbox only). Message texts are never logged: they carry passwords.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from signing_flow.ports import Clock, CollectionSpec, DocumentStore
from signing_flow.repository import Repository
from signing_flow.secrets import new_id

COLLECTION = "sms_outbox"
SPEC = CollectionSpec(indexed=("phone", "sent_at"))


@dataclass
class SmsMessage:
    id: str
    phone: str
    text: str
    purpose: str  # "practitioner_login", "password_reset", …
    sent_at: datetime
    version: int = 0


def outbox(store: DocumentStore) -> Repository[SmsMessage]:
    return Repository(store, COLLECTION, SmsMessage)


class SandboxSms:
    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._outbox = outbox(store)
        self._clock = clock

    async def send(self, phone: str, text: str, *, purpose: str) -> None:
        await self._outbox.insert(
            SmsMessage(
                id=new_id(), phone=phone, text=text, purpose=purpose, sent_at=self._clock.now()
            )
        )


async def read_outbox(
    store: DocumentStore, *, phone: str | None = None, limit: int = 50
) -> list[SmsMessage]:
    """The newest messages first, optionally only those to ``phone``."""
    where = {"phone": phone} if phone else {}
    return await outbox(store).find(where, sort="sent_at", descending=True, limit=limit)
