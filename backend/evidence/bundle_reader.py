"""Reading an evidence bundle that may come from anyone: bounded in members and bytes.

A zip states each member's size, and the statement can lie; so every member is read in chunks
and stops at the cap, whatever its header says. A bundle has a dozen members of a few hundred KB
(the PDF is the largest); the caps leave room for a contract of many parties and pages.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from asn1crypto import pem, x509

from backend.evidence.bundle import MANIFEST

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 48 * 1024 * 1024
_CHUNK = 64 * 1024


class BadBundle(ValueError):
    """Not an evidence bundle this verifier will read (and why)."""


def _name_problem(name: str) -> str | None:
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return f"{name!r}: a path outside the bundle"
    return None


def read_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise BadBundle(f"{len(infos)} members (at most {MAX_MEMBERS})")
        names = [i.filename for i in infos]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise BadBundle(f"members named twice: {', '.join(duplicates)}")
        for name in names:
            problem = _name_problem(name)
            if problem:
                raise BadBundle(problem)
        files, total = {}, 0
        for info in infos:
            if info.file_size > MAX_MEMBER_BYTES:
                raise BadBundle(f"{info.filename}: declares {info.file_size} bytes (too large)")
            out = bytearray()
            with zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    if len(out) > MAX_MEMBER_BYTES or total + len(out) > MAX_TOTAL_BYTES:
                        raise BadBundle(f"{info.filename}: larger than a bundle member may be")
            total += len(out)
            files[info.filename] = bytes(out)
    return files


class Bundle:
    def __init__(self, data: bytes) -> None:
        self.files = read_members(data)
        self.manifest: dict[str, Any] = json.loads(self.files[MANIFEST])

    def json(self, name: str) -> Any:
        return json.loads(self.files[name])

    def cert(self, name: str) -> x509.Certificate:
        _, _, der = pem.unarmor(self.files[name])
        return x509.Certificate.load(der)

    def receipts(self) -> dict[str, dict[str, Any]]:
        return {
            name.removeprefix("receipts/").removesuffix(".json"): self.json(name)
            for name in self.files
            if name.startswith("receipts/")
        }
