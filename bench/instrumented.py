"""``python -m bench.instrumented serve --port P``: the real ``wangqian serve`` (backend.cli), with
counters and a profiler switch added for the handshake run, nothing else changed.

Counted: compare-and-set writes and the ones that lost (VersionConflict, retried by the use
cases), QR images encoded and the CPU they took (encodes run in worker threads, which the
profiler does not sample). ``GET /__bench/stats`` returns the counters;
``POST /__bench/profile/start`` and ``POST /__bench/profile/stop {"path": …}`` run pyinstrument
on the event-loop thread and save its session.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from aiohttp import web

import backend.cli as cli
import backend.qrcodes as qrcodes
from backend.app import create_app
from backend.settings import Settings
from backend.status_poll import NotifyingStore
from signing_flow.errors import VersionConflict
from signing_flow.ports import Doc

COUNTERS: dict[str, float] = {
    "cas_writes": 0,
    "cas_conflicts": 0,
    "qr_encodes": 0,
    "qr_encode_cpu_s": 0.0,
}
_lock = threading.Lock()
_encode = qrcodes._encode
_compare_and_set = NotifyingStore.compare_and_set


def counting_encode(url: str, fmt: str) -> bytes:
    started = time.thread_time()
    try:
        return _encode(url, fmt)
    finally:
        with _lock:
            COUNTERS["qr_encodes"] += 1
            COUNTERS["qr_encode_cpu_s"] += time.thread_time() - started


async def counting_compare_and_set(
    self: NotifyingStore, collection: str, doc: Doc, expected_version: int
) -> Doc:
    COUNTERS["cas_writes"] += 1
    try:
        return await _compare_and_set(self, collection, doc, expected_version)
    except VersionConflict:
        COUNTERS["cas_conflicts"] += 1
        raise


class ProfilerSwitch:
    def __init__(self) -> None:
        self.profiler: Any = None

    async def start(self, request: web.Request) -> web.Response:
        from pyinstrument import Profiler

        self.profiler = Profiler(interval=0.001, async_mode="disabled")
        self.profiler.start()
        return web.json_response({"profiling": True})

    async def stop(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.profiler is None:
            raise web.HTTPConflict(text="not profiling")
        session = self.profiler.stop()
        self.profiler = None
        session.save(body["path"])
        return web.json_response({"saved": body["path"], "duration_s": session.duration})


async def stats(request: web.Request) -> web.Response:
    return web.json_response(dict(COUNTERS))


def instrumented_app(settings: Settings, **kwargs: Any) -> web.Application:
    app = create_app(settings, **kwargs)
    switch = ProfilerSwitch()
    app.router.add_get("/__bench/stats", stats)
    app.router.add_post("/__bench/profile/start", switch.start)
    app.router.add_post("/__bench/profile/stop", switch.stop)
    return app


def main() -> int:
    qrcodes._encode = counting_encode
    setattr(NotifyingStore, "compare_and_set", counting_compare_and_set)  # noqa: B010
    setattr(cli, "create_app", instrumented_app)  # noqa: B010
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
