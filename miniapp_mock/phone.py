"""The phone client: one party's side of the mini-program (粤信签), over HTTP only.

This is what an integrator's test harness would be. It knows the public API and nothing else:
it imports nothing from ``signing_flow`` or ``backend`` (DESIGN §2), so it checks the service
against the documented contract, not against the service's own code. That is also why the
document hash and the receipts' canonical JSON are recomputed here rather than imported.

One ``Phone`` is one party: ``scan`` the QR link, read the ``document``, ``review`` it,
``confirm``, pass the police check (``verify_identity``), ``authorize`` with a face sample, or
``decline``. Every refusal raises ``ApiError`` with the status and the error body's code,
message and details.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast
from urllib.parse import parse_qs, urlsplit

from aiohttp import ClientSession
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

USER_AGENT = "wangqian-phone/0.1 (sandbox mini-program)"


class ApiError(Exception):
    """A refusal from the service: ``{"error": {"code", "message", "details"}}`` and its status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """503: a dependency (police, face) was unavailable; no attempt was used."""
        return self.status == 503


class DocumentMismatch(Exception):
    """The document's text does not hash to the SHA-256 the server states for it."""


class Receipt(TypedDict):
    payload: dict[str, Any]
    key_id: str
    alg: str
    signature: str


class OtherParty(TypedDict):
    role_label: str
    name: str
    step_label: str


class PartyView(TypedDict):
    """What the party's session shows (``PartyViewOut`` in the OpenAPI document)."""

    order_id: str
    order_status: str
    order_status_label: str
    purpose_label: str
    contract_number: str
    property_address: str
    price_fen: int | None
    document_sha256: str
    party_id: str
    role: str
    role_label: str
    name: str
    id_number_masked: str
    step: str
    step_label: str
    next_step: str | None
    attempts_left: int
    receipt: Receipt | None
    others: list[OtherParty]


@dataclass(frozen=True)
class Document:
    order_id: str
    sha256: str
    text: str

    @property
    def title(self) -> str:
        return self.text.split("\n", 1)[0]


# ---- HTTP ---------------------------------------------------------------------------------


