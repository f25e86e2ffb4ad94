"""The sandbox CCB 龙存管: what the bank does with an application, whoever asks (its signed open
API, its page, the sandbox's controls). ``routes`` puts it on HTTP; docs/sandbox.md has the rules.

Callbacks are posted as the request that settles an application is answered, so a test that
confirms the last party sees the callback delivered (or its failure recorded) when the page's
answer comes; a held or undelivered notice is sent again by ``deliver``, with the same id.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.banks import signing, wire
from backend.signing_keys import Ed25519Signer
from miniapp_mock.ccb.state import (
    OUTAGE,
    REJECT_REASON,
    STATUS_LABELS,
    Application,
    Nonce,
    Notice,
    Party,
    Rule,
    Switch,
    applications,
    nonces,
    notices,
    rule_for,
    switches,
)
from signing_flow.errors import DuplicateKey, VersionConflict
from signing_flow.ports import Clock, DocumentStore
from signing_flow.repository import with_retries
from signing_flow.secrets import new_id

log = logging.getLogger("wangqian.sandbox")
PREFIX = "/sandbox/v1/banks/ccb"
ACCOUNT = re.compile(r"[0-9]{12,25}")
DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=10)
Change = Callable[[Application], None]


class Refused(Exception):
    """A refusal of the bank's page or controls: ``status``, ``code``, Chinese ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Terms:
    """What one party confirms on the page."""

    party: str
    amount_fen: int
    seller_account: str | None
    buyer_account: str | None


