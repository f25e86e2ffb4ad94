"""A real server for each test: ``python -m backend.cli serve --seed-demo`` in a subprocess, on a
free loopback port, with a store of its own (a SQLite file, or a MongoDB database: the
``store_url`` fixture runs each test on both) and a signing key under the test's tmp_path.

Each test gets a fresh server because a filed contract holds its property for good: a shared
server would make one test's outcome depend on which test ran before it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class Server:
    base_url: str
    key_dir: Path
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(tmp_path: Path, base_url: str, store_url: str) -> dict[str, str]:
    # The developer's own WANGQIAN_* settings must not leak into the test server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANGQIAN_")}
    env.update(
        WANGQIAN_STORE=store_url,
        WANGQIAN_KEY_DIR=str(tmp_path),
        WANGQIAN_PUBLIC_BASE_URL=base_url,
        WANGQIAN_LOG_LEVEL="WARNING",
    )
    return env


def wait_until_ready(proc: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    pytest.fail(f"the server did not become ready in {STARTUP_SECONDS}s:\n{log.read_text()}")


@contextmanager
def running_server(tmp_path: Path, store_url: str, **env: str) -> Iterator[Server]:
    """``serve --seed-demo`` on a free port until the block ends; ``env``: more WANGQIAN_*."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "backend.cli", "serve", "--seed-demo", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env={**server_env(tmp_path, base_url, store_url), **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ready(proc, base_url, log)
        yield Server(base_url, tmp_path, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def server(tmp_path: Path, store_url: str) -> Iterator[Server]:
    with running_server(tmp_path, store_url) as running:
        yield running
