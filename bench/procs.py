"""Child processes: the service under test, the floor app, load generators. Loopback only.

Every process is started by us, stopped by us by its pid (SIGINT first, so the service shuts
down cleanly and a profiler in it writes its output, then SIGKILL), and never outlives the run.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
PYTHON = sys.executable
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def pinned(cpu: int | None) -> list[str]:
    """A ``taskset`` prefix putting a process on one CPU, or nothing when that is not possible
    (fewer than two CPUs, no taskset): server and load generator then share the machine."""
    if cpu is None or cpu_count() < 2 or shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", str(cpu % cpu_count())]


def base_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without any ``WANGQIAN_*`` setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANGQIAN_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class Child:
    """One child process with its output in a log file."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], log_path: Path) -> None:
        self.argv = list(argv)
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=REPO,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGINT, then SIGKILL after ``timeout``; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        return self.proc.returncode

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


class HttpService(Child):
    """A child answering HTTP on ``port``, ready once ``GET ready_path`` answers 200."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        log_path: Path,
        port: int,
        ready_path: str = "/healthz",
        timeout: float = 60.0,
    ) -> None:
        super().__init__(argv, env, log_path)
        self.port = port
        self.base_url = f"http://{HOST}:{port}"
        deadline = time.monotonic() + timeout
        while not self._ready(ready_path):
            if not self.alive():
                raise RuntimeError(
                    f"{' '.join(self.argv)} exited with status {self.proc.returncode}; "
                    f"log {log_path}:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{' '.join(self.argv)} not ready in {timeout:.0f}s")
            time.sleep(0.05)

    def _ready(self, path: str) -> bool:
        try:
            return request(self.port, "GET", path, timeout=1)[0] == 200
        except OSError:
            return False

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """One plain HTTP request to 127.0.0.1:``port`` (setup and checks, never load)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc (0.0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def run_json(argv: Sequence[str], timeout: float, log_path: Path) -> Any:
    """Run a load generator to completion; its last stdout line is its JSON result."""
    with log_path.open("ab") as log:
        done = subprocess.run(
            list(argv),
            cwd=REPO,
            env=base_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            timeout=timeout,
            check=False,
        )
    lines = done.stdout.decode(errors="replace").strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(argv)} failed with status {done.returncode}; see {log_path}")
    return json.loads(lines[-1])
