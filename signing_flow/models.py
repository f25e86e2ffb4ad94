"""The aggregates and their parts, as plain dataclasses.

Each aggregate (Account, Session, RegistryProperty, Contract, Agency, Practitioner) is stored as
one document with a ``version`` used for compare-and-set. Their states change only through
their methods (``Contract.apply``, ``SigningOrder.apply``, …), which run the transition tables
of ``states`` and record what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from signing_flow.audit import AuditEvent, append_event, event_id
from signing_flow.errors import InvalidState
from signing_flow.roles import Actor, Role
from signing_flow.sale_contract import (
    Annex,
    BreachTerms,
    PaymentTerms,
    PropertyTerms,
    TransferTerms,
)
from signing_flow.states import (
    ACTIVE_STATUSES,
    CONTRACT,
    ORDER,
    PARTY,
    PURGEABLE_STATUSES,
    offers,
)
from signing_flow.supervision import SupervisionApplication
from signing_flow.vocabulary import (
    Channel,
    ContractAction,
    ContractStatus,
    OrderAction,
    OrderPurpose,
    OrderStatus,
    PartyAction,
    PartyRole,
    PartyStep,
    TransferStatus,
)


@dataclass
class Account:
    id: str
    username: str
    role: Role
    display_name: str
    password_hash: str
    agency_id: str | None = None
    must_change_password: bool = True
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    # logins whose password is being checked, claimed before (signing_flow.lockout)
    logins_in_flight: int = 0
    login_claimed_at: datetime | None = None
    version: int = 0


@dataclass
class Session:
    """A bearer session; ``id`` is the SHA-256 of the token, never the token."""

    id: str
    account_id: str
    created_at: datetime
    expires_at: datetime
    revoked: bool = False
    version: int = 0


@dataclass
class Owner:
    name: str
    id_type: str
    id_number: str


@dataclass
class RegistryProperty:
    """A property as the real-estate registry (不动产登记) holds it."""

    id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    owners: list[Owner]
    co_ownership: str | None = None  # None for a sole owner, else "joint" or "shares"
    use: str | None = None  # 规划用途 (sale_terms.PropertyUse)
    mortgaged: bool = False  # 抵押登记 in force
    leased: bool = False  # 租赁登记备案 in force
    seized: bool = False  # 查封
    transfer_status: TransferStatus = TransferStatus.NONE
    version: int = 0


@dataclass
class PropertySnapshot:
    """The registry record as it was when the contract was created."""

    property_id: str
    cert_no: str
    unit_no: str
    address: str
    area_m2: str
    owners: list[Owner]
    # What the registry knew at verification; a snapshot stored before these existed reads
    # back as "unknown" (None) and the contract's own terms decide.
    use: str | None = None
    mortgaged: bool | None = None
    leased: bool | None = None
    co_ownership: str | None = None  # the owners' (the sellers') mode, as RegistryProperty's


@dataclass
class Party:
    id: str
    role: PartyRole
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    phone: str | None = None
    share_bp: int | None = None  # basis points of ownership when co-ownership is by shares


@dataclass
class Applicant:
    """申请人信息."""

    name: str | None = None
    phone: str | None = None


@dataclass
class Evaluation:
    """好差评: level 1 (非常不满意) to 5 (非常满意)."""

    level: int | None = None
    comment: str | None = None


@dataclass
class FundSupervision:
    """资金监管: escrow with a bank, or a joint waiver statement signed by the parties."""

    enabled: bool | None = None
    bank: str | None = None  # "ccb" (建设银行 龙存管, online) or "zsrcb" (农商银行, at a branch)


@dataclass
class SignatureReceipt:
    """What the platform signed for one party (DESIGN §7); ``payload`` is signed as canonical JSON."""

    payload: dict[str, Any]
    key_id: str
    signature: str
    alg: str = "Ed25519"


@dataclass
class OrderParty:
    """One seller's or buyer's progress through the mini-program for one order."""

    party_id: str
    role: PartyRole
    name: str
    id_type: str
    id_number: str
    step: PartyStep = PartyStep.PENDING
    step_times: dict[str, datetime] = field(default_factory=dict)
    failed_checks: int = 0
    # The QR token is derived from (order, party, qr_serial) with a server secret, so the same
    # token can be shown again without storing it; only its hash is kept.
    qr_serial: int = 0
    qr_token_hash: str | None = None
    qr_expires_at: datetime | None = None
    qr_used: bool = False
    session_hash: str | None = None
    session_expires_at: datetime | None = None
    verified_at: datetime | None = None
    receipt: SignatureReceipt | None = None
    decline_reason: str | None = None

    def ensure_can(self, action: PartyAction) -> None:
        """OUT_OF_ORDER (409) naming the step to take instead, unless ``action`` is next."""
        PARTY.ensure(self.step, action)


@dataclass
class SigningOrder:
    id: str
    purpose: OrderPurpose
    status: OrderStatus
    created_at: datetime
    expires_at: datetime
    document: str
    document_sha256: str
    parties: list[OrderParty]
    version: int = 1  # bumped on every change of the order; the agent's ETag and long-poll key
    ended_at: datetime | None = None
    reason: str | None = None

    def party(self, party_id: str) -> OrderParty | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    def apply(self, action: OrderAction, at: datetime) -> None:
        ORDER.apply(self, action)
        self.version += 1
        if ORDER.is_final(self.status):
            self.ended_at = at

    def refusal(self, action: str) -> InvalidState:
        """The 409 for an agent's ``action`` the order's state does not allow."""
        return ORDER.refusal(self.status, action, ORDER.actions(self.status))

    def step(self, party: OrderParty, action: PartyAction, at: datetime) -> None:
        """Move one party's step along; the order's version counts every party's progress."""
        PARTY.apply(party, action)
        party.step_times[party.step.value] = at
        self.version += 1