async def request_json(
    http: ClientSession,
    method: str,
    url: str,
    *,
    token: str | None = None,
    body: Any = None,
) -> Any:
    """One JSON call; any status of 400 or more raises ``ApiError``."""
    headers = {"User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with http.request(method, url, json=body, headers=headers) as resp:
        if resp.status >= 400:
            raise error_from(resp.status, resp.headers.get("Retry-After"), await resp.read())
        if resp.status == 204:
            return None
        return await resp.json()


def error_from(status: int, retry_after: str | None, raw: bytes) -> ApiError:
    """The typed error for a refusal; a body not in the documented shape (a proxy's HTML page,
    say) still gives an error with the status and the start of the text."""
    delay = float(retry_after) if retry_after and retry_after.isdigit() else None
    try:
        error = json.loads(raw)["error"]
        return ApiError(
            status, str(error["code"]), str(error["message"]), error.get("details") or {}, delay
        )
    except (ValueError, KeyError, TypeError):
        text = raw.decode("utf-8", "replace").strip()[:200]
        return ApiError(status, f"HTTP_{status}", text or "no body", {}, delay)


def token_from_url(url: str) -> str:
    """The ``token`` query parameter of the QR code's link."""
    values = parse_qs(urlsplit(url).query).get("token")
    if not values or not values[0]:
        raise ValueError(f"the QR link carries no token: {url!r}")
    return values[0]


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- the party ----------------------------------------------------------------------------


@dataclass
class Phone:
    """One party's phone. ``base_url`` is the service root, e.g. ``http://127.0.0.1:8080``."""

    http: ClientSession
    base_url: str
    session_token: str | None = field(default=None, repr=False)
    session_expires_at: str | None = None

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        if self.session_token is None:
            raise RuntimeError("scan a QR code first: this phone has no party session")
        return await request_json(
            self.http, method, self._url(path), token=self.session_token, body=body
        )

    async def _step(self, path: str, body: Any = None) -> PartyView:
        # Every step posts JSON, even those without fields, so the media type is always right.
        return cast(PartyView, await self._call("POST", path, {} if body is None else body))

    async def scan(self, qr_url: str) -> PartyView:
        """扫码: exchange the QR link's single-use token for this party's session."""
        body = await request_json(
            self.http, "POST", self._url("/mp/v1/sessions"), body={"token": token_from_url(qr_url)}
        )
        self.session_token = str(body["session_token"])
        self.session_expires_at = str(body["expires_at"])
        return cast(PartyView, body["view"])

    async def order(self) -> PartyView:
        return cast(PartyView, await self._call("GET", "/mp/v1/order"))

    async def document(self) -> Document:
        """The document to sign, its hash recomputed here: a party signs what it read."""
        body = await self._call("GET", "/mp/v1/document")
        document = Document(str(body["order_id"]), str(body["sha256"]), str(body["text"]))
        if sha256_hex(document.text) != document.sha256.lower():
            raise DocumentMismatch(
                f"the document hashes to {sha256_hex(document.text)}, "
                f"the server says {document.sha256}"
            )
        return document

    async def review(self, document: Document) -> PartyView:
        """查阅文件, naming the SHA-256 of the text actually read."""
        return await self._step("/mp/v1/review", {"document_sha256": sha256_hex(document.text)})

    async def confirm(self) -> PartyView:
        """确定签署."""
        return await self._step("/mp/v1/confirm")

    async def verify_identity(self, name: str, id_number: str) -> PartyView:
        """微警认证 with the name and ID number the party enters."""
        return await self._step(
            "/mp/v1/police-verification", {"name": name, "id_number": id_number}
        )

    async def authorize(self, face_sample: str = "match") -> PartyView:
        """确认授权: face recognition; on success the view carries the signature receipt."""
        return await self._step("/mp/v1/authorize", {"face_sample": face_sample})

    async def decline(self, reason: str) -> PartyView:
        """拒绝签署: ends the order for everyone."""
        return await self._step("/mp/v1/decline", {"reason": reason})


# ---- receipts -----------------------------------------------------------------------------


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """DESIGN §7: sorted keys, no whitespace, non-ASCII kept as is, UTF-8."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class ReceiptCheck:
    ok: bool
    reason: str
    key_id: str | None = None


def verify_receipt(receipt: Mapping[str, Any], keys: Mapping[str, Any]) -> ReceiptCheck:
    """Check a receipt ``{payload, key_id, alg, signature}`` against the platform's published
    keys (the body of ``GET /api/v1/signing-keys``), offline."""
    try:
        payload, key_id = receipt["payload"], str(receipt["key_id"])
        alg, signature = str(receipt["alg"]), str(receipt["signature"])
    except (KeyError, TypeError):
        return ReceiptCheck(False, "not a receipt: needs payload, key_id, alg and signature")
    if not isinstance(payload, Mapping):
        return ReceiptCheck(False, "not a receipt: payload must be a JSON object", key_id)
    listed = keys.get("keys") if isinstance(keys, Mapping) else None
    if not isinstance(listed, list):
        return ReceiptCheck(False, 'not a key set: expected {"keys": [...]}', key_id)
    key = next((k for k in listed if isinstance(k, Mapping) and k.get("key_id") == key_id), None)
    if key is None:
        return ReceiptCheck(False, f"unknown key {key_id}", key_id)
    if alg != "Ed25519" or key.get("alg") != "Ed25519":
        return ReceiptCheck(False, f"unsupported algorithm {alg}", key_id)
    try:
        public = Ed25519PublicKey.from_public_bytes(_b64url_decode(str(key["public_key"])))
        public.verify(_b64url_decode(signature), canonical_json(payload))
    except (InvalidSignature, ValueError):
        return ReceiptCheck(False, "signature does not match the payload", key_id)
    return ReceiptCheck(True, "signature valid", key_id)


def receipts_in(document: Any) -> list[Receipt]:
    """The receipts in a saved response: a receipt itself, a party view (``receipt``) or an
    order (``parties[].receipt``), so a file saved from any of them can be checked."""
    if not isinstance(document, Mapping):
        return []
    if "signature" in document or "payload" in document:
        return [cast(Receipt, document)]
    if isinstance(document.get("receipt"), Mapping):
        return [cast(Receipt, document["receipt"])]
    parties = document.get("parties")
    if isinstance(parties, list):
        return [
            cast(Receipt, p["receipt"])
            for p in parties
            if isinstance(p, Mapping) and isinstance(p.get("receipt"), Mapping)
        ]
    return []


async def fetch_signing_keys(http: ClientSession, base_url: str) -> dict[str, Any]:
    """The platform's public keys: ``{"keys": [{key_id, alg, public_key}]}``."""
    return cast(
        dict[str, Any],
        await request_json(http, "GET", base_url.rstrip("/") + "/api/v1/signing-keys"),
    )
