"""What the sandbox CCB keeps, in our store like the other sandbox providers (so it survives a
restart and every process of the sandbox sees the same bank), and its deterministic rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from signing_flow.ports import CollectionSpec, DocumentStore
from signing_flow.repository import Repository

APPLICATIONS = "sandbox_ccb_applications"
NOTICES = "sandbox_ccb_notices"
SWITCHES = "sandbox_ccb_switches"
NONCES = "sandbox_ccb_nonces"  # each signed request's app id and nonce, used once
COLLECTIONS = {
    APPLICATIONS: CollectionSpec(indexed=("contract_id", "created_at")),
    NOTICES: CollectionSpec(indexed=("application_id", "sent_at")),
    SWITCHES: CollectionSpec(),
    NONCES: CollectionSpec(indexed=("seen_at",)),
}
OUTAGE = "outage"  # the one switch: while on, the open API answers 503
STATUS_LABELS = {
    "pending": "待签监管协议",
    "signed": "已签监管协议",
    "rejected": "银行退回",
    "cancelled": "已撤销",
}


class Rule(StrEnum):
    """What a magic supervised amount does (docs/sandbox.md): the yuan below a thousand."""

    NONE = "none"
    REJECT = "reject"  # ¥…401: the bank rejects the agreement once all confirm, with a reason
    HOLD = "hold"  # ¥…402: the callback is held until released (a callback that comes late)
    DUPLICATE = "duplicate"  # ¥…403: the same callback (same notification id) posted twice
    BAD_SIGNATURE = "bad_signature"  # ¥…404: the callback is signed with a key not published


MAGIC_YUAN = {401: Rule.REJECT, 402: Rule.HOLD, 403: Rule.DUPLICATE, 404: Rule.BAD_SIGNATURE}
REJECT_REASON = "监管资金账户核验未通过（沙箱规则：金额尾数401元）"


def rule_for(amount_fen: int) -> Rule:
    return MAGIC_YUAN.get(amount_fen // 100 % 1000, Rule.NONE)


@dataclass
class Party:
    key: str  # "seller-1", "buyer-2": who is who on the bank's page
    role: str  # "seller" or "buyer"
    name: str
    confirmed: bool = False


@dataclass
class Application:
    id: str
    app_id: str
    contract_id: str
    contract_number: str
    property_address: str
    price_fen: int  # the amount the platform proposed: the page's default
    amount_fen: int  # the amount the parties confirm
    parties: list[Party]
    notify_url: str
    return_url: str
    created_at: datetime
    updated_at: datetime
    status: str = "pending"  # pending, signed, rejected, cancelled (the open API's)
    seller_account: str | None = None  # the seller's receiving account
    buyer_account: str | None = None  # the buyer's paying account
    agreement_number: str | None = None
    supervision_account: str | None = None
    reason: str | None = None
    version: int = 0


@dataclass
class Notice:
    """One callback the bank made (or holds): the same notice resent keeps its id and body."""

    id: str  # the notification id
    application_id: str
    status: str
    body: str
    sent_at: datetime
    rule: str = Rule.NONE.value
    held: bool = False
    deliveries: list[int] = field(default_factory=list)  # the HTTP status of each; 0: no answer
    version: int = 0


@dataclass
class Switch:
    id: str
    on: bool
    version: int = 0


@dataclass
class Nonce:
    id: str  # "<app id> <nonce>"
    seen_at: datetime
    version: int = 0


def nonces(store: DocumentStore) -> Repository[Nonce]:
    return Repository(store, NONCES, Nonce)


def applications(store: DocumentStore) -> Repository[Application]:
    return Repository(store, APPLICATIONS, Application)


def notices(store: DocumentStore) -> Repository[Notice]:
    return Repository(store, NOTICES, Notice)


def switches(store: DocumentStore) -> Repository[Switch]:
    return Repository(store, SWITCHES, Switch)
