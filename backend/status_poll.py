"""The read side of 签名状态 (``GET /api/v1/signing-orders/{id}``): what agents poll all day.

Three pieces of per-process speed, none of which decides anything the domain does not:

* **Kept answers.** A poll's answer is a function of the session's, the account's and the
  contract's stored versions and of the clock (session and order expiry). Each agent's last
  answer per order is kept, keyed by the token's SHA-256 digest (never the token), with that
  basis; while one version read shows the same versions and the clock has not reached the
  earlier expiry, the same bytes are given again. A logout, a disabled account or any step, in
  any process, moves a version, so the next poll decides again (DESIGN §10).
* **Deciding again** reads the three documents from the snapshots (``backend.storage.snapshots``:
  the contract decoded without its audit trail, read-only) and applies the domain's rules
  (``check_session``, ``readable``, ``overdue``); an order due to expire goes to the use case
  ``get_signing_order``, which expires it and saves.
* **The change feed and the long-poll.** ``?wait=S&version=N`` holds the request until the
  order's version passes N. Every compare-and-set on a contract in this process goes through
  ``NotifyingStore`` and wakes the waiters at once; changes made by other processes are seen by
  the waiters' re-read every ``STORE_POLL_SECONDS`` (a version check while nothing moved).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aiohttp import web
from cachetools import LRUCache

from backend.request_values import MAX_QUERY_DIGITS, QueryParam, user_agent
from backend.signing.schemas import OrderOut
from backend.storage.snapshots import CONTRACT_WITHOUT_EVENTS, Snapshots
from signing_flow.errors import FieldProblem, ValidationFailed
from signing_flow.models import Contract, SigningOrder
from signing_flow.orders import contract_id_of, find_order, order_not_found, overdue
from signing_flow.ports import Doc, DocumentStore, Ports
from signing_flow.roles import Actor
from signing_flow.secrets import token_digest
from signing_flow.usecases.auth import check_session
from signing_flow.usecases.contracts import readable
from signing_flow.usecases.signing import get_signing_order

MAX_WAIT_SECONDS = 30
# A long-poll re-reads the store this often, to see changes made by other processes.
STORE_POLL_SECONDS = 0.5
KEPT_ANSWERS = 4096


# -- the answer's bytes ---------------------------------------------------------------------------


def order_etag(contract: Contract, order: SigningOrder) -> str:
    # The answer shows the contract's status too, which can move while the order stays put
    # (a purge after the order ended), so both versions are in the tag.
    return f'"{order.id}.v{order.version}.c{contract.version}"'


def render_order(contract: Contract, order: SigningOrder) -> bytes:
    return OrderOut.of(contract, order).model_dump_json().encode()


def order_json(etag: str, body: bytes) -> web.Response:
    headers = {"Content-Type": "application/json", "ETag": etag, "Cache-Control": "no-cache"}
    return web.Response(body=body, headers=headers)


def _status_answer(request: web.Request, etag: str, body: bytes) -> web.Response:
    """签名状态's answer: 304 while the agent's copy is current."""
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return order_json(etag, body)


# The long-poll's query, declared once: the route table documents these, ``_wait_params`` reads them.
WAIT = QueryParam("wait", "长轮询：最多等待的秒数（须同时给出 version）", maximum=MAX_WAIT_SECONDS)
VERSION = QueryParam("version", "长轮询：上次看到的订单版本", maximum=10**MAX_QUERY_DIGITS - 1)
POLL_QUERY = (WAIT, VERSION)


def _wait_params(request: web.Request) -> tuple[float, int | None]:
    if not request.query_string:  # the plain poll: nothing to parse
        return 0.0, None
    problems = []
    wait = version = None
    try:
        wait = WAIT.read_int(request)
    except ValueError:
        problems.append(FieldProblem("wait", "INVALID", f"seconds, 0 to {MAX_WAIT_SECONDS}"))
    try:
        version = VERSION.read_int(request)
    except ValueError:
        problems.append(FieldProblem("version", "INVALID", "the order version last seen"))
    if "wait" in request.query and "version" not in request.query:
        problems.append(FieldProblem("version", "REQUIRED", "wait needs the version last seen"))
    if problems:
        raise ValidationFailed(problems)
    return float(wait or 0), version


# -- kept answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptAnswer:
    """An agent's last answer for an order, and what it was decided on: while these documents
    keep their versions and the clock is before ``until`` (the session's or the open order's
    expiry), deciding again would give the same answer."""

    documents: tuple[tuple[str, str], ...]  # (collection, id): session, account, contract
    versions: list[int | None]  # theirs, as get_versions gives them
    until: datetime
    etag: str
    body: bytes


class StatusPoll:
    def __init__(
        self, ports: Ports, snapshots: Snapshots, feed: ChangeFeed, kept: int = KEPT_ANSWERS
    ) -> None:
        self.ports = ports
        self.snapshots = snapshots
        self.feed = feed
        # each agent's last answer per order, by (token digest, order id)
        self._kept: LRUCache[tuple[str, str], KeptAnswer] = LRUCache(kept)

    async def respond(self, request: web.Request, token: str) -> web.Response:
        """签名状态. ``If-None-Match`` answers 304 while nothing changed; ``?wait=S&version=N``
        holds the request until the version moves past N or S seconds pass."""
        order_id = request.match_info["oid"]
        key = (token_digest(token), order_id)
        kept = self._kept.get(key) if not request.query_string else None
        if kept is not None and await self._holds(kept):
            return _status_answer(request, kept.etag, kept.body)
        actor, contract, order, kept = await self._decide(request, key)
        wait, seen = _wait_params(request)
        if seen is None:
            self._kept[key] = kept
            return _status_answer(request, kept.etag, kept.body)
        deadline = time.monotonic() + wait
        waited = False
        wanted = (CONTRACT_WITHOUT_EVENTS, contract.id)
        while (
            order.version <= seen
            and not self.feed.closed
            and (remaining := deadline - time.monotonic()) > 0
        ):
            waited = True
            await self.feed.wait(contract.id, min(remaining, STORE_POLL_SECONDS))
            # The session and the account come with the contract in the same version read: a
            # logout or a disabled account ends the wait at once with the 401 a new poll gets
            # (the agent's console shows its login page then, not 25 s later).
            session, account, found = await self.snapshots.signed_in(key[0], wanted)
            check_session(session, account, self.ports.clock.now())
            (view,) = found or await self.snapshots.get_many(wanted)
            contract, order = await self._current(actor, view, order_id)
        if waited:
            # The session may have ended during the wait (a logout, a disabled account, its
            # expiry): decide again, as a poll sent now would.
            _, contract, order, _ = await self._decide(request, key)
        return _status_answer(request, order_etag(contract, order), render_order(contract, order))

    async def _holds(self, kept: KeptAnswer) -> bool:
        if self.ports.clock.now() >= kept.until:
            return False
        return await self.ports.store.get_versions(kept.documents) == kept.versions

    async def _decide(
        self, request: web.Request, key: tuple[str, str]
    ) -> tuple[Actor, Contract, SigningOrder, KeptAnswer]:
        """Decide the answer anew: the session, the account and the contract are checked in one
        store read while the session is held (two more the first time)."""
        session_id, order_id = key
        wanted = (CONTRACT_WITHOUT_EVENTS, contract_id_of(order_id))
        session, account, found = await self.snapshots.signed_in(session_id, wanted)
        auth = check_session(session, account, self.ports.clock.now())
        actor = auth.actor(ip=request.remote, user_agent=user_agent(request))
        (view,) = found or await self.snapshots.get_many(wanted)
        contract, order = await self._current(actor, view, order_id)
        session, account = auth.session, auth.account
        kept = KeptAnswer(
            documents=(
                ("sessions", session.id),
                ("accounts", account.id),
                ("contracts", contract.id),
            ),
            versions=[session.version, account.version, contract.version],
            until=min(session.expires_at, contract.order_expires_at or session.expires_at),
            etag=order_etag(contract, order),
            body=render_order(contract, order),
        )
        return actor, contract, order, kept

    async def _current(
        self, actor: Actor, view: Contract | None, order_id: str
    ) -> tuple[Contract, SigningOrder]:
        """The order as ``actor`` may see it now; one due to expire is expired by the use case."""
        contract = readable(actor, view, order_not_found)
        if overdue(contract, order_id, self.ports.clock.now()):
            return await get_signing_order(self.ports, actor, order_id)
        return contract, find_order(contract, order_id)


# -- the change feed ------------------------------------------------------------------------------


class WaitObserver(Protocol):
    def waiting(self, feed: str, delta: int) -> None: ...


class ChangeFeed:
    """Wakes long-polls in this process as soon as a contract changes here. Nothing depends on
    it for correctness: waiters re-read the store anyway. ``observer`` (the app's metrics)
    counts the waiters, under the feed's ``name``."""

    def __init__(self, name: str = "signing_order") -> None:
        self._events: dict[str, asyncio.Event] = {}
        self.name = name
        self.observer: WaitObserver | None = None
        self.closed = False  # the service is stopping: nobody waits any more

    def close(self) -> None:
        """Wake every waiter now and let none wait again (graceful shutdown answers held
        long-polls at once with the current state: ``backend.shutdown``)."""
        self.closed = True
        for event in self._events.values():
            event.set()
        self._events.clear()

    def notify(self, key: str) -> None:
        event = self._events.pop(key, None)
        if event is not None:
            event.set()

    async def wait(self, key: str, seconds: float) -> None:
        """Return when ``key`` is notified or ``seconds`` pass, whichever is first."""
        if self.closed:
            return
        event = self._events.setdefault(key, asyncio.Event())
        if (observer := self.observer) is not None:
            observer.waiting(self.name, 1)
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await event.wait()
        finally:
            if observer is not None:
                observer.waiting(self.name, -1)


class NotifyingStore:
    """A DocumentStore that tells the feed about every contract it writes, so that handlers,
    use cases and jobs need not remember to."""

    def __init__(self, inner: DocumentStore, feed: ChangeFeed) -> None:
        self.inner = inner
        self.feed = feed
        # All but the compare-and-sets (the changes the feed announces) go straight through.
        self.insert = inner.insert
        self.get = inner.get
        self.get_versions = inner.get_versions
        self.writing = inner.writing
        self.find = inner.find
        self.next_sequence = inner.next_sequence
        self.ping = inner.ping
        self.set_fields = inner.set_fields  # moves no version: nobody waits on it

    async def compare_and_set(self, collection: str, doc: Doc, expected_version: int) -> Doc:
        saved = await self.inner.compare_and_set(collection, doc, expected_version)
        if collection == "contracts":
            self.feed.notify(doc["_id"])
        return saved

    async def compare_and_set_many(self, collection: str, items: list[tuple[Doc, int]]) -> int:
        written = await self.inner.compare_and_set_many(collection, items)
        if collection == "contracts":
            for doc, _ in items:
                self.feed.notify(doc["_id"])
        return written
