"""Starting the service (``python -m backend.cli serve``, or its instrumented twin) and the floor,
each on its own loopback port and pinned to CPU 0 (the load runs on CPU 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.procs import PYTHON, HttpService, base_env, free_port, pinned

SERVER_CPU = 0


def start_service(
    store_url: str, workdir: Path, label: str, *, instrumented: bool = False
) -> HttpService:
    """The real service on ``store_url``: no scheduler, default log level (access log on)."""
    port = free_port()
    module = "bench.instrumented" if instrumented else "backend.cli"
    env = base_env(
        {
            "WANGQIAN_STORE": store_url,
            "WANGQIAN_KEY_DIR": str(workdir / "keys"),
            "WANGQIAN_SCHEDULER": "off",
            "WANGQIAN_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    argv = [*pinned(SERVER_CPU), PYTHON, "-m", module, "serve", "--port", str(port)]
    return HttpService(argv, env, workdir / f"{label}.log", port)


def start_floor(config: dict[str, Any], workdir: Path, label: str) -> HttpService:
    port = free_port()
    path = workdir / f"{label}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    argv = [
        *pinned(SERVER_CPU),
        PYTHON,
        "-m",
        "bench.floor",
        "--port",
        str(port),
        "--config",
        str(path),
    ]
    return HttpService(argv, base_env(), workdir / f"{label}.log", port)
