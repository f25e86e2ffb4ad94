"""Uploaded files (materials, ID card images, signed pages): kind sniffed from the bytes, never
from the name or the declared media type, and size-limited."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from signing_flow.errors import TooLarge, UnsupportedMediaType

IMAGE_LIMIT = 500 * 1000  # the guide's 500K per image
SCAN_LIMIT = 5 * 1024 * 1024  # signed pages at the window (PDF or a photo)

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
KIND_LABELS = {"image/png": "PNG", "image/jpeg": "JPEG", "application/pdf": "PDF"}


def sniff(data: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


@dataclass
class StoredFile:
    id: str
    content_type: str
    size: int
    sha256: str
    data_b64: str
    uploaded_by: str
    uploaded_at: datetime
    version: int = 0


def accept_upload(
    data: bytes, *, allowed: frozenset[str], limit: int, file_id: str, by: str, at: datetime
) -> StoredFile:
    """The file to store, or 413/415 with a message a person understands."""
    if len(data) > limit:
        raise TooLarge(
            f"文件大小不能超过 {limit // 1000}K，当前为 {len(data) // 1000}K "
            f"(the file is {len(data)} bytes; the limit is {limit})",
            code="FILE_TOO_LARGE",
            details={"size": len(data), "limit": limit},
        )
    kind = sniff(data)
    if kind not in allowed:
        names = "、".join(sorted(KIND_LABELS[k] for k in allowed))
        raise UnsupportedMediaType(
            f"只接受 {names} 文件 (the file's content is {kind or 'not a recognised format'})",
            code="FILE_TYPE_NOT_ALLOWED",
            details={"detected": kind, "allowed": sorted(allowed)},
        )
    return StoredFile(
        id=file_id,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data_b64=base64.b64encode(data).decode(),
        uploaded_by=by,
        uploaded_at=at,
    )


IMAGES = frozenset({"image/png", "image/jpeg"})
SCANS = frozenset({"image/png", "image/jpeg", "application/pdf"})
