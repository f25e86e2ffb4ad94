"""Who has the embedded store open: every process that opens it holds a shared ``flock`` on
``<store>.lock`` while it does, and ``wangqian restore`` takes it exclusively. The kernel drops
a process's lock when it exits, however it exits, so there is no stale pid file to clean up.

SQLite's own locks cannot tell: in WAL mode an idle connection holds none a restore could test.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from signing_flow.errors import DependencyUnavailable


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".lock")


class StoreInUse(Exception):
    """Another process has the store open (a service, a worker, a job runner, a command)."""


def _locked(store: Path, how: int) -> int:
    path = lock_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, how | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise
    return fd


def share(store: Path) -> int:
    """Hold the store open alongside the others; refused while a restore replaces it."""
    try:
        return _locked(store, fcntl.LOCK_SH)
    except BlockingIOError:
        raise DependencyUnavailable(
            f"the store {store} is being restored (wangqian restore); start again after it",
            code="STORE_UNAVAILABLE",
        ) from None


def release(fd: int) -> None:
    os.close(fd)  # closing the descriptor drops the flock


@contextmanager
def exclusive(store: Path) -> Iterator[None]:
    """The store to ourselves, or ``StoreInUse``."""
    try:
        fd = _locked(store, fcntl.LOCK_EX)
    except BlockingIOError:
        raise StoreInUse(str(store)) from None
    try:
        yield
    finally:
        release(fd)
