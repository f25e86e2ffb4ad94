"""``wangqian backup`` during 20 concurrent handshakes, and ``wangqian restore``
(docs/operations.md "Backups and restore")."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from aiohttp import ClientSession

from backend.storage import open_store
from bench.client import Http, Recorder
from bench.fixtures import people, seed
from bench.flows import login, open_order, scan, show_qr
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.audit import chain_break
from signing_flow.codec import from_doc
from signing_flow.models import Contract
from tests.e2e.conftest import REPO, server_env
from tests.e2e.processes import server_process

HANDSHAKES = 20
STEPS = (  # the phone's step, and the step the party then stands at
    ("review", "reviewed"),
    ("confirm", "confirmed"),
    ("police-verification", "identity_verified"),
    ("authorize", "signed"),
)
Ack = tuple[str, str, str, float]  # contract id, party id, step reached, when acknowledged


async def _party(
    http: Http, agent: str, order: dict, party_id: str, who: tuple[str, str], acks: list[Ack]
) -> None:
    session = await scan(
        http, await show_qr(http, agent, order["id"], party_id, party_id), party_id
    )
    document = await http.call("document", "GET", "/mp/v1/document", token=session)
    payloads = {
        "review": {"document_sha256": document["sha256"]},
        "confirm": {},
        "police-verification": {"name": who[0], "id_number": who[1]},
        "authorize": {"face_sample": "match"},
    }
    for path, reached in STEPS:
        await http.call(path, "POST", f"/mp/v1/{path}", token=session, json_body=payloads[path])
        acks.append((order["contract_id"], party_id, reached, time.monotonic()))


async def _handshake(http: Http, agent: str, prop: int, acks: list[Ack]) -> None:
    body, order = await open_order(http, agent, prop)
    await asyncio.gather(
        *(_party(http, agent, order, pid, who, acks) for pid, who in people(body).items())
    )


async def _wangqian(env: dict[str, str], *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backend.cli",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def test_a_backup_taken_during_20_handshakes_restores_every_acknowledged_step(
    tmp_path: Path,
) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    copy = tmp_path / "backup.db"
    env = server_env(tmp_path, "http://127.0.0.1:1", store_url)
    await seed(store_url, HANDSHAKES)
    acks: list[Ack] = []
    with server_process(tmp_path, store_url) as server:
        async with ClientSession() as session:
            http = Http(session, server.base_url, Recorder())
            agent = await login(http)
            running = asyncio.gather(*(_handshake(http, agent, i, acks) for i in range(HANDSHAKES)))
            for _ in range(6000):  # until a third of the steps are acknowledged
                if len(acks) >= HANDSHAKES * 4 * len(STEPS) // 3:
                    break
                await asyncio.sleep(0.01)
            began = time.monotonic()
            code, out = await _wangqian(env, "backup", str(copy))
            assert code == 0, out
            assert "integrity_check ok" in out and "contracts" in out
            await running
        assert len(acks) == HANDSHAKES * 4 * len(STEPS)
        code, out = await _wangqian(env, "restore", str(copy))
        assert code == 1 and "REFUSED" in out  # the service has the store open
        server.signal()
        assert await asyncio.to_thread(server.wait) == 0

    code, out = await _wangqian(env, "restore", str(copy))
    assert code == 0, out
    async with open_store(store_url, SANDBOX_COLLECTIONS) as store:
        docs = await store.find("contracts", {})
    contracts = {d["_id"]: from_doc(Contract, d) for d in docs}
    assert all(chain_break(c.id, c.events) is None for c in contracts.values())
    before = [a for a in acks if a[3] < began]
    assert before and len(before) < len(acks)  # taken in the middle
    for contract_id, party_id, reached, _ in before:
        (order,) = contracts[contract_id].orders
        party = order.party(party_id)
        assert party is not None and reached in party.step_times, (contract_id, party_id, reached)


async def test_a_restore_refuses_a_copy_that_is_not_a_store_and_changes_nothing(
    tmp_path: Path,
) -> None:
    store_url = f"sqlite:///{tmp_path}/wangqian.db"
    env = server_env(tmp_path, "http://127.0.0.1:1", store_url)
    await seed(store_url, 1)
    before = (tmp_path / "wangqian.db").read_bytes()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    code, out = await _wangqian(env, "restore", str(junk))
    assert code == 1 and "FAILED" in out
    assert (tmp_path / "wangqian.db").read_bytes() == before
    code, out = await _wangqian(env, "backup", str(junk))
    assert code == 1 and "exists" in out  # a backup never overwrites
