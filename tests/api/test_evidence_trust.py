"""What the offline verifier trusts (docs/evidence.md, 离线验证): anchors pinned to the
platform's published ones, a timestamp over the whole file, every party of the order accounted
for, and audit events that cannot shed their digest."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509 import load_pem_x509_certificate
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from backend.cli import main
from backend.evidence.bundle import MANIFEST, MANIFEST_SIG
from backend.signing_keys import Ed25519Signer, load_signer
from miniapp_mock.phone import canonical_json
from tests.api.conftest import Api
from tests.api.test_evidence import bundle_of, checked, clock, filed, settings

__all__ = ["clock", "settings"]  # the fixtures, shared with test_evidence


def unpack(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def repack(
    files: dict[str, bytes], signer: Ed25519Signer, change: Callable[[dict[str, Any]], None]
) -> bytes:
    """The bundle with its manifest rehashed, changed and signed by ``signer``."""
    manifest = json.loads(files[MANIFEST])
    manifest["files"] = {
        n: hashlib.sha256(d).hexdigest()
        for n, d in files.items()
        if n not in (MANIFEST, MANIFEST_SIG)
    }
    manifest["key_id"] = signer.key_id
    change(manifest)
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    files[MANIFEST_SIG] = signer.sign(files[MANIFEST]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    return out.getvalue()


def resign_receipts(files: dict[str, bytes], signer: Ed25519Signer, key_id: str) -> None:
    for name in [n for n in files if n.startswith("receipts/")]:
        receipt = json.loads(files[name])
        receipt["key_id"] = key_id
        receipt["signature"] = signer.sign(canonical_json(receipt["payload"]))
        files[name] = json.dumps(receipt, ensure_ascii=False).encode()


def keys_file(signer: Ed25519Signer, key_id: str) -> bytes:
    return json.dumps({"keys": [{**signer.public_key(), "key_id": key_id}]}).encode()


async def verify_cli(path: Path, *pins: str) -> int:
    return await asyncio.to_thread(main, ["verify-evidence", str(path), *pins])


async def test_a_bundle_forged_with_its_own_keys_passes_only_as_unanchored(
    agent: Api,
    client: TestClient[Any, Any],
    settings: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    contract, _ = await filed(agent, client)
    good = await bundle_of(agent, contract["id"])
    real = load_signer(None, settings.key_dir)
    forger = Ed25519Signer(os.urandom(32))

    # The forger's key under the platform's key id: refused whatever the pins.
    files = unpack(good)
    resign_receipts(files, forger, real.key_id)
    files["keys/signing-keys.json"] = keys_file(forger, real.key_id)
    results = await checked(repack(files, forger, lambda m: m.update(key_id=real.key_id)))
    failed = {c.key: c.detail for c in results if not c.ok}
    assert "its id is not the one its key gives" in failed["anchors"], failed
    assert {"manifest", "receipts"} <= set(failed), failed

    # The forger's own key under its own id, manifest and receipts re-signed: consistent.
    files = unpack(good)
    resign_receipts(files, forger, forger.key_id)
    files["keys/signing-keys.json"] = keys_file(forger, forger.key_id)
    forged = tmp_path / "forged.zip"
    forged.write_bytes(repack(files, forger, lambda m: None))
    ca = load_pem_x509_certificate(files["certificates/ca.pem"]).fingerprint(SHA256()).hex()
    assert await verify_cli(forged) == 0
    out = capsys.readouterr().out
    assert "anchors were not checked against the platform's published ones" in out, out
    assert "未与平台公布的核对" in out and f"CA SHA-256 {ca}" in out, out
    assert hashlib.sha256(forger.public_bytes).hexdigest() in out, out

    published = tmp_path / "keys.json"
    published.write_text(json.dumps(await agent.get("/api/v1/signing-keys")))
    certs = await agent.client.get("/api/v1/evidence-certificates")
    assert certs.status == 200
    pinned_ca = (await certs.json())["ca"]["sha256"]
    assert pinned_ca == ca
    assert await verify_cli(forged, "--ca-sha256", pinned_ca, "--keys", str(published)) == 1
    assert "is not one of the pinned keys" in capsys.readouterr().out

    genuine = tmp_path / "genuine.zip"
    genuine.write_bytes(good)
    assert await verify_cli(genuine, "--ca-sha256", pinned_ca, "--keys", str(published)) == 0
    assert "信任锚与平台公布的一致" in capsys.readouterr().out
    assert await verify_cli(genuine, "--ca-sha256", "ab" * 32, "--keys", str(published)) == 1
    assert "the bundle's CA is not the pinned one" in capsys.readouterr().out


def appended_after_timestamp(pdf: bytes) -> bytes:
    """An incremental update after the document timestamp: a new signature field over page 1."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    append_signature_field(writer, SigFieldSpec("overlay", box=(50, 50, 250, 150)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def test_a_revision_after_the_document_timestamp_fails(
    agent: Api, client: TestClient[Any, Any], settings: Any
) -> None:
    contract, _ = await filed(agent, client)
    files = unpack(await bundle_of(agent, contract["id"]))
    files["contract.pdf"] = appended_after_timestamp(files["contract.pdf"])
    signer = load_signer(None, settings.key_dir)
    results = {c.key: c for c in await checked(repack(files, signer, lambda m: None))}
    assert not results["pdf"].ok
    assert "does not cover the whole file" in results["pdf"].detail, results["pdf"].line()
    assert "overlay: a signature field that is not the order's" in results["pdf"].detail


