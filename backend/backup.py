"""``wangqian backup PATH`` and ``wangqian restore PATH``: the embedded store's online copy and
its return (docs/operations.md "Backups and restore"). MongoDB is backed up with its own tools.

* The copy is SQLite's backup API in one step: one read transaction, so one consistent moment,
  while the service goes on writing (WAL: readers never block writers). It is written beside
  PATH, checked (``integrity_check``, the collections present, documents counted) and only then
  renamed to PATH; an existing PATH is never overwritten.
* A restore checks the copy first, then takes the store's lock exclusively
  (``backend.storage.file_lock``): while any process has the store open, it refuses and changes
  nothing. The pages go back through SQLite (the backup API again), so the store's WAL and
  shared-memory files stay coherent with the new content.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from backend.settings import Settings
from backend.storage import file_lock
from backend.storage.sqlite import SqliteStore

MONGO_HINT = "MongoDB: use mongodump / mongorestore (docs/operations.md, Backups and restore)"
# What makes a file a wangqian store, in every release. A collection added later (evidence_pdfs)
# may be missing from an older backup: the store creates it, empty, when it opens.
CORE_TABLES = frozenset({"sequences", "accounts", "contracts"})


class BackupInvalid(Exception):
    pass


@dataclass(frozen=True)
class Checked:
    """A store file that passed ``integrity_check``, and its documents per collection."""

    path: Path
    counts: dict[str, int]

    def lines(self) -> list[str]:
        total = sum(self.counts.values())
        rows = [f"  {name:<28} {n:>9}" for name, n in sorted(self.counts.items())]
        return [f"{self.path}: integrity_check ok, {total} documents", *rows]


def check(path: Path) -> Checked:
    """``integrity_check`` passes, the core tables are there; the counts."""
    if not path.is_file():
        raise BackupInvalid(f"{path}: no such file")
    try:
        db = sqlite3.connect(path)
        try:
            verdict = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                raise BackupInvalid(f"{path}: integrity_check: {'; '.join(verdict[:5])}")
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            missing = CORE_TABLES - tables
            if missing:
                raise BackupInvalid(
                    f"{path}: not a wangqian store (no {', '.join(sorted(missing))})"
                )
            counts = {
                t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in sorted(tables - {"sequences"})
            }
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupInvalid(f"{path}: {exc}") from exc
    return Checked(path, counts)


def _read_only(path: Path) -> sqlite3.Connection:
    """Never creates the file: a mistyped path must fail, not back up a new, empty store."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such store file")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _copy(source: Path, target: Path) -> None:
    src = _read_only(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: one read transaction, one moment
    finally:
        dst.close()
        src.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(store: Path, dest: Path) -> Checked:
    if dest.exists():
        raise FileExistsError(f"{dest} exists; choose a new file")
    partial = dest.with_name(dest.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        _copy(store, partial)
        checked = check(partial)
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    _fsync_dir(dest.parent)
    return Checked(dest, checked.counts)


def restore(copy: Path, store: Path) -> Checked:
    """Raises ``BackupInvalid`` (nothing changed) or ``file_lock.StoreInUse`` (nothing changed)."""
    check(copy)
    with file_lock.exclusive(store):
        _copy(copy, store)
        return check(store)


def _store_path(settings: Settings) -> Path | None:
    if not settings.store_url.startswith("sqlite:"):
        return None
    path = SqliteStore.from_url(settings.store_url).path
    return None if path == ":memory:" else Path(path)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    store = _store_path(settings)
    if store is None:
        print(f"wangqian backup: the store is not a SQLite file. {MONGO_HINT}", file=sys.stderr)
        return 2
    try:
        checked = backup(store, Path(args.path))
    except (OSError, sqlite3.Error, BackupInvalid) as exc:
        print(f"wangqian backup: FAILED {exc}", file=sys.stderr)
        return 1
    print("\n".join(checked.lines()))
    print(f"备份完成 (backed up) {store} → {checked.path}; keep the key directory with it")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    store = _store_path(settings)
    if store is None:
        print(f"wangqian restore: the store is not a SQLite file. {MONGO_HINT}", file=sys.stderr)
        return 2
    try:
        checked = restore(Path(args.path), store)
    except file_lock.StoreInUse:
        print(
            f"wangqian restore: REFUSED {store} is open in a running process (the service, a "
            "worker, the scheduler); stop them first. Nothing was changed.",
            file=sys.stderr,
        )
        return 1
    except (OSError, sqlite3.Error, BackupInvalid) as exc:
        print(f"wangqian restore: FAILED {exc}; the store was not changed", file=sys.stderr)
        return 1
    print("\n".join(checked.lines()))
    print(f"已恢复 (restored) {args.path} → {store}")
    return 0


def add_backup_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser(
        "backup",
        help="copy the SQLite store while the service runs, and check the copy",
        description="A consistent online copy (SQLite's backup API) of WANGQIAN_STORE to PATH, "
        "checked with integrity_check and counted. PATH must not exist. " + MONGO_HINT,
    )
    b.add_argument("path", metavar="PATH")
    b.set_defaults(run=cmd_backup)
    r = sub.add_parser(
        "restore",
        help="put a backup back as the SQLite store (refused while the store is in use)",
        description="Check PATH, then copy it over WANGQIAN_STORE; refused, changing nothing, "
        "while any process has the store open. " + MONGO_HINT,
    )
    r.add_argument("path", metavar="PATH")
    r.set_defaults(run=cmd_restore)
