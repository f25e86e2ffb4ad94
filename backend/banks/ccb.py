"""The HTTP adapter to CCB 龙存管 (``signing_flow.fund_supervision.FundSupervisionBank``).

Every request is signed with the platform's bank-API key (``backend.banks.signing``); callbacks
are verified with the bank's public keys and a ±5 min timestamp window. Replays inside the window
are the use case's to refuse, by the notice's id. The bank not answering within the timeout, or
answering 5xx, is ``BankUnavailable`` (the caller retries later); any other refusal is
``BankRequestRefused``, a ``BankUnavailable`` too, since it is our configuration (keys, app id)
that a person must fix before a retry can succeed, and the use cases need no third outcome.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import TypeVar
from urllib.parse import quote, urlsplit

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ValidationError

from backend.banks import signing, wire
from backend.signing_keys import Ed25519Signer
from signing_flow.fund_supervision import (
    ApplicationRequest,
    BankApplicationStatus,
    BankNotification,
    BankUnavailable,
    CallbackRefused,
    OpenedApplication,
)

log = logging.getLogger("wangqian")

M = TypeVar("M", bound=BaseModel)
MALFORMED = "CALLBACK_MALFORMED"
MAX_CALLBACK = 64 * 1024


class BankRequestRefused(BankUnavailable):
    """The bank answered 4xx: our request or our credentials are wrong (see the log)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"bank refused the request: {status} {code}")
        self.status = status
        self.code = code


class CcbBank:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        app_id: str,
        key: Ed25519Signer,
        bank_keys: Iterable[Ed25519PublicKey],
        *,
        timeout: float = 10.0,
        now: signing.Now = time.time,
        require_https: bool = True,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        base = urlsplit(self._base)
        self._path = base.path
        # The parties are sent to the redirect URL with the contract's terms: only the bank's own
        # pages (https outside the sandbox, whose bank is this server over http)
        self._origin = (base.scheme, base.netloc)
        self._require_https = require_https
        self._app_id = app_id
        self._key = key
        self._bank_keys = tuple(bank_keys)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._now = now

    async def open_application(self, request: ApplicationRequest) -> OpenedApplication:
        body = wire.OpenRequest(
            contract_id=request.contract_id,
            contract_number=request.contract_number,
            amount_fen=request.amount_fen,
            property_address=request.property_address,
            seller_names=list(request.seller_names),
            buyer_names=list(request.buyer_names),
            notify_url=request.notify_url,
            return_url=request.return_url,
        )
        opened = await self._call("POST", "/applications", body, wire.Opened)
        page = urlsplit(opened.redirect_url)
        if (page.scheme, page.netloc) != self._origin or (
            self._require_https and page.scheme != "https"
        ):
            log.error("CCB answered a redirect_url off its origin %s://%s", *self._origin)
            raise BankRequestRefused(200, "REDIRECT_URL_UNTRUSTED")
        return OpenedApplication(opened.application_id, opened.redirect_url)

    async def query_application(self, application_id: str) -> BankNotification:
        state = await self._call(
            "GET", f"/applications/{quote(application_id, safe='')}", None, wire.ApplicationState
        )
        return _notification(state)

    async def cancel_application(
        self, application_id: str, reason: str, *, only_if_pending: bool = False
    ) -> BankNotification:
        state = await self._call(
            "POST",
            f"/applications/{quote(application_id, safe='')}/cancel",
            wire.CancelRequest(reason=reason, only_if_pending=only_if_pending),
            wire.ApplicationState,
        )
        return _notification(state)

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> BankNotification:
        try:
            parts = signing.signed_parts(headers, self._now())
            signing.verify(
                self._bank_keys,
                parts.signature,
                signing.callback_string(parts.timestamp, parts.nonce, body),
            )
        except signing.SignatureRefused as refused:
            raise CallbackRefused(refused.code, str(refused)) from refused
        if len(body) > MAX_CALLBACK:
            raise CallbackRefused(MALFORMED, "回调内容过长 (callback body too large)")
        try:
            notice = wire.Callback.model_validate_json(body)
        except ValidationError as exc:
            raise CallbackRefused(MALFORMED, "回调内容无法识别 (unreadable callback body)") from exc
        return BankNotification(
            notification_id=notice.notification_id,
            application_id=notice.application_id,
            status=BankApplicationStatus(notice.status),
            occurred_at=notice.occurred_at,
            agreement_number=notice.agreement_number,
            supervision_account=notice.supervision_account,
            amount_fen=notice.amount_fen,
            reason=notice.reason,
        )

    async def _call(self, method: str, path: str, body: BaseModel | None, answer: type[M]) -> M:
        raw = body.model_dump_json().encode() if body is not None else b""
        headers = signing.sign_request(
            self._key, self._app_id, method, self._path + path, raw, self._now()
        )
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method, self._base + path, data=raw or None, headers=headers, timeout=self._timeout
            ) as resp:
                text = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BankUnavailable(f"bank not reachable: {type(exc).__name__}") from exc
        if status >= 500:
            raise BankUnavailable(f"bank answered {status}")
        if status >= 400:
            code = _error_code(text)
            log.error("CCB refused %s %s: %s %s", method, path.split("/")[1], status, code)
            raise BankRequestRefused(status, code)
        try:
            return answer.model_validate_json(text)
        except ValidationError as exc:
            raise BankUnavailable("bank answered something unreadable") from exc


def _error_code(text: bytes) -> str:
    try:
        return wire.ErrorBody.model_validate_json(text).error.code
    except (ValidationError, json.JSONDecodeError):
        return "UNKNOWN"


def _notification(state: wire.ApplicationState) -> BankNotification:
    return BankNotification(
        notification_id=None,
        application_id=state.application_id,
        status=BankApplicationStatus(state.status),
        occurred_at=state.updated_at,
        agreement_number=state.agreement_number,
        supervision_account=state.supervision_account,
        amount_fen=state.amount_fen,
        reason=state.reason,
    )


class UnconfiguredBank:
    """Outside the sandbox without ``WANGQIAN_CCB_URL``: nothing can be opened, and no callback
    is believed, since there is no bank key to check it with."""

    async def open_application(self, request: ApplicationRequest) -> OpenedApplication:
        raise BankUnavailable("WANGQIAN_CCB_URL is not set")

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> BankNotification:
        raise CallbackRefused(signing.INVALID, "未配置银行公钥 (no bank key configured)")

    async def query_application(self, application_id: str) -> BankNotification:
        raise BankUnavailable("WANGQIAN_CCB_URL is not set")

    async def cancel_application(
        self, application_id: str, reason: str, *, only_if_pending: bool = False
    ) -> BankNotification:
        raise BankUnavailable("WANGQIAN_CCB_URL is not set")
