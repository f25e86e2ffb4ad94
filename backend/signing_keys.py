"""The platform's Ed25519 key: signs receipts, publishes its public half, seeds QR tokens.

Loaded from ``WANGQIAN_SIGNING_KEY`` (base64 of the 32-byte private key) or from
``<key_dir>/signing-key.b64``, generated there on first run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id_for(public_bytes: bytes) -> str:
    """A key's id is a function of the key, so that a key set cannot put another key under a
    known id (``wangqian verify-evidence`` recomputes it)."""
    return "ed25519-" + hashlib.sha256(public_bytes).hexdigest()[:16]


class Ed25519Signer:
    def __init__(self, private_bytes: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(private_bytes)
        self.public_bytes = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id_for(self.public_bytes)
        # A separate secret for tokens, derived so that one configured key is enough.
        self._token_secret = hmac.new(private_bytes, b"wangqian qr tokens", "sha256").digest()

    def sign(self, message: bytes) -> str:
        return b64url(self._key.sign(message))

    def derive_token(self, purpose: str, *parts: str) -> str:
        message = "\x1f".join((purpose, *parts)).encode()
        return b64url(hmac.new(self._token_secret, message, "sha256").digest())

    def public_key(self) -> dict[str, str]:
        return {"key_id": self.key_id, "alg": "Ed25519", "public_key": b64url(self.public_bytes)}


def load_signer(
    configured: str | None, key_dir: str, file_name: str = "signing-key.b64"
) -> Ed25519Signer:
    """``file_name``: other keys of the platform (the bank API's) are kept the same way."""
    if configured:
        return Ed25519Signer(base64.b64decode(configured))
    return Ed25519Signer(load_or_create_secret(Path(key_dir) / file_name))


def load_or_create_secret(path: Path) -> bytes:
    """32 random bytes kept base64 in ``path`` (mode 0600), made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private_once(path, base64.b64encode(os.urandom(32)))
    return base64.b64decode(path.read_text().strip())


def write_private_once(path: Path, data: bytes) -> None:
    """``data`` into ``path`` (mode 0600) unless it exists. Written to a private temporary file
    and linked into place, so that of two processes starting at once one key wins and neither
    reads a half-written file."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
