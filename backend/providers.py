"""Which outside services the service runs against, chosen from the settings in this one place.

No real registry, police, face, SMS or unified identity adapter exists yet, so the ports always
get the sandbox's (``miniapp_mock``), which keep their records in our store. ``WANGQIAN_SANDBOX=1``
adds what only an integrator's sandbox has: a clock that can be moved, and the sandbox routes
(``backend.app`` mounts them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from backend.clock import SystemClock
from backend.settings import Settings
from miniapp_mock.clock import MovableClock
from miniapp_mock.services import SANDBOX_COLLECTIONS, SandboxServices, sandbox_services
from signing_flow.ports import Clock, CollectionSpec, DocumentStore


@dataclass(frozen=True)
class Providers:
    clock: Clock
    # the providers' own collections, which the store creates next to the domain's
    collections: Mapping[str, CollectionSpec]

    def services(self, store: DocumentStore) -> SandboxServices:
        return sandbox_services(store, self.clock)


def providers(settings: Settings, clock: Clock | None = None) -> Providers:
    """``clock`` overrides the chosen one (tests move their own)."""
    chosen = clock or (MovableClock() if settings.sandbox else SystemClock())
    return Providers(clock=chosen, collections=SANDBOX_COLLECTIONS)
