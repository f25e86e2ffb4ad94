"""Passwords and bearer tokens. Secrets are never stored: only scrypt hashes and SHA-256 digests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt with n=2**14, r=8, p=1 (16 MiB, tens of milliseconds): the interactive-login
# parameters recommended for scrypt; stored with the hash so they can be raised later.
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.urlsafe_b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(),
        salt=base64.urlsafe_b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)


class InlineHasher:
    """``ports.PasswordHasher`` on the caller's thread: for tools and tests that build ``Ports``
    by hand. It blocks an event loop for each hash, so the service uses
    ``backend.passwords.PooledHasher`` instead."""

    async def hash(self, password: str) -> str:
        return hash_password(password)

    async def verify(self, password: str, stored: str) -> bool:
        return verify_password(password, stored)


def new_token() -> str:
    """A random 256-bit token, URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id() -> str:
    return secrets.token_hex(12)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()
