"""The stores a run measures: a fresh SQLite file, or a fresh database on MongoDB — the one named
by ``WANGQIAN_TEST_MONGODB_URI`` or else a FerretDB 1.24 started for the run (tests/mongo_server)."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from tests.mongo_server import ENV_URI, FerretDBServer, ferretdb_binary, with_database

STORE_NAMES = ("sqlite", "mongo")


class Stores:
    """Hands out store URLs under ``workdir``; ``close()`` stops FerretDB and drops databases."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._ferretdb: FerretDBServer | None = None
        self._external = os.environ.get(ENV_URI, "").strip()
        self._databases: list[str] = []

    @property
    def mongo_kind(self) -> str:
        return "mongodb" if self._external else "ferretdb"

    def describe(self, name: str) -> str:
        if name == "sqlite":
            return "SQLite file (WAL, synchronous=NORMAL)"
        if self._external:
            return f"MongoDB from {ENV_URI}"
        return "FerretDB 1.24 (SQLite backend), local process"

    def url(self, name: str, label: str) -> str:
        """A new, empty store of kind ``name`` for one part of the run."""
        unique = f"{label}_{uuid.uuid4().hex[:8]}"
        if name == "sqlite":
            return f"sqlite:///{(self.workdir / f'{unique}.db').resolve()}"
        if name != "mongo":
            raise ValueError(f"unknown store {name!r}")
        db = f"bench_{unique}"
        self._databases.append(db)
        if self._external:
            return with_database(self._external, db)
        return self._server().url(db)

    def _server(self) -> FerretDBServer:
        if self._ferretdb is None:
            server = FerretDBServer(ferretdb_binary(), self.workdir / "ferretdb")
            server.start()
            self._ferretdb = server
        return self._ferretdb

    def ferretdb_pid(self) -> int | None:
        server = self._ferretdb
        proc = getattr(server, "_proc", None) if server is not None else None
        return proc.pid if proc is not None else None

    def close(self) -> None:
        if self._external:
            with contextlib.suppress(PyMongoError):
                client: MongoClient[dict[str, object]] = MongoClient(
                    self._external, serverSelectionTimeoutMS=2000
                )
                try:
                    for db in self._databases:
                        client.drop_database(db)
                finally:
                    client.close()
        if self._ferretdb is not None:
            self._ferretdb.stop()
            self._ferretdb = None
