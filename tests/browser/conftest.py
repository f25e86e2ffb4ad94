"""The phone page in a real browser: Playwright for Python driving Debian's Chromium (launched
by path: ``playwright install`` downloads nothing here), against a real server started per test
(``serve --seed-demo`` on a fresh SQLite file, sandbox on). ``agent.need_browser`` skips, or
fails under WANGQIAN_REQUIRE_BROWSER=1, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.agent import AgentApi, BrowserServer, need_browser
from tests.e2e.conftest import REPO, free_port, server_env, wait_until_ready

# Chromium's fake camera answers getUserMedia with a test pattern (where a context grants the
# camera), and the host rule gives the server a name that is not localhost: a phone on the
# office network, on plain http.
LAUNCH_ARGS = [
    "--use-fake-device-for-media-stream",
    "--host-resolver-rules=MAP phone.test 127.0.0.1",
]


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BrowserServer]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = server_env(tmp_path, base_url, f"sqlite:///{tmp_path}/wangqian.db")
    env.update(WANGQIAN_SANDBOX="1", WANGQIAN_LOG_LEVEL="INFO")
    command = [sys.executable, "-m", "backend.cli", "serve", "--seed-demo", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_ready(proc, base_url, log)
        yield BrowserServer(base_url, port, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def agent(server: BrowserServer) -> AgentApi:
    return AgentApi.login(server.base_url, "agent_li")
