"""The fuzzer's server and its callers: ``wangqian serve --seed-demo`` in a subprocess on a free
loopback port, sandbox on, with a SQLite store in the test's tmp directory; and a bearer token
for each role (agent, agency admin, center staff) and for one party of a live signing order."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig

from backend.demo import DEMO_PASSWORD
from tests.api.conftest import JOINT_PROPERTY, TWO_BY_SHARES, full_contract_fields, seller_fields
from tests.e2e.conftest import REPO, free_port, server_env, wait_until_ready
from tests.fuzz.budget import CONFIG

STAFF = {"agent": "agent_li", "agency_admin": "demo_agency", "center_staff": "center_chen"}


@dataclass
class Callers:
    """Who the fuzzer calls as, and the ids of real resources to aim at besides random ones."""

    base_url: str
    tokens: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)

    def login(self, username: str) -> str:
        resp = requests.post(
            f"{self.base_url}/api/v1/auth/login",
            json={"username": username, "password": DEMO_PASSWORD},
            timeout=30,
        )
        assert resp.status_code == 200, (username, resp.status_code, resp.text)
        return str(resp.json()["token"])

    def call(self, role: str, method: str, path: str, json: Any = None) -> Any:
        resp = requests.request(
            method,
            f"{self.base_url}{path}",
            json=json,
            headers={"Authorization": f"Bearer {self.tokens[role]}"},
            timeout=30,
        )
        assert resp.status_code < 300, (method, path, resp.status_code, resp.text)
        return resp.json()

    def sign_in_staff(self) -> None:
        """A fresh session per staff role: after a case that may end sessions (logout, a moved
        clock), the next cases still run signed in. The party keeps its session: one that has
        ended answers 401 or 410, which the document declares."""
        for role, username in STAFF.items():
            self.tokens[role] = self.login(username)

    def open_party_session(self) -> None:
        lookup = {
            "cert_no": JOINT_PROPERTY.cert_no,
            "owner_id_number": JOINT_PROPERTY.owners[0].id_number,
        }
        fields = full_contract_fields(sellers=seller_fields(JOINT_PROPERTY), **TWO_BY_SHARES)
        draft = self.call("agent", "POST", "/api/v1/contracts", {"property": lookup, **fields})
        self.call("agent", "POST", f"/api/v1/contracts/{draft['id']}/submit")
        order = self.call("agent", "POST", f"/api/v1/contracts/{draft['id']}/signing-orders")
        party = order["parties"][0]["party_id"]
        link = self.call(
            "agent", "GET", f"/api/v1/signing-orders/{order['id']}/parties/{party}/qrcode"
        )
        resp = requests.post(
            f"{self.base_url}/mp/v1/sessions",
            json={"token": link["url"].split("token=", 1)[1]},
            timeout=30,
        )
        assert resp.status_code == 201, resp.text
        self.tokens["party"] = resp.json()["session_token"]
        self.known.update(id=draft["id"], oid=order["id"], pid=party, aid="agency-demo")


@dataclass(frozen=True)
class FuzzServer:
    base_url: str
    log: Path

    def errors(self) -> str:
        """What the server logged at ERROR: a traceback from a handler or a background job."""
        text = self.log.read_text(errors="replace")
        return text if "Traceback" in text or " ERROR " in text else ""


@pytest.fixture(scope="session")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    tmp_path = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = server_env(tmp_path, base_url, f"sqlite:///{tmp_path}/wangqian.db")
    env["WANGQIAN_SANDBOX"] = "1"
    command = [sys.executable, "-m", "backend.cli", "serve", "--seed-demo", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(proc, base_url, log)
        yield FuzzServer(base_url, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # A 5xx is logged with its traceback: show it next to the failing case.
        sys.stderr.write(FuzzServer(base_url, log).errors())


@pytest.fixture(scope="session")
def callers(fuzz_server: FuzzServer) -> Callers:
    found = Callers(fuzz_server.base_url)
    found.sign_in_staff()
    found.open_party_session()
    return found


@pytest.fixture(scope="session")
def api_schema(fuzz_server: FuzzServer) -> Any:
    return schemathesis.openapi.from_url(
        f"{fuzz_server.base_url}/openapi.json", config=SchemathesisConfig.from_dict(CONFIG)
    )