def downgraded(data: bytes) -> bytes:
    """A v2 event passed off as v1 (whose digest covers what is never served), then edited."""
    listed = json.loads(data)
    listed[2]["digest_v"] = 1
    listed[2]["actor_id"] = "someone-else"
    return json.dumps(listed, ensure_ascii=False).encode()


async def test_an_audit_event_cannot_escape_its_digest_by_claiming_v1(
    agent: Api, client: TestClient[Any, Any], settings: Any
) -> None:
    contract, _ = await filed(agent, client)
    files = unpack(await bundle_of(agent, contract["id"]))
    files["audit/events.json"] = downgraded(files["audit/events.json"])
    signer = load_signer(None, settings.key_dir)
    results = {c.key: c for c in await checked(repack(files, signer, lambda m: None))}
    assert not results["audit"].ok and "event 3" in results["audit"].detail
    # Even with every event downgraded the manifest's count of v1 events gives it away.
    files["audit/events.json"] = json.dumps(
        [{**e, "digest_v": 1} for e in json.loads(downgraded(files["audit/events.json"]))]
    ).encode()
    results = {c.key: c for c in await checked(repack(files, signer, lambda m: None))}
    assert not results["audit"].ok and "digest v1" in results["audit"].detail


async def test_every_party_of_the_order_must_be_in_the_evidence(
    agent: Api, client: TestClient[Any, Any], settings: Any
) -> None:
    contract, _ = await filed(agent, client)
    files = unpack(await bundle_of(agent, contract["id"]))
    signer = load_signer(None, settings.key_dir)
    manifest = json.loads(files[MANIFEST])
    assert [p["party_id"] for p in manifest["parties"]] == ["s1", "s2", "b1", "b2"]

    def one_more(m: dict[str, Any]) -> None:
        m["parties"].append({**m["parties"][-1], "party_id": "b3"})

    results = {c.key: c for c in await checked(repack(dict(files), signer, one_more))}
    assert "b3: no receipt" in results["receipts"].detail
    assert "b3: no signature in the PDF" in results["pdf"].detail
    assert "no party_signed event for b3" in results["audit"].detail

    def role_swapped(m: dict[str, Any]) -> None:
        m["parties"][0]["role"] = "buyer"

    results = {c.key: c for c in await checked(repack(dict(files), signer, role_swapped))}
    assert "party_s1: certificate not bound to this order, role" in results["pdf"].detail
    assert "s1: not the manifest's party" in results["receipts"].detail
