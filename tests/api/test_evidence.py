"""The evidence of a signed order (docs/evidence.md): the PAdES PDF checked by tools nobody here
wrote, the bundle, and the offline verifier's verdicts."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from backend.appkeys import PORTS, STORE
from backend.cli import main
from backend.evidence.authority import load_authority
from backend.evidence.pdf_signing import asn1_cert
from backend.evidence.pdf_store import COLLECTION, StoredPdfs
from backend.evidence.verify import Check, verify_bundle
from backend.settings import Settings
from tests.api.conftest import Api, Phone, qr_url, submitted_contract
from tests.api.evidence_tools import pdfsig_report, pyhanko_summary, unzip
from tests.conftest import FakeClock


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    return Settings(store_url=store_url, key_dir=str(tmp_path / "keys"), scheduler=False)


@pytest.fixture
def clock() -> FakeClock:
    # pdfsig judges certificates at the present time: sign at the present time too.
    return FakeClock(datetime.now(UTC))


def people(contract: Any) -> list[tuple[str, str, str]]:
    return [(p["id"], p["name"], p["id_number"]) for p in contract["sellers"] + contract["buyers"]]


async def sign_all(agent: Api, client: TestClient[Any, Any], contract: Any, order: Any) -> None:
    for party_id, name, id_number in people(contract):
        phone = Phone(client)
        await phone.scan(await qr_url(agent, order["id"], party_id))
        await phone.sign_through(name, id_number)


async def filed(agent: Api, client: TestClient[Any, Any]) -> tuple[Any, Any]:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    await sign_all(agent, client, contract, order)
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    return contract, order


async def bundle_of(agent: Api, contract_id: str) -> bytes:
    resp = await agent.client.get(
        f"/api/v1/contracts/{contract_id}/evidence.zip", headers=agent.headers()
    )
    assert resp.status == 200 and resp.content_type == "application/zip"
    return await resp.read()


async def checked(bundle: bytes) -> list[Check]:
    # pyHanko's synchronous validation runs its own event loop: keep it off this one.
    return await asyncio.to_thread(verify_bundle, bundle)


async def verdicts(bundle: bytes) -> dict[str, bool]:
    return {c.key: c.ok for c in await checked(bundle)}


async def test_a_filed_contracts_pdf_verifies_with_pdfsig_and_pyhanko(
    agent: Api, client: TestClient[Any, Any], tmp_path: Path
) -> None:
    contract, _ = await filed(agent, client)
    folder = unzip(await bundle_of(agent, contract["id"]), tmp_path / "bundle")
    report = pdfsig_report(
        folder / "contract.pdf", folder / "certificates/ca.pem", tmp_path / "nss"
    )
    fields = ["party_s1", "party_s2", "party_b1", "party_b2", "platform_seal"]
    for n, name in enumerate(fields, 1):
        block = report.split(f"Signature #{n}:")[1].split("Signature #")[0]
        assert f"Signature Field Name: {name}" in block, report
        assert "Signature Validation: Signature is Valid." in block, report
        assert "Certificate Validation: Certificate is Trusted." in block, report
    # poppler 22 reads the RFC 3161 document timestamp but cannot validate that type.
    assert "Signature Field Name: document_timestamp" in report.split("Signature #6:")[1]
    summary = pyhanko_summary(folder / "contract.pdf", folder / "certificates/ca.pem")
    assert [line.split(":")[0] for line in summary.splitlines()] == fields, summary
    assert all(line.endswith(":VALID") for line in summary.splitlines()), summary


async def test_the_verifier_passes_a_good_bundle(
    agent: Api, client: TestClient[Any, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract, _ = await filed(agent, client)
    path = tmp_path / "bundle.zip"
    path.write_bytes(await bundle_of(agent, contract["id"]))
    assert await asyncio.to_thread(main, ["verify-evidence", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("通过 PASS") == 6 and "验证通过（未核对信任锚） OK" in out


def rewrite(bundle: bytes, name: str, change: Any) -> bytes:
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files[name] = change(files[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    return out.getvalue()


def flip(at: float) -> Any:
    def change(data: bytes) -> bytes:
        i = int(len(data) * at)
        return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]

    return change


def flip_signed_at(data: bytes) -> bytes:
    """One byte of the receipt's signed time, flipped: still JSON, still a time."""
    i = data.index(b'"signed_at": "') + len(b'"signed_at": "') + 3  # the year's last digit
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def events(change: Any) -> Any:
    def apply(data: bytes) -> bytes:
        listed = json.loads(data)
        change(listed)
        return json.dumps(listed, ensure_ascii=False).encode()

    return apply


def swap(listed: list[Any]) -> None:
    listed[3], listed[4] = listed[4], listed[3]


def other_ca(_: bytes) -> bytes:
    return load_authority(tempfile.mkdtemp()).ca.cert_pem


def other_seal(_: bytes) -> bytes:
    return load_authority(tempfile.mkdtemp()).seal.cert_pem


