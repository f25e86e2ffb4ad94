"""The sandbox's outside services, in one bundle: what ``backend.providers`` plugs into the
ports when no real service is configured, and the collections they keep in our store."""

from __future__ import annotations

from dataclasses import dataclass

from miniapp_mock import clock, registry, sms, unified_identity, webhook_inbox
from miniapp_mock.ccb import state as ccb
from miniapp_mock.providers import SandboxFace, SandboxPolice
from miniapp_mock.registry import SandboxRegistry
from miniapp_mock.sms import SandboxSms
from miniapp_mock.unified_identity import SandboxUnifiedIdentity
from signing_flow.ports import Clock, CollectionSpec, DocumentStore, PasswordHasher

# The sandbox providers' own collections, created by the store next to the domain's.
SANDBOX_COLLECTIONS: dict[str, CollectionSpec] = {
    registry.COLLECTION: registry.SPEC,
    unified_identity.COLLECTION: unified_identity.SPEC,
    sms.COLLECTION: sms.SPEC,
    clock.COLLECTION: clock.SPEC,
    webhook_inbox.COLLECTION: webhook_inbox.SPEC,
    **ccb.COLLECTIONS,  # the sandbox CCB 龙存管's applications, notices and outage switch
}


@dataclass(frozen=True)
class SandboxServices:
    registry: SandboxRegistry
    police: SandboxPolice
    face: SandboxFace
    sms: SandboxSms
    unified_identity: SandboxUnifiedIdentity


def sandbox_services(
    store: DocumentStore, clock: Clock, passwords: PasswordHasher | None = None
) -> SandboxServices:
    """``passwords``: the service's hasher (the inline one when None: tools and tests)."""
    return SandboxServices(
        registry=SandboxRegistry(store),
        police=SandboxPolice(),
        face=SandboxFace(),
        sms=SandboxSms(store, clock),
        unified_identity=SandboxUnifiedIdentity(store, clock, passwords),
    )
