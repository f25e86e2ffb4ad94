"""Which outside services the service runs against, chosen from the settings in this one place.

No real registry, police, face or unified identity adapter exists yet, so those ports always get
the sandbox's (``miniapp_mock``), which keep their records in our store. SMS is the exception,
since its messages carry initial passwords: in the sandbox they go to the outbox integrators read
(``miniapp_mock.sms``); outside it, to the HTTP gateway of ``WANGQIAN_SMS_URL``
(``backend.sms``), or nowhere when none is configured, and no message is ever stored.
``WANGQIAN_SANDBOX=1`` also adds a clock that can be moved, and the sandbox routes
(``backend.app`` mounts them).

The fund supervision bank (CCB 龙存管) is always the HTTP adapter (``backend.banks.ccb``), so the
sandbox exercises the wire format a real bank sees: to ``WANGQIAN_CCB_URL`` when set, else in the
sandbox to the sandbox bank the service itself serves (``<public base URL>/sandbox/v1/banks/ccb``),
and outside the sandbox to nothing (``UnconfiguredBank``: 503, and every callback refused).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp

from backend.banks.ccb import CcbBank, UnconfiguredBank
from backend.banks.keys import bank_public_keys, platform_key
from backend.clock import SystemClock
from backend.settings import Settings
from backend.sms import HttpSmsGateway, UnconfiguredSms
from miniapp_mock import sms as outbox
from miniapp_mock.ccb.bank import PREFIX as SANDBOX_BANK_PATH
from miniapp_mock.clock import MovableClock
from miniapp_mock.services import SANDBOX_COLLECTIONS, sandbox_services
from signing_flow.fund_supervision import FundSupervisionBank
from signing_flow.ports import (
    Clock,
    CollectionSpec,
    DocumentStore,
    FaceVerifier,
    PasswordHasher,
    PoliceVerifier,
    PropertyRegistry,
    SmsGateway,
    UnifiedIdentity,
)

log = logging.getLogger("wangqian")


@dataclass(frozen=True)
class Services:
    registry: PropertyRegistry
    police: PoliceVerifier
    face: FaceVerifier
    sms: SmsGateway
    unified_identity: UnifiedIdentity
    bank: FundSupervisionBank


@dataclass(frozen=True)
class Providers:
    settings: Settings
    clock: Clock
    # the providers' own collections, which the store creates next to the domain's
    collections: Mapping[str, CollectionSpec]

    @asynccontextmanager
    async def services(
        self, store: DocumentStore, passwords: PasswordHasher
    ) -> AsyncIterator[Services]:
        """The providers, open while the app runs (the SMS gateway's HTTP client)."""
        sandbox = sandbox_services(store, self.clock, passwords)
        async with self._sms(sandbox.sms) as sms, self._bank() as bank:
            yield Services(
                registry=sandbox.registry,
                police=sandbox.police,
                face=sandbox.face,
                sms=sms,
                unified_identity=sandbox.unified_identity,
                bank=bank,
            )

    @asynccontextmanager
    async def _bank(self) -> AsyncIterator[FundSupervisionBank]:
        settings = self.settings
        url = settings.ccb_url
        if url is None and settings.sandbox:
            url = settings.public_base_url.rstrip("/") + SANDBOX_BANK_PATH
        if url is None:
            log.warning("WANGQIAN_CCB_URL is not set: no fund supervision at CCB (503)")
            yield UnconfiguredBank()
            return
        keys = bank_public_keys(settings)
        if not keys:
            log.warning("WANGQIAN_CCB_PUBLIC_KEYS is not set: every CCB callback is refused")
        async with aiohttp.ClientSession() as session:
            yield CcbBank(
                session,
                url,
                settings.ccb_app_id,
                platform_key(settings),
                keys,
                timeout=settings.ccb_timeout,
                require_https=not settings.sandbox,
            )

    @asynccontextmanager
    async def _sms(self, sandbox_outbox: SmsGateway) -> AsyncIterator[SmsGateway]:
        settings = self.settings
        if settings.sandbox:
            yield sandbox_outbox
        elif settings.sms_url is None:
            log.warning(
                "WANGQIAN_SMS_URL is not set: no SMS can be sent, so approved practitioners "
                "and password resets get no password (password_sms_sent: false)"
            )
            yield UnconfiguredSms()
        else:
            async with aiohttp.ClientSession() as session:
                yield HttpSmsGateway(session, settings.sms_url, settings.sms_token)


def providers(settings: Settings, clock: Clock | None = None) -> Providers:
    """``clock`` overrides the chosen one (tests move their own)."""
    chosen = clock or (MovableClock() if settings.sandbox else SystemClock())
    collections = dict(SANDBOX_COLLECTIONS)
    if not settings.sandbox:
        del collections[outbox.COLLECTION]  # outside the sandbox no message is kept
    return Providers(settings=settings, clock=chosen, collections=collections)
