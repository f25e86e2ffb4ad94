"""Typed application state (aiohttp's AppKey): everything a handler may take from the app."""

from __future__ import annotations

from aiohttp import web

from backend.changes import ChangeFeed
from backend.openapi import DescribedRoute
from backend.poll_answers import PollAnswer
from backend.qrcodes import QrImageCache
from backend.settings import Settings
from backend.signing_keys import Ed25519Signer
from signing_flow.lru import LRU
from signing_flow.ports import Clock, DocumentStore, Ports

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", DocumentStore)
PORTS = web.AppKey("ports", Ports)
SIGNER = web.AppKey("signer", Ed25519Signer)
QR_CACHE = web.AppKey("qr_cache", QrImageCache)
CHANGES = web.AppKey("changes", ChangeFeed)
# each agent's last status answer per order, by (token digest, order id)
POLL_ANSWERS = web.AppKey("poll_answers", LRU[tuple[str, str], PollAnswer])
CLOCK = web.AppKey("clock", Clock)
# the routes this app registered, which the OpenAPI document describes
REGISTERED_ROUTES = web.AppKey("registered_routes", tuple[DescribedRoute, ...])
