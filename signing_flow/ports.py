"""The ports: what the use cases need from the outside world, as Protocols.

The storage port is a small document store: one aggregate, one document, one write. Its query
language is the subset both SQLite and MongoDB run with an index: equality and the operators
``$in``, ``$ne``, ``$lt``, ``$lte``, ``$gt``, ``$gte`` on top-level or dotted (non-array) fields.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from signing_flow.agency_models import UnifiedPrincipal
from signing_flow.audit import AuditEvent
from signing_flow.checks import CheckResult
from signing_flow.errors import FieldProblem
from signing_flow.fund_supervision import FundSupervisionBank
from signing_flow.models import Contract, RegistryProperty, SigningOrder
from signing_flow.secrets import InlineHasher

Doc = dict[str, Any]
Where = Mapping[str, Any]


@dataclass(frozen=True)
class CollectionSpec:
    unique: tuple[str, ...] = ()
    indexed: tuple[str, ...] = ()
    # Multi-field indexes, for queries that filter on one field and range over another.
    compound: tuple[tuple[str, ...], ...] = ()


# The domain's collections, with the fields their queries filter or sort on. Both stores create
# these, and the collections the providers keep for themselves (``open_store``'s extra specs).
COLLECTIONS: dict[str, CollectionSpec] = {
    "accounts": CollectionSpec(unique=("username",), indexed=("agency_id",)),
    "sessions": CollectionSpec(indexed=("account_id",)),
    # token hash → where the token belongs (contract, order, party); the contract decides validity
    "tokens": CollectionSpec(),
    # uploaded files (signing_flow.uploads.StoredFile), referenced by id from their records
    "files": CollectionSpec(),
    # the signed contract PDF of each order (backend.evidence.pdf_store), _id = the order id
    "evidence_pdfs": CollectionSpec(),
    "contracts": CollectionSpec(
        unique=("number", "property_lock"),
        indexed=(
            "practitioner_id",
            "agency_id",
            "created_at",
            "feed_pending",
            "supervision_check_at",
        ),
        # status filters, and the sweeps' status IN (…) AND deadline <= now
        compound=(("status", "purge_at"), ("status", "order_expires_at")),
    ),
    # agency accounts and practitioners (guide §1): one filing number per agency, and one person
    # (by ID number, ``person_lock``) a practitioner of at most one agency at a time
    "agencies": CollectionSpec(unique=("filing_no",), indexed=("status",)),
    "practitioners": CollectionSpec(unique=("person_lock",), indexed=("agency_id", "status")),
    # net-sign account ⇄ unified identity account, one-to-one in both directions
    "unified_bindings": CollectionSpec(unique=("unified_account_id", "netsign_account_id")),
    # a bank's application id → its contract (``usecases.fund_supervision``): the bank's
    # callbacks name only the application
    "bank_applications": CollectionSpec(),
    # a 农商行 agreement number → the one contract it was entered on
    "branch_agreements": CollectionSpec(),
    # the events feed (signing_flow.events.FeedEntry): _id is the event id, seq its position
    "feed": CollectionSpec(
        unique=("seq",),
        compound=(("agency_id", "seq"), ("practitioner_id", "seq"), ("contract_id", "seq")),
    ),
    # webhooks (signing_flow.webhook_models): the due deliveries, one contract's in order, an
    # endpoint's log newest first, the log's excerpts to drop
    "webhook_endpoints": CollectionSpec(indexed=("agency_id", "status")),
    "webhook_deliveries": CollectionSpec(
        indexed=("excerpts_until",),
        compound=(
            ("status", "next_attempt_at"),
            ("endpoint_id", "contract_id", "event_seq"),
            ("endpoint_id", "created_at"),
        ),
    ),
}


class DocumentStore(Protocol):
    """Documents carry ``_id`` and ``version``; writes are compare-and-set on ``version``."""

    async def insert(self, collection: str, doc: Doc) -> None:
        """Insert a new document. Raises ``DuplicateKey`` on any unique-key collision."""

    async def get(self, collection: str, doc_id: str) -> Doc | None: ...

    async def get_versions(self, keys: Sequence[tuple[str, str]]) -> list[int | None]:
        """The stored versions of the documents ``(collection, id)``, None where there is no
        such document: a read small enough to make on every request (one statement on SQLite;
        see ``backend.storage.snapshots``)."""

    def writing(self, collection: str, doc_id: str) -> AbstractAsyncContextManager[None]:
        """``async with store.writing(collection, id):`` around one read-decide-write of a
        document (its retries included): the unit of work. A store may let the writers of one
        document in this process take turns, so that they do not lose compare-and-sets to each
        other; that only saves work. Across processes the compare-and-set still decides. Not
        re-entrant: one per use case."""

    async def find(
        self,
        collection: str,
        where: Where,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int | None = None,
    ) -> list[Doc]: ...

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        """Replace the document if its stored version still equals ``expected_version``; the
        stored and returned document has version ``expected_version + 1``. Raises
        ``VersionConflict`` when the version moved on (or the document is gone) and
        ``DuplicateKey`` on a unique-key collision."""

    async def compare_and_set_many(self, collection: str, items: list[tuple[Doc, int]]) -> int:
        """Compare-and-set each ``(doc, expected_version)`` in one bulk operation (one statement
        batch, one round trip). Returns how many were written; the others lost to a concurrent
        change and are left as they are (the caller re-reads them later). A unique-key
        collision raises ``DuplicateKey``; whether the other items were written then differs by
        store (SQLite: none, MongoDB: all it could), so callers re-read after one."""

    async def set_fields(
        self, collection: str, doc_id: str, expected_version: int, fields: Mapping[str, Any]
    ) -> bool:
        """Set top-level ``fields`` of the document if its version still equals
        ``expected_version``, leaving the version as it is; False when it moved on (or the
        document is gone). For bookkeeping that is no change of the aggregate (the events
        feed's marker on a contract): nobody's compare-and-set, ETag or kept answer moves. A
        writer that read the document before may write the old values back with its own
        compare-and-set; a caller must be content with that."""

    async def next_sequence(self, name: str) -> int:
        """An atomic counter: 1, 2, 3, … per name, never repeating, across processes."""

    async def ping(self) -> None:
        """Raise ``DependencyUnavailable`` when the store cannot be reached."""


# A sweep's decision on one contract: change it in place and answer True, or answer False to
# leave it. The second argument is the run's mark, which the decision records in the data of the
# last audit event it appends (``{"run": mark}``): after a partly lost bulk write the sweep tells
# its own writes apart by it (the hash chain forbids adding it afterwards).
SweepDecision = Callable[[Contract, str], bool]


class ContractSweeps(Protocol):
    """The scheduled jobs' query: every contract of some statuses whose deadline passed, in
    batches, each decided and the changed ones written back with one bulk compare-and-set."""

    async def sweep(
        self,
        deadline_field: str,
        statuses: Collection[str],
        until: datetime,
        decide: SweepDecision,
        *,
        batch_size: int | None = None,
    ) -> list[str]:
        """Run ``decide`` on every contract in ``statuses`` whose ``deadline_field`` is at or
        before ``until``; returns the numbers of those written. Idempotent and safe in several
        processes at once: a contract that changed between the read and the write is read and
        decided again, and one the decision leaves (or a ``DomainError`` refuses) is not
        written. ``decide`` may see a partial contract: a field it was not meant to read raises
        (``codec.NotDecoded``) rather than answer a stored document. ``batch_size``: None for
        the adapter's measured default."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""


class PropertyRegistry(Protocol):
    """The real-estate registry (不动产登记), read-only for us."""

    async def find_by_cert_no(self, cert_no: str) -> RegistryProperty | None:
        """By normalised certificate number (房产证号 or 不动产权证号)."""

    async def find_by_unit_no(self, unit_no: str) -> RegistryProperty | None: ...


class PoliceVerifier(Protocol):
    """微警认证: is this a live, unrevoked identity? Raises ``DependencyUnavailable`` when the
    police service does not answer (the party may retry; no attempt is used)."""

    async def verify(self, name: str, id_number: str) -> CheckResult:
        """None when the identity is confirmed, else the failure as the party should hear it
        (``ID_REVOKED``, …)."""


class FaceVerifier(Protocol):
    """人脸识别: does the face sample belong to the holder of ``id_number``, and is it live?"""

    async def verify(self, id_number: str, sample: str) -> CheckResult:
        """None on a match, else the failure as the party should hear it (``FACE_MISMATCH``,
        …). Raises ``DependencyUnavailable`` when the face service does not answer."""


class Signer(Protocol):
    """The platform's signing key (Ed25519) and the secret QR tokens are derived from."""

    key_id: str

    def sign(self, message: bytes) -> str:
        """The signature of ``message``, base64url without padding."""

    def derive_token(self, purpose: str, *parts: str) -> str:
        """A 256-bit token bound to ``parts``, the same every time for the same parts."""


@dataclass(frozen=True)
class Lifetimes:
    """Token and order lifetimes (DESIGN §6), in seconds."""

    agent_session: int = 12 * 3600
    qr_token: int = 10 * 60
    qr_rotate_before: int = 60
    party_session: int = 30 * 60
    order: int = 24 * 3600
    # 资金监管: how long an application opened for a signed or filed contract may wait at the
    # bank (a contract still before signing keeps its deletion deadline instead)
    supervision_days: int = 30


@dataclass(frozen=True)
class Ports:
    """What the use cases take. Built once per app in ``backend.app``'s cleanup context."""

    store: DocumentStore
    clock: Clock
    registry: PropertyRegistry
    police: PoliceVerifier
    face: FaceVerifier
    signer: Signer
    sms: SmsGateway
    unified_identity: UnifiedIdentity
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    # the service plugs backend.passwords.PooledHasher; tools and tests may keep the inline one
    passwords: PasswordHasher = field(default_factory=InlineHasher)
    public_base_url: str = "http://127.0.0.1:8080"
    # None: nobody reacts to events (tests, tools); the app passes backend.notifier's adapter
    notifier: Notifier | None = None
    # None: no webhooks can be registered or delivered (tools); the app passes its HTTP client
    webhooks: WebhookTransport | None = None
    # None: no bank is connected (tools); 建设银行 龙存管 applications answer 503 BANK_UNAVAILABLE
    bank: FundSupervisionBank | None = None
    # None: no signed PDF is kept (tools, unit tests); the app passes backend.evidence's
    evidence: SignedPdf | None = None


class SignedPdf(Protocol):
    """The contract PDF of an order, signed incrementally (PAdES) by each party and sealed by
    the platform when the order is submitted (docs/evidence.md). Each call brings the PDF up to
    date with the order as given, and does nothing that is already done; one writer at a time
    per order, across processes (a compare-and-set on the stored PDF's version)."""

    async def prepare(self, contract: Contract, order: SigningOrder) -> None:
        """Render the order's document and store it, ready to be signed (once per order)."""

    async def add_signatures(self, contract: Contract, order: SigningOrder) -> None:
        """Add the signature of every party that has signed and is not in the PDF yet."""

    async def seal(self, contract: Contract, order: SigningOrder) -> None:
        """For a submitted order: the missing signatures, the completion certificate, the
        platform's seal and the document timestamp."""


class PasswordHasher(Protocol):
    """Hashing and checking passwords (scrypt, ``signing_flow.secrets``). A port, not a function,
    because where the work runs is the service's business: each call costs tens of milliseconds
    of CPU, which the service spends off its event loop with a bounded concurrency
    (``backend.passwords``), so that logins queue and nothing else does. The rules only await."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password: str, stored: str) -> bool:
        """Whether ``password`` is the one ``stored`` was made from; False for a malformed hash."""


class SmsGateway(Protocol):
    """Text messages to mobile phones (the practitioner's login and password, guide §1.3 (二)).
    Implementations never log the text: it may carry a password."""

    async def send(self, phone: str, text: str, *, purpose: str) -> None:
        """Hand the message over for delivery. Raises ``DependencyUnavailable`` when the gateway
        does not answer (nothing was sent)."""


class UnifiedIdentity(Protocol):
    """The unified identity platform (统一身份认证平台), legal-person accounts (guide §1.4)."""

    async def authenticate(self, username: str, password: str) -> UnifiedPrincipal | None:
        """The account, or None for a wrong username or password or a locked account (the
        platform's own lock-out, answered alike). May raise ``DependencyUnavailable``."""


class Notifier(Protocol):
    """Where reactions to domain events hang (webhooks, messages): handed the audit events a
    saved contract recorded (``signing_flow.outbox``). A hand-off, not a delivery: an
    implementation queues and returns quickly. What is handed on was already written, so a
    failed hand-off loses nothing; delivery guarantees come from the outbox (the trail itself,
    read after a cursor by a job)."""

    async def notify(self, contract_id: str, events: Sequence[AuditEvent]) -> None: ...


@dataclass(frozen=True)
class PostOutcome:
    """What became of one webhook POST: the receiver's status, or why there was none."""

    status_code: int | None
    latency_ms: int
    error: str | None = None  # "timeout", "address not allowed", "connection failed: …"
    excerpt: str | None = None  # the start of the receiver's answer


class WebhookTransport(Protocol):
    """Calling integrators' webhook endpoints, guarded against requests into the platform's own
    network (``signing_flow.webhook_rules``: the policy and why)."""

    async def vet(self, url: str) -> list[FieldProblem]:
        """What forbids calling ``url`` now: the URL's form, and the addresses its host
        resolves to. Empty when it may be called."""

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PostOutcome:
        """POST ``body`` once: no redirect followed, the answer read up to a cap, the addresses
        checked again on connecting. The receiver's failures are the outcome, never raised."""