def manifest_lie(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["files"]["document.txt"] = "0" * 64
    return json.dumps(manifest).encode()


async def test_the_verifier_fails_each_tampering_and_names_the_check(
    agent: Api, client: TestClient[Any, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract, _ = await filed(agent, client)
    good = await bundle_of(agent, contract["id"])
    assert all((await verdicts(good)).values())
    receipt = "receipts/s1.json"
    cases = {
        "one byte flipped in the PDF": ("contract.pdf", flip(0.3), {"manifest", "pdf"}),
        "one byte flipped in a receipt": (receipt, flip_signed_at, {"manifest", "receipts"}),
        "an audit event removed": (
            "audit/events.json",
            events(lambda e: e.pop(5)),
            {"manifest", "audit"},
        ),
        "an audit event reordered": ("audit/events.json", events(swap), {"manifest", "audit"}),
        "a certificate swapped": ("certificates/ca.pem", other_ca, {"manifest", "pdf"}),
        "the seal's certificate swapped": (
            "certificates/seal.pem",
            other_seal,
            {"manifest", "pdf"},
        ),
        "a manifest mismatch": ("manifest.json", manifest_lie, {"manifest"}),
    }
    for case, (name, change, failing) in cases.items():
        results = await checked(rewrite(good, name, change))
        failed = {c.key for c in results if not c.ok}
        assert failing <= failed, (case, [c.line() for c in results])
        assert failed <= failing | {"document"}, (case, [c.line() for c in results])
    path = tmp_path / "tampered.zip"
    path.write_bytes(rewrite(good, "contract.pdf", flip(0.3)))
    assert await asyncio.to_thread(main, ["verify-evidence", str(path)]) == 1
    assert "验证失败 FAILED: manifest, pdf" in capsys.readouterr().out


async def test_four_parties_signing_at_once_give_four_valid_incremental_signatures(
    agent: Api, client: TestClient[Any, Any], other_process: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    phones = []
    for n, (party_id, name, id_number) in enumerate(people(contract)):
        # two processes, so the PDF's compare-and-set decides, not one process's turn-taking
        phone = Phone(client if n % 2 else other_process)
        await phone.scan(await qr_url(agent, order["id"], party_id))
        document = await phone.api.get("/mp/v1/document")
        await phone.step("review", {"document_sha256": document["sha256"]})
        await phone.step("confirm")
        await phone.step("police-verification", {"name": name, "id_number": id_number})
        phones.append(phone)
    await asyncio.gather(*(p.step("authorize", {"face_sample": "match"}) for p in phones))
    doc = await client.app[STORE].get(COLLECTION, order["id"])
    assert doc is not None and len(doc["signers"]) == 4
    reader = PdfFileReader(io.BytesIO(base64.b64decode(doc["pdf_b64"])))
    sigs = reader.embedded_signatures
    pdfs = client.app[PORTS].evidence
    assert isinstance(pdfs, StoredPdfs)
    ca = asn1_cert(pdfs.authority.ca.cert)
    assert sorted(s.field_name for s in sigs) == ["party_b1", "party_b2", "party_s1", "party_s2"]
    assert [s.signed_revision for s in sigs] == sorted({s.signed_revision for s in sigs})
    for sig in sigs:
        context = ValidationContext(trust_roots=[ca], allow_fetching=False)
        status = await async_validate_pdf_signature(sig, context)
        assert status.intact and status.valid, sig.field_name
        assert status.modification_level is not None  # later revisions were analysed


async def test_a_party_downloads_the_evidence_on_the_phone_after_filing(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    phones = []
    for party_id, name, id_number in people(contract):
        phone = Phone(client)
        await phone.scan(await qr_url(agent, order["id"], party_id))
        await phone.sign_through(name, id_number)
        phones.append(phone)
    refused = await phones[0].api.get("/mp/v1/evidence.zip", expect=409)
    assert refused["error"]["code"] == "ORDER_STATE_CONFLICT"
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    resp = await client.get("/mp/v1/evidence.zip", headers=phones[0].api.headers())
    assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
    assert all((await verdicts(await resp.read())).values())


async def test_a_cancellation_has_its_own_evidence(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    contract, _ = await filed(agent, client)
    cid = contract["id"]
    await agent.post(f"/api/v1/contracts/{cid}/cancellations", {"reason": "协商解除"}, expect=201)
    order = await agent.post(f"/api/v1/contracts/{cid}/signing-orders", expect=201)
    await sign_all(agent, client, contract, order)
    await agent.post(f"/api/v1/signing-orders/{order['id']}/submit")
    bundle = await bundle_of(agent, cid)
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["order_id"] == order["id"] and manifest["purpose"] == "cancellation"
    assert all((await verdicts(bundle)).values())


async def test_there_is_no_evidence_before_filing(agent: Api) -> None:
    contract = await submitted_contract(agent)
    refused = await agent.get(f"/api/v1/contracts/{contract['id']}/evidence.zip", expect=409)
    assert refused["error"]["code"] == "CONTRACT_STATE_CONFLICT"


async def test_an_agent_who_may_not_read_the_contract_gets_no_evidence(
    agent: Api, client: TestClient[Any, Any], anonymous: Api
) -> None:
    contract, _ = await filed(agent, client)
    stranger = await anonymous.login("agent_wang")
    refused = await stranger.get(f"/api/v1/contracts/{contract['id']}/evidence.zip", expect=404)
    assert refused["error"]["code"] == "CONTRACT_NOT_FOUND"
