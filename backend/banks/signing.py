"""The bank open API's signatures (docs/bank-api.md), shared by the adapter and the sandbox bank.

Ed25519, like the platform's receipts (``backend.signing_keys``): one key type to keep and
rotate, 64-byte signatures, no nonce of its own to get wrong. Each side signs with its private
key and the other verifies with the published public half:

- a request to the bank: ``METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256HEX(body)``, by the platform;
- a callback from the bank: ``CALLBACK\\nTIMESTAMP\\nNONCE\\nSHA256HEX(body)``, by the bank.

The callback string names no path: the platform's address is the platform's business (a proxy
may rewrite it), and the body names the application and the notice. The different first line
keeps a request's signature from ever passing as a callback's. Timestamps are Unix seconds of
the real time, not the sandbox's movable clock: freshness is about the wire, and the two sides
keep their own business clocks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from multidict import CIMultiDict

from backend.signing_keys import Ed25519Signer, b64url_decode
from signing_flow.secrets import new_id

APP_ID = "X-CCB-App-Id"
TIMESTAMP = "X-CCB-Timestamp"
NONCE = "X-CCB-Nonce"
SIGNATURE = "X-CCB-Signature"
KEY_ID = "X-CCB-Key-Id"
WINDOW_SECONDS = 300  # either side refuses a timestamp further than this from its own time
MAX_NONCE = 64

Now = Callable[[], float]


class SignatureRefused(Exception):
    """Why a signed message is not accepted: ``code`` is one of the codes below."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


MISSING = "SIGNATURE_MISSING"
INVALID = "SIGNATURE_INVALID"
STALE = "TIMESTAMP_OUT_OF_WINDOW"


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_string(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((method.upper(), path, timestamp, nonce, body_hash(body))).encode()


def callback_string(timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join(("CALLBACK", timestamp, nonce, body_hash(body))).encode()


def public_key(text: str) -> Ed25519PublicKey:
    """A published key: base64url of the 32 raw bytes (what the keys routes publish)."""
    return Ed25519PublicKey.from_public_bytes(b64url_decode(text.strip()))


def sign_request(
    key: Ed25519Signer, app_id: str, method: str, path: str, body: bytes, now: float
) -> dict[str, str]:
    timestamp, nonce = str(int(now)), new_id()
    return {
        APP_ID: app_id,
        TIMESTAMP: timestamp,
        NONCE: nonce,
        KEY_ID: key.key_id,
        SIGNATURE: key.sign(request_string(method, path, timestamp, nonce, body)),
    }


def sign_callback(key: Ed25519Signer, body: bytes, now: float) -> dict[str, str]:
    timestamp, nonce = str(int(now)), new_id()
    return {
        TIMESTAMP: timestamp,
        NONCE: nonce,
        KEY_ID: key.key_id,
        SIGNATURE: key.sign(callback_string(timestamp, nonce, body)),
        "Content-Type": "application/json",
    }


@dataclass(frozen=True)
class Signed:
    timestamp: str
    nonce: str
    signature: bytes


def signed_parts(headers: Mapping[str, str], now: float) -> Signed:
    """The timestamp, nonce and signature headers, checked for form and freshness."""
    headers = CIMultiDict(headers)  # header names are case-insensitive, whoever passes them
    timestamp, nonce = headers.get(TIMESTAMP, ""), headers.get(NONCE, "")
    signature = headers.get(SIGNATURE, "")
    if not (timestamp and nonce and signature):
        raise SignatureRefused(MISSING, "签名、时间戳或随机串缺失 (signature headers missing)")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise SignatureRefused(STALE, "时间戳格式不正确 (timestamp is not Unix seconds)")
    if abs(int(timestamp) - now) > WINDOW_SECONDS:
        raise SignatureRefused(STALE, "时间戳超出允许范围 (timestamp outside ±300 s)")
    if len(nonce) > MAX_NONCE or not nonce.isascii():
        raise SignatureRefused(INVALID, "随机串格式不正确 (bad nonce)")
    try:
        raw = b64url_decode(signature) if signature.isascii() else b""
    except ValueError:
        raw = b""
    if len(raw) != 64:
        raise SignatureRefused(INVALID, "签名格式不正确 (signature is not 64 bytes base64url)")
    return Signed(timestamp, nonce, raw)


def verify(keys: Iterable[Ed25519PublicKey], signature: bytes, message: bytes) -> None:
    """Any of ``keys`` (a bank rotating its key publishes two for a while) will do."""
    for key in keys:
        try:
            key.verify(signature, message)
            return
        except InvalidSignature:
            continue
    raise SignatureRefused(INVALID, "签名验证失败 (signature does not verify)")
