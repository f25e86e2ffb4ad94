"""The feed's response bodies: ``signing_flow.events.public_view`` as a model, for the OpenAPI
document (a webhook posts the same JSON)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from signing_flow.events import FeedEntry, PublicType, public_view


class EventOut(BaseModel):
    id: str
    type: PublicType
    type_label: str
    cursor: int
    at: str
    contract_id: str | None
    contract_number: str | None
    contract_status: str | None
    contract_status_label: str | None
    order_id: str | None
    party_id: str | None
    endpoint_id: str | None
    version: int | None
    data: dict[str, Any]

    @classmethod
    def of(cls, entry: FeedEntry) -> EventOut:
        return cls.model_validate(public_view(entry))


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: int
    has_more: bool
