"""The workers of ``serve --workers N`` as the supervisor keeps them (``backend.serve``): who
runs, who is started again and when, and when they must all stop.

* A worker that dies within ``EARLY_EXIT_SECONDS`` of its *first* start stops them all: it
  could not start (the port, the store) and would die again. One that dies later, or dies
  again after a restart, is started again after a pause that doubles while it keeps dying
  soon after starting (1, 2, 4 … ``MAX_RESTART_PAUSE_SECONDS``): one crash must not stop the
  service, and a crash loop must not spin.
* The pause is not slept: the loop goes on watching the others and the signals, and a worker
  due again is not started once stopping began.
* A worker must not outlive its supervisor (``kill -9`` of it would leave workers serving with
  nobody to stop them): ``die_with_parent`` asks Linux for SIGTERM when the parent dies.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("wangqian")

RESTART_PAUSE_SECONDS = 1.0
MAX_RESTART_PAUSE_SECONDS = 30.0
EARLY_EXIT_SECONDS = 10.0  # a worker that dies sooner after its first start is not restarted
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
SUPERVISOR_PID = "WANGQIAN_SUPERVISOR_PID"


class Child(Protocol):
    @property
    def pid(self) -> int: ...

    @property
    def returncode(self) -> int | None: ...

    def poll(self) -> int | None: ...

    def send_signal(self, sig: int) -> None: ...

    def kill(self) -> None: ...


class Workers:
    def __init__(
        self,
        start: Callable[[int], Child],
        count: int,
        stop_seconds: float,
        exited: Callable[[int], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._start = start
        self._exited = exited  # a worker process ended (its metrics leave the live sum)
        self._clock = clock
        self.stop_seconds = stop_seconds  # from SIGTERM until the workers are killed
        self.children = {i: start(i) for i in range(count)}
        self.started = dict.fromkeys(self.children, clock())
        self.pause: dict[int, float] = {}  # the last pause before each restarted worker
        self.due: dict[int, float] = {}  # dead workers, and when to start them again
        self.gone: set[int] = set()  # dead workers already counted out
        self.stopping = False
        self.stop_by: float | None = None
        self.failed = False  # a worker could not even start

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        self.stop_by = self._clock() + self.stop_seconds
        self.due.clear()
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def running(self) -> bool:
        return bool(self.due) or any(c.poll() is None for c in self.children.values())

    def step(self) -> None:
        """One look at the workers (the supervisor's loop calls it every 0.1 s)."""
        now = self._clock()
        if self.stop_by is not None and now > self.stop_by:
            for child in self.children.values():
                if child.poll() is None:
                    child.kill()
        for index, child in list(self.children.items()):
            if self.stopping:
                return
            if index in self.due:
                if now >= self.due[index]:
                    self._restart(index, now)
                continue
            code = child.poll()
            if code is None or index in self.gone:
                continue
            self._exited(child.pid)
            self.gone.add(index)
            ran = now - self.started[index]
            if index not in self.pause and ran < EARLY_EXIT_SECONDS:
                log.error("worker %s exited with %s as it started; stopping", index, code)
                self.failed = True
                self.stop()
                return
            last = self.pause.get(index)
            pause = (
                RESTART_PAUSE_SECONDS
                if last is None or ran >= EARLY_EXIT_SECONDS
                else min(last * 2, MAX_RESTART_PAUSE_SECONDS)
            )
            self.pause[index] = pause
            self.due[index] = now + pause
            log.warning(
                "worker %s (pid %s) exited with %s; starting it again in %ss",
                index,
                child.pid,
                code,
                pause,
            )

    def _restart(self, index: int, now: float) -> None:
        del self.due[index]
        child = self._start(index)
        self.children[index], self.started[index] = child, now
        self.gone.discard(index)
        if self.stopping:  # the stop came while it was starting: it missed the SIGTERM
            child.send_signal(signal.SIGTERM)

    def finish(self) -> bool:
        """After the loop: True when every worker stopped cleanly."""
        # A worker still importing when our SIGTERM came died of it, having served nothing.
        clean = (0, -signal.SIGTERM)
        for index, child in self.children.items():
            if index not in self.gone:
                self._exited(child.pid)
                self.failed |= child.returncode not in clean
        return not self.failed


def die_with_parent() -> None:
    """In a worker: SIGTERM (a graceful stop) when the supervisor dies, however it dies."""
    supervisor = int(os.environ.get(SUPERVISOR_PID, "0"))
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if supervisor and os.getppid() != supervisor:  # it died before the prctl
        os.kill(os.getpid(), signal.SIGTERM)
