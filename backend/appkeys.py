"""Typed application state (aiohttp's AppKey): everything a handler may take from the app."""

from __future__ import annotations

from aiohttp import web

from backend.settings import Settings
from signing_flow.ports import DocumentStore, Ports

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", DocumentStore)
PORTS = web.AppKey("ports", Ports)
