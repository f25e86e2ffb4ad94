"""The keys of the bank API, kept like the platform's receipt key (``backend.signing_keys``):
configured, or generated once under ``WANGQIAN_KEY_DIR``."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.banks.signing import public_key
from backend.settings import Settings
from backend.signing_keys import Ed25519Signer, b64url, load_signer

PLATFORM_FILE = "ccb-api-key.b64"  # ours: signs our requests to the bank
SANDBOX_BANK_FILE = "sandbox-ccb-bank-key.b64"  # the sandbox bank's: signs its callbacks


def platform_key(settings: Settings) -> Ed25519Signer:
    return load_signer(settings.ccb_key, settings.key_dir, PLATFORM_FILE)


def sandbox_bank_key(key_dir: str) -> Ed25519Signer:
    return load_signer(None, key_dir, SANDBOX_BANK_FILE)


def published(key: Ed25519Signer) -> str:
    """A public key as published and configured: base64url of its 32 raw bytes."""
    return b64url(key.public_bytes)


def bank_public_keys(settings: Settings) -> list[Ed25519PublicKey]:
    """The keys callbacks must verify with: configured, or in the sandbox its own bank's."""
    if settings.ccb_public_keys:
        return [public_key(k) for k in settings.ccb_public_keys]
    if settings.sandbox:
        return [public_key(published(sandbox_bank_key(settings.key_dir)))]
    return []
