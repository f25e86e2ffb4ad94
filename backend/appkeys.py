"""Typed application state (aiohttp's AppKey): everything a handler may take from the app."""

from __future__ import annotations

from aiohttp import web

from backend.changes import ChangeFeed
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
# an order's JSON by (order id, contract version): polls of an unchanged order reuse it
ORDER_BODIES = web.AppKey("order_bodies", LRU[tuple[str, int], bytes])
CLOCK = web.AppKey("clock", Clock)
