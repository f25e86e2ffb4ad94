"""The application factory. Nothing is created at import time: the store and the ports live in
the app's cleanup context, opened at startup and closed at shutdown."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from backend.access_log import poll_summaries
from backend.appkeys import (
    CLOCK,
    EVENTS,
    METRICS,
    PORTS,
    QR_CACHE,
    SETTINGS,
    SIGNER,
    SNAPSHOTS,
    STATUS_POLL,
    STORE,
)
from backend.console.pages import mount_console
from backend.errors import error_middleware
from backend.events.runtime import EventsRuntime
from backend.events.standalone import webhook_policy
from backend.evidence.authority import load_authority
from backend.evidence.pdf_store import StoredPdfs
from backend.metrics import Metrics
from backend.metrics_endpoint import mount_metrics
from backend.notifier import CountingNotifier
from backend.passwords import PooledHasher
from backend.providers import providers
from backend.qrcodes import QrImageCache
from backend.request_context import request_context
from backend.request_ids import answer_request_id
from backend.routes import add_routes
from backend.security_headers import add_security_headers
from backend.settings import Settings
from backend.shutdown import drain_on_shutdown, stop_scheduler
from backend.signing_keys import load_signer
from backend.status_poll import ChangeFeed, NotifyingStore, StatusPoll
from backend.storage import open_store
from backend.storage.metered import MeteredStore
from backend.storage.snapshots import Snapshots
from backend.storage.sweeps import StoreSweeps
from backend.webhooks.transport import http_transport
from miniapp_mock.pages.phone_page import mount_phone_pages
from miniapp_mock.routes import mount_sandbox
from schedulers.running import RunningJobs
from schedulers.scheduler import add_supervision_job, build_scheduler
from signing_flow.ports import Clock, Ports

log = logging.getLogger("wangqian")


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    app = web.Application(
        middlewares=[request_context, error_middleware], client_max_size=settings.max_body_bytes
    )
    app[SETTINGS] = settings
    chosen = providers(settings, clock)
    app[CLOCK] = chosen.clock
    app[QR_CACHE] = QrImageCache()
    feed = ChangeFeed()
    app[EVENTS] = events = EventsRuntime()
    draining = drain_on_shutdown(app, settings.shutdown_grace_seconds, (feed, events.signal))
    # operations: the metrics every layer counts into (docs/operations.md)
    app[METRICS] = metrics = Metrics()
    feed.observer = events.signal.observer = events.observer = metrics

    async def storage(app: web.Application) -> AsyncIterator[None]:
        signer = load_signer(settings.signing_key, settings.key_dir)
        passwords = PooledHasher()
        policy = webhook_policy(settings)
        async with (
            open_store(settings.store_url, chosen.collections) as raw_store,
            chosen.services(
                store := NotifyingStore(MeteredStore(raw_store, metrics), feed), passwords
            ) as services,
            http_transport(policy, seconds=settings.webhook_timeout) as webhooks,
        ):
            app[STORE] = store
            app[SIGNER] = signer
            app[PORTS] = ports = Ports(
                store=store,
                clock=app[CLOCK],
                registry=services.registry,
                police=services.police,
                face=services.face,
                signer=signer,
                sms=services.sms,
                unified_identity=services.unified_identity,
                passwords=passwords,
                lifetimes=settings.lifetimes,
                public_base_url=settings.public_base_url.rstrip("/"),
                notifier=CountingNotifier(events, metrics),
                webhooks=webhooks,
                evidence=(
                    StoredPdfs(store, load_authority(settings.key_dir), app[CLOCK])
                    if settings.evidence_pdf
                    else None
                ),
                bank=services.bank,
            )
            app[SNAPSHOTS] = snapshots = Snapshots(store)
            app[STATUS_POLL] = StatusPoll(ports, snapshots, feed)
            try:
                yield
            finally:
                passwords.close()

    async def scheduled_jobs(app: web.Application) -> AsyncIterator[None]:
        # Registered after the store, so the jobs stop before the store closes.
        running = RunningJobs()
        scheduler = build_scheduler(
            StoreSweeps(app[STORE], metrics),
            app[CLOCK],
            expiry_interval_seconds=settings.expiry_interval_seconds,
            running=running,
            observer=metrics,
        )
        add_supervision_job(
            scheduler,
            app[PORTS],
            interval_seconds=settings.bank_query_interval_seconds,
            query_after_seconds=settings.bank_query_after_seconds,
            running=running,
            observer=metrics,
        )
        scheduler.start()
        draining.schedulers.append(scheduler)
        log.info("scheduler started (order expiry every %ss)", settings.expiry_interval_seconds)
        async with events.running(app[PORTS], stop_within=draining.left):
            yield
            draining.begin()  # the grace period counts from here if no signal started it
        await stop_scheduler(scheduler, running, draining)

    app.cleanup_ctx.append(poll_summaries)
    app.cleanup_ctx.append(storage)
    if settings.scheduler:
        app.cleanup_ctx.append(scheduled_jobs)
    add_routes(app)
    mount_phone_pages(app)  # the phone page, served wherever /mp/v1 is
    mount_console(app)  # the agent's console: its page, cookie login and CSRF check
    add_security_headers(app)
    app.on_response_prepare.append(answer_request_id)
    mount_metrics(app)
    if settings.sandbox:
        mount_sandbox(app)
    return app
