"""Reading the events feed (``GET /api/v1/events``): the caller's events after a cursor.

Who sees what follows who may read a contract (``usecases.contracts``): center staff every
event, an agency admin the agency's (its endpoints' events included), a practitioner those of
the contracts it drafted. The cursor is the last ``seq`` seen; the feed has no gaps and grows
only at its head (``schedulers.feed``), so "after the cursor, oldest first" never skips.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from signing_flow.codec import from_doc
from signing_flow.errors import Forbidden
from signing_flow.events import FeedEntry
from signing_flow.ports import DocumentStore, Ports
from signing_flow.roles import Actor, Role

FEED = "feed"


@dataclass(frozen=True)
class FeedPage:
    events: list[FeedEntry]
    next_cursor: int  # the last seq given, or the cursor asked for when nothing was new
    has_more: bool  # a full page: ask again at once


def visible_to(actor: Actor) -> dict[str, Any]:
    """The feed's filter for what ``actor`` may read."""
    if actor.role is Role.CENTER_STAFF:
        return {}
    if actor.role is Role.AGENCY_ADMIN:
        return {"agency_id": actor.agency_id}
    if actor.role is Role.PRACTITIONER:
        return {"practitioner_id": actor.account_id}
    raise Forbidden(
        "只有中介机构、从业人员和交易中心账号可以读取事件 (agency, practitioner and staff accounts only)",
        code="ROLE_NOT_ALLOWED",
    )


async def list_events(
    ports: Ports, actor: Actor, after: int, limit: int, types: Collection[str] = ()
) -> FeedPage:
    """Up to ``limit`` of the caller's events after ``after``, oldest first; ``types`` keeps
    those of these types only (empty: all)."""
    where: dict[str, Any] = {**visible_to(actor), "seq": {"$gt": after}}
    if types:
        where["type"] = {"$in": sorted(types)}
    docs = await ports.store.find(FEED, where, sort="seq", limit=limit)
    entries = [from_doc(FeedEntry, d) for d in docs]
    return FeedPage(
        events=entries,
        next_cursor=entries[-1].seq if entries else after,
        has_more=len(entries) == limit,
    )


async def feed_head(store: DocumentStore) -> int:
    """The feed's highest place taken, 0 while it is empty."""
    top = await store.find(FEED, {}, sort="seq", descending=True, limit=1)
    return int(top[0]["seq"]) if top else 0
