"""Server processes a test starts, signals and restarts itself (``conftest.running_server``
only stops its server at the end), and the handshake steps such tests drive over HTTP."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bench.client import Http, Recorder
from bench.fixtures import people
from bench.flows import login, open_order, scan, show_qr
from tests.e2e.conftest import REPO, free_port, server_env, wait_until_ready

STOP_SECONDS = 30


@dataclass
class Proc:
    proc: subprocess.Popen[bytes]
    base_url: str
    port: int
    log: Path

    def signal(self, sig: int = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)

    def wait(self, seconds: float = STOP_SECONDS) -> int:
        return self.proc.wait(seconds)


@contextmanager
def server_process(
    tmp_path: Path,
    store_url: str,
    *args: str,
    port: int | None = None,
    name: str = "server",
    ready: bool = True,
    **env: str,
) -> Iterator[Proc]:
    """``wangqian serve ARGS`` on ``port`` (a free one by default); the test may signal it and
    wait for its exit; whatever still runs when the block ends is killed."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / f"{name}.log"
    command = [sys.executable, "-m", "backend.cli", "serve", "--port", str(port), *args]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env={**server_env(tmp_path, base_url, store_url), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        if ready:
            wait_until_ready(proc, base_url, log)
        yield Proc(proc, base_url, port, log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Party:
    order_id: str
    party_id: str
    session: str  # the party's session token on /mp/v1
    who: tuple[str, str]  # name, ID number
    document_sha256: str


async def order_with_party(base_url: str, prop_index: int) -> tuple[str, dict[str, Any], Party]:
    """The agent's token, the fresh order, and its first seller with a session on the phone."""
    async with ClientSession() as session:
        http = Http(session, base_url, Recorder())
        agent = await login(http)
        body, order = await open_order(http, agent, prop_index)
        qr = await show_qr(http, agent, order["id"], "s1", "s1")
        token = await scan(http, qr, "s1")
        document = await http.call("document", "GET", "/mp/v1/document", token=token)
    party = Party(order["id"], "s1", token, people(body)["s1"], document["sha256"])
    return agent, order, party


async def steps_before_authorize(base_url: str, party: Party) -> None:
    async with ClientSession() as session:
        http = Http(session, base_url, Recorder())
        name, id_number = party.who
        for step, path, payload in (
            ("review", "review", {"document_sha256": party.document_sha256}),
            ("confirm", "confirm", {}),
            ("police", "police-verification", {"name": name, "id_number": id_number}),
        ):
            await http.call(step, "POST", f"/mp/v1/{path}", token=party.session, json_body=payload)


@contextmanager
def write_lock(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Hold the SQLite store's write lock: the server's next write waits for it (busy_timeout),
    inside its request or its job run, until the block ends."""
    db = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    try:
        db.execute("BEGIN IMMEDIATE")
        yield db
        db.execute("COMMIT")
    finally:
        db.close()
