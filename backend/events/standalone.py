"""The events' jobs outside the HTTP service (``wangqian scheduler``), and the webhook URL policy
the settings make."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from backend.events.runtime import EventsRuntime
from backend.providers import providers
from backend.settings import Settings
from backend.signing_keys import load_signer
from backend.webhooks.transport import http_transport
from signing_flow.ports import DocumentStore, Ports
from signing_flow.secrets import InlineHasher
from signing_flow.webhook_rules import UrlPolicy


def webhook_policy(settings: Settings) -> UrlPolicy:
    return UrlPolicy(sandbox=settings.sandbox, allow=settings.webhook_allow)


@asynccontextmanager
async def events_jobs(settings: Settings, store: DocumentStore) -> AsyncIterator[None]:
    """The events' jobs without the HTTP service (``wangqian scheduler``): the same pumps,
    on timers only (no hand-off reaches this process)."""
    chosen = providers(settings)
    async with (
        chosen.services(store, InlineHasher()) as services,
        http_transport(webhook_policy(settings), seconds=settings.webhook_timeout) as webhooks,
    ):
        ports = Ports(
            store=store,
            clock=chosen.clock,
            registry=services.registry,
            police=services.police,
            face=services.face,
            signer=load_signer(settings.signing_key, settings.key_dir),
            sms=services.sms,
            unified_identity=services.unified_identity,
            webhooks=webhooks,
        )
        async with EventsRuntime().running(replace(ports, lifetimes=settings.lifetimes)):
            yield