@dataclass
class Appearance:
    """How one party took part at the window: in person with a valid ID, or through a proxy."""

    party_id: str
    appeared: bool = False
    id_checked: bool = False  # 有效身份证件原件 seen
    proxy_name: str | None = None
    proxy_id_number: str | None = None
    poa_notarised: bool = False
    poa_names_matter: bool = False  # the notarised POA names this very matter
    father_present: bool = False
    mother_present: bool = False
    # 未成年人 as staff found it, for a document that carries no birth date (passport, 通行证)
    minor: bool = False
    documents: dict[str, str] = field(default_factory=dict)  # WindowDocument → file id


@dataclass
class WindowCase:
    """A filing or cancellation handled by center staff at the window."""

    purpose: OrderPurpose
    opened_by: str
    opened_at: datetime
    appearances: list[Appearance]
    in_review: bool = False
    signed_pages: list[str] = field(default_factory=list)  # file ids
    reason: str | None = None  # the cancellation's reason
    rejection: str | None = None  # the last review's reason for sending it back

    def appearance(self, party_id: str) -> Appearance | None:
        return next((a for a in self.appearances if a.party_id == party_id), None)


@dataclass
class Contract:
    id: str
    number: str
    status: ContractStatus
    channel: Channel
    agency_id: str
    practitioner_id: str
    property: PropertySnapshot
    # Set to the property id while the contract is active and to "released:<id>" afterwards:
    # a unique index on it is what keeps a property to one active contract in both stores.
    property_lock: str
    created_at: datetime
    updated_at: datetime
    purge_at: datetime
    sellers: list[Party] = field(default_factory=list)
    buyers: list[Party] = field(default_factory=list)
    co_ownership: str | None = None  # buyers' mode when more than one: "joint" or "shares"
    price_fen: int | None = None
    payment_method: str | None = None
    delivery_date: date | None = None
    applicant: Applicant = field(default_factory=Applicant)
    evaluation: Evaluation = field(default_factory=Evaluation)
    fund_supervision: FundSupervision = field(default_factory=FundSupervision)
    acknowledgements: dict[str, bool] = field(default_factory=dict)
    # The rest of the sale contract (``sale_contract``), empty until the agent fills it in.
    property_terms: PropertyTerms = field(default_factory=PropertyTerms)
    payment: PaymentTerms = field(default_factory=PaymentTerms)
    taxes: dict[str, str] = field(default_factory=dict)  # Fee → Bearer
    transfer: TransferTerms = field(default_factory=TransferTerms)
    breach: BreachTerms = field(default_factory=BreachTerms)
    dispute: str | None = None  # DisputeMode
    supplementary_terms: str | None = None
    annexes: list[Annex] = field(default_factory=list)
    orders: list[SigningOrder] = field(default_factory=list)
    open_order_id: str | None = None  # the order awaiting signatures or submission, if any
    order_expires_at: datetime | None = None  # copied from the open order, for the expiry sweep
    cancellation_reason: str | None = None
    filed_via: Channel | None = None  # how it was filed: decides how it may be cancelled
    window_case: WindowCase | None = None
    # 资金监管 at the bank (``signing_flow.supervision``): the current agreement, the ones it
    # replaced, and since when the status job should ask the bank about a pending one (None:
    # nothing to ask; a top-level field, so that the job's query has an index)
    supervision: SupervisionApplication | None = None
    past_supervisions: list[SupervisionApplication] = field(default_factory=list)
    supervision_check_at: datetime | None = None
    events: list[AuditEvent] = field(default_factory=list)
    version: int = 0
    # The events feed's marker (``schedulers.feed``): True once a write records an event and
    # until the mover has copied every event to the feed; None on contracts written before the
    # feed (moved too). ``events_moved`` is the last ``seq`` copied. The mover sets both without
    # moving ``version`` (``DocumentStore.set_fields``).
    feed_pending: bool | None = None
    events_moved: int = 0

    # How many of ``events`` were read with the contract: the later ones are new (``new_events``).
    # Not a field, so never stored.
    _read_events = 0

    def __post_init__(self) -> None:
        self._read_events = len(self.events)
        for event in self.events:
            if not event.id:  # written before events had ids (``signing_flow.audit``)
                event.id = event_id(self.id, event.seq)

    def order(self, order_id: str) -> SigningOrder | None:
        return next((o for o in self.orders if o.id == order_id), None)

    def parties(self) -> list[Party]:
        return [*self.sellers, *self.buyers]

    def purge_deadline(self) -> datetime | None:
        """When the automatic deletion will take this contract; None once it no longer applies
        (signed, filed, cancelled, deleted: ``PURGEABLE_STATUSES``). ``purge_at`` is kept."""
        return self.purge_at if self.status in PURGEABLE_STATUSES else None

    def allowed_actions(self, role: Role) -> list[str]:
        """What a caller of ``role`` can do with this contract now (``states.offers``)."""
        order = self.order(self.open_order_id or "")
        return offers(
            self.status,
            role,
            channel=self.channel,
            filed_via=self.filed_via,
            open_order=order.status if order else None,
        )

    def ensure_can(self, action: ContractAction, actor: Actor) -> None:
        """CONTRACT_STATE_CONFLICT (409) unless the state allows ``action``."""
        CONTRACT.ensure(self.status, action, lambda: self.allowed_actions(actor.role))

    def apply(
        self, action: ContractAction, actor: Actor, at: datetime, data: dict[str, Any] | None = None
    ) -> None:
        """Move along the transition table and record the audit event for it."""
        previous = CONTRACT.apply(self, action, lambda: self.allowed_actions(actor.role))
        self.updated_at = at
        if self.status not in ACTIVE_STATUSES:
            self.property_lock = f"released:{self.id}"
        self.record(action, actor, at, data, from_status=previous)

    def record(
        self,
        action: str,
        actor: Actor,
        at: datetime,
        data: dict[str, Any] | None = None,
        *,
        from_status: ContractStatus | None = None,
    ) -> AuditEvent:
        """Append the audit event of ``action`` (``audit.EventType`` names every one)."""
        self.feed_pending = True
        order = self.order(str((data or {}).get("order_id") or ""))
        return append_event(
            self.events,
            self.id,
            action,
            actor,
            at,
            data,
            from_status=from_status.value if from_status else None,
            to_status=self.status.value,
            # the order's version is already moved by the step; the contract's moves on saving
            resource_version=order.version if order is not None else self.version + 1,
        )

    def new_events(self) -> list[AuditEvent]:
        """The events recorded since the contract was read or last handed on."""
        return self.events[self._read_events :]

    def events_handed_on(self) -> None:
        self._read_events = len(self.events)
