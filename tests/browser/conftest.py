"""The phone page in a real browser: Playwright for Python driving Debian's Chromium (launched
by path: ``playwright install`` downloads nothing here), against a real server started per test
(``serve --seed-demo`` on a fresh SQLite file, sandbox on). ``agent.need_browser`` skips, or
fails under WANGQIAN_REQUIRE_BROWSER=1, when Chromium or Playwright is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.agent import AgentApi, need_browser
from tests.e2e.conftest import Server, running_server

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
def server(tmp_path: Path) -> Iterator[Server]:
    store = f"sqlite:///{tmp_path}/wangqian.db"
    with running_server(tmp_path, store, WANGQIAN_SANDBOX="1", WANGQIAN_LOG_LEVEL="INFO") as up:
        yield up


@pytest.fixture
def agent(server: Server) -> AgentApi:
    return AgentApi.login(server.base_url, "agent_li")