class SandboxCcb:
    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        key: Ed25519Signer,
        platform_keys: Mapping[str, Sequence[Ed25519PublicKey]],
        public_base: str,
        session: aiohttp.ClientSession,
        *,
        notify_base: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.key = key
        self.platform_keys = platform_keys
        self.public_base = public_base.rstrip("/")
        self._session = session
        self._notify_base = notify_base

    def redirect_url(self, application_id: str) -> str:
        return f"{self.public_base}{PREFIX}/pages/{application_id}"

    async def down(self) -> bool:
        switch = await switches(self.store).get(OUTAGE)
        return switch is not None and switch.on

    async def set_down(self, on: bool) -> None:
        async def write() -> None:
            repo = switches(self.store)
            current = await repo.get(OUTAGE)
            if current is None:
                await repo.insert(Switch(OUTAGE, on))
            else:
                current.on = on
                await repo.save(current)

        await with_retries(write)

    async def first_use(self, app_id: str, nonce: str) -> bool:
        """Whether this signed request is new: a request replayed within the timestamp window
        carries a nonce already seen (the store's unique id decides, across processes)."""
        try:
            await nonces(self.store).insert(Nonce(f"{app_id} {nonce}", self.clock.now()))
        except DuplicateKey:
            return False
        return True

    async def open(self, app_id: str, request: wire.OpenRequest) -> Application:
        now = self.clock.now()
        parties = [
            Party(f"{role}-{i}", role, name)
            for role, names in (("seller", request.seller_names), ("buyer", request.buyer_names))
            for i, name in enumerate(names, 1)
        ]
        application = Application(
            id="LCG" + new_id(),
            app_id=app_id,
            contract_id=request.contract_id,
            contract_number=request.contract_number,
            property_address=request.property_address,
            price_fen=request.amount_fen,
            amount_fen=request.amount_fen,
            parties=parties,
            notify_url=request.notify_url,
            return_url=request.return_url,
            created_at=now,
            updated_at=now,
        )
        await applications(self.store).insert(application)
        return application

    async def find(self, application_id: str, app_id: str | None = None) -> Application:
        """``app_id``: the open API sees only the applications its caller opened."""
        found = await applications(self.store).get(application_id)
        if found is None or (app_id is not None and found.app_id != app_id):
            raise Refused(404, "APPLICATION_NOT_FOUND", "没有该监管申请 (no such application)")
        return found

    async def confirm(self, application_id: str, terms: Terms) -> Application:
        def change(app: Application) -> None:
            _check_confirmation(app, terms)
            if terms.amount_fen != app.amount_fen:
                _unconfirm(app, ("seller", "buyer"))
                app.amount_fen = terms.amount_fen
            for role, given in (("seller", terms.seller_account), ("buyer", terms.buyer_account)):
                held = app.seller_account if role == "seller" else app.buyer_account
                if given and held and given != held:
                    _unconfirm(app, (role,))
                if given:
                    setattr(app, f"{role}_account", given)
            next(p for p in app.parties if p.key == terms.party).confirmed = True

        app = await self._change(application_id, change)
        if all(p.confirmed for p in app.parties):
            app = await self._settle(app)
        return app

    async def reject(self, application_id: str, reason: str) -> Application:
        """The sandbox's 模拟银行退回 button: the bank turns the agreement down."""

        def change(app: Application) -> None:
            _must_be(app, ("pending",))
            app.status, app.reason = "rejected", reason

        return await self._notify(await self._change(application_id, change))

    async def cancel(
        self,
        application_id: str,
        reason: str,
        *,
        app_id: str | None = None,
        notify: bool,
        only_if_pending: bool = False,
    ) -> Application:
        """A party on the page (``notify``: the platform hears by callback) or the platform
        through the open API (it has its answer). Pending and signed agreements can be
        cancelled (only pending ones with ``only_if_pending``); any other is answered as it
        stands, so that a retried cancel is harmless."""
        await self.find(application_id, app_id)
        cancelled = False
        cancellable = ("pending",) if only_if_pending else ("pending", "signed")

        def change(app: Application) -> None:
            nonlocal cancelled
            cancelled = app.status in cancellable
            if cancelled:
                app.status, app.reason = "cancelled", reason

        app = await self._change(application_id, change)
        return await self._notify(app) if cancelled and notify else app

    async def deliver(self, application_id: str) -> Notice:
        """Send the application's latest notice (again), a held one included."""
        found = await notices(self.store).find(
            {"application_id": application_id}, sort="sent_at", descending=True, limit=1
        )
        if not found:
            raise Refused(404, "NOTICE_NOT_FOUND", "该申请还没有回调通知 (no notice yet)")
        notice = found[0]
        app = await self.find(application_id)
        return await self._post(notice, app.notify_url, times=1)

    async def sent(self, application_id: str) -> list[Notice]:
        return await notices(self.store).find(
            {"application_id": application_id}, sort="sent_at", descending=True, limit=50
        )

    def state(self, app: Application) -> wire.ApplicationState:
        return wire.ApplicationState(
            application_id=app.id,
            status=app.status,  # one of the open API's statuses
            updated_at=app.updated_at,
            amount_fen=app.amount_fen,
            agreement_number=app.agreement_number,
            supervision_account=app.supervision_account,
            reason=app.reason,
        )

    async def _change(self, application_id: str, change: Change) -> Application:
        repo = applications(self.store)

        async def write() -> Application:
            app = await self.find(application_id)
            change(app)
            app.updated_at = self.clock.now()
            await repo.save(app)
            return app

        async with self.store.writing(repo.collection, application_id):
            try:
                return await with_retries(write)
            except VersionConflict as exc:  # pragma: no cover - twelve lost races in a row
                raise Refused(409, "BUSY", "请稍后重试 (try again)") from exc

    async def _settle(self, app: Application) -> Application:
        rule = rule_for(app.amount_fen)
        number = await self.store.next_sequence("sandbox_ccb_agreements")

        def change(current: Application) -> None:
            _must_be(current, ("pending",))
            if rule is Rule.REJECT:
                current.status, current.reason = "rejected", REJECT_REASON
                return
            current.status = "signed"
            current.agreement_number = f"CCBJG{self.clock.now():%Y%m%d}{number:06d}"
            current.supervision_account = f"4405017{number:013d}"

        return await self._notify(await self._change(app.id, change))

    async def _notify(self, app: Application) -> Application:
        rule = rule_for(app.amount_fen) if app.status == "signed" else Rule.NONE
        notice_id = "N" + new_id()
        body = wire.Callback(
            notification_id=notice_id,
            application_id=app.id,
            status=app.status,  # settled: signed, rejected or cancelled
            occurred_at=app.updated_at,
            amount_fen=app.amount_fen,
            agreement_number=app.agreement_number,
            supervision_account=app.supervision_account,
            reason=app.reason,
        )
        notice = Notice(
            id=notice_id,
            application_id=app.id,
            status=app.status,
            body=body.model_dump_json(),
            sent_at=self.clock.now(),
            rule=rule.value,
            held=rule is Rule.HOLD,
        )
        await notices(self.store).insert(notice)
        if not notice.held:
            await self._post(notice, app.notify_url, times=2 if rule is Rule.DUPLICATE else 1)
        return app

    async def _post(self, notice: Notice, notify_url: str, *, times: int) -> Notice:
        body = notice.body.encode()
        key = self.key if notice.rule != Rule.BAD_SIGNATURE else _stranger()
        answers = []
        for _ in range(times):
            try:
                async with self._session.post(
                    self._target(notify_url),
                    data=body,
                    headers=signing.sign_callback(key, body, time.time()),
                    timeout=DELIVERY_TIMEOUT,
                ) as resp:
                    answers.append(resp.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("sandbox CCB callback not delivered: %s", type(exc).__name__)
                answers.append(0)

        async def record() -> Notice:
            current = await notices(self.store).get(notice.id)
            assert current is not None
            current.held = False
            current.deliveries = [*current.deliveries, *answers]
            await notices(self.store).save(current)
            return current

        return await with_retries(record)

    def _target(self, notify_url: str) -> str:
        """``--notify-base``: the platform as this bank reaches it (another host, a container)."""
        if not self._notify_base:
            return notify_url
        base, url = urlsplit(self._notify_base), urlsplit(notify_url)
        return urlunsplit((base.scheme, base.netloc, url.path, url.query, ""))


def _stranger() -> Ed25519Signer:
    """A key the bank never published: its signatures are well formed and never verify."""
    return Ed25519Signer(bytes(32))


def _must_be(app: Application, statuses: tuple[str, ...]) -> None:
    if app.status not in statuses:
        label = STATUS_LABELS[app.status]
        raise Refused(409, "APPLICATION_SETTLED", f"该监管申请已办结（{label}），不能再办理")


def _unconfirm(app: Application, roles: tuple[str, ...]) -> None:
    for party in app.parties:
        if party.role in roles:
            party.confirmed = False


def _check_confirmation(app: Application, terms: Terms) -> None:
    _must_be(app, ("pending",))
    party = next((p for p in app.parties if p.key == terms.party), None)
    if party is None:
        raise Refused(422, "UNKNOWN_PARTY", "没有该当事人 (no such party)")
    if not 1 <= terms.amount_fen <= app.price_fen:
        raise Refused(422, "AMOUNT_INVALID", "监管金额须大于零且不超过成交价")
    for given in (terms.seller_account, terms.buyer_account):
        if given is not None and not ACCOUNT.fullmatch(given):
            raise Refused(422, "ACCOUNT_INVALID", "银行账号须为12至25位数字")
    if party.role == "seller" and not (terms.seller_account or app.seller_account):
        raise Refused(422, "SELLER_ACCOUNT_REQUIRED", "请填写卖方收款账号")
    if party.role == "buyer" and not (terms.buyer_account or app.buyer_account):
        raise Refused(422, "BUYER_ACCOUNT_REQUIRED", "请填写买方付款账号")
