"""Typed application state (aiohttp's AppKey): everything a handler may take from the app."""

from __future__ import annotations

from aiohttp import web

from backend.events.runtime import EventsRuntime
from backend.metrics import Metrics
from backend.qrcodes import QrImageCache
from backend.settings import Settings
from backend.signing_keys import Ed25519Signer
from backend.status_poll import StatusPoll
from backend.storage.snapshots import Snapshots
from signing_flow.ports import Clock, DocumentStore, Ports

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", DocumentStore)
PORTS = web.AppKey("ports", Ports)
SIGNER = web.AppKey("signer", Ed25519Signer)
QR_CACHE = web.AppKey("qr_cache", QrImageCache)
# this process's decoded sessions, accounts and polled contracts, checked per read
SNAPSHOTS = web.AppKey("snapshots", Snapshots)
# the read side of the status poll: kept answers, the change feed, the long-poll
STATUS_POLL = web.AppKey("status_poll", StatusPoll)
CLOCK = web.AppKey("clock", Clock)
# the events' jobs in this process and the wake-up of its feed long-polls
EVENTS = web.AppKey("events", EventsRuntime)
METRICS = web.AppKey("metrics", Metrics)
