"""What a bundle's verdict rests on: the CA certificate and the receipt keys it carries.

A bundle checks itself against its own anchors, so a forger who makes a CA, a receipt key and a
manifest of his own makes a bundle that is internally consistent. Only comparing the anchors
with the platform's published ones (GET /api/v1/evidence-certificates and
GET /api/v1/signing-keys) tells the two apart: ``wangqian verify-evidence`` prints their full
fingerprints always and compares them when given pins (``--ca-sha256``, ``--keys``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.evidence.bundle_reader import Bundle
from backend.signing_keys import b64url_decode, key_id_for

KEYS_FILE = "keys/signing-keys.json"
CA_FILE = "certificates/ca.pem"


class AnchorProblem(Exception):
    """An anchor that is malformed, inconsistent or not the pinned one."""


@dataclass(frozen=True)
class Pins:
    ca_sha256: str | None = None
    keys: Mapping[str, Any] | None = None  # the body of GET /api/v1/signing-keys

    @property
    def given(self) -> bool:
        return self.ca_sha256 is not None and self.keys is not None


def _raw(key: Mapping[str, Any]) -> bytes:
    raw = b64url_decode(str(key.get("public_key", "")))
    if key.get("alg") != "Ed25519" or len(raw) != 32:
        raise AnchorProblem(f"key {key.get('key_id')}: not an Ed25519 public key")
    return raw


def checked_keys(keys: Any) -> dict[str, bytes]:
    """``{key_id: raw public key}`` of a key set, each id the one its key gives
    (``backend.signing_keys.key_id_for``): a key under another key's id is refused."""
    listed = keys.get("keys") if isinstance(keys, Mapping) else None
    if not isinstance(listed, list):
        raise AnchorProblem('not a key set: expected {"keys": [...]}')
    out = {}
    for key in listed:
        if not isinstance(key, Mapping):
            raise AnchorProblem("not a key set: a key is not an object")
        raw = _raw(key)
        if key.get("key_id") != key_id_for(raw):
            raise AnchorProblem(
                f"key {key.get('key_id')}: its id is not the one its key gives ({key_id_for(raw)})"
            )
        out[str(key["key_id"])] = raw
    return out


def bundle_keys(bundle: Bundle) -> dict[str, Any]:
    """The bundle's key set, once every id is checked against its key."""
    keys: dict[str, Any] = bundle.json(KEYS_FILE)
    checked_keys(keys)
    return keys


def ca_fingerprint(bundle: Bundle) -> str:
    return hashlib.sha256(bundle.cert(CA_FILE).dump()).hexdigest()


def key_fingerprints(bundle: Bundle) -> dict[str, str]:
    return {
        kid: hashlib.sha256(raw).hexdigest()
        for kid, raw in checked_keys(bundle.json(KEYS_FILE)).items()
    }


def check_anchors(bundle: Bundle, pins: Pins) -> str:
    ca = ca_fingerprint(bundle)
    keys = key_fingerprints(bundle)
    shown = f"CA SHA-256 {ca}; " + "; ".join(f"key {k} SHA-256 {v}" for k, v in keys.items())
    problems = []
    if pins.ca_sha256 is not None and pins.ca_sha256.lower().replace(":", "") != ca:
        problems.append(f"the bundle's CA is not the pinned one (SHA-256 {ca})")
    if pins.keys is not None:
        pinned = checked_keys(pins.keys)
        problems += [
            f"key {kid} is not one of the pinned keys"
            for kid, raw in checked_keys(bundle.json(KEYS_FILE)).items()
            if pinned.get(kid) != raw
        ]
    if problems:
        raise AnchorProblem("; ".join(problems) + f" [{shown}]")
    if not pins.given:
        return f"not compared with the platform's published anchors: {shown}"
    return f"match the pinned anchors: {shown}"
