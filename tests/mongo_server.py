"""Where the MongoDB runs come from: WANGQIAN_TEST_MONGODB_URI, or a FerretDB built here.

``mongo_url_for_test(request)`` gives each test a MongoDB URL with a database of its own:

* ``WANGQIAN_TEST_MONGODB_URI`` set: that server (a real MongoDB), with the database replaced;
* otherwise FerretDB 1.24 (MongoDB wire protocol on SQLite) from ``tools/ferretdb``, built once
  with ``go build`` into ``$XDG_CACHE_HOME/wangqian`` (or ``~/.cache/wangqian``) and started
  once per pytest session, on first use, on a free loopback port; it is stopped when pytest ends.
  Its URLs name the store's FerretDB mode (``in_ferretdb_mode``), as a FerretDB deployment would.

With neither a URI nor Go, the MongoDB runs are skipped with the reason, or fail when
``WANGQIAN_REQUIRE_MONGO=1``. A test's database is dropped when the test ends.

Fault tests that stop and restart a server must not stop the shared one: they start their own
with ``private_ferretdb(request)`` and call ``stop()``/``start()`` on it (same port, same data).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import NoReturn
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from backend.storage import MODE_OPTION

FERRETDB_VERSION = "1.24.2"
REPO = Path(__file__).resolve().parent.parent
FERRETDB_SOURCE = REPO / "tools" / "ferretdb"
ENV_URI = "WANGQIAN_TEST_MONGODB_URI"
ENV_REQUIRE = "WANGQIAN_REQUIRE_MONGO"
BUILD_TIMEOUT_S = 900.0
START_TIMEOUT_S = 30.0


class MongoUnavailable(Exception):
    """No MongoDB can be had for this run; the message says why, in one line."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wangqian"


def ferretdb_binary() -> Path:
    """The FerretDB test binary, built from ``tools/ferretdb`` when it is not in the cache yet."""
    binary = cache_dir() / f"ferretdb-{FERRETDB_VERSION}"
    if binary.is_file() and os.access(binary, os.X_OK):
        return binary
    go = shutil.which("go")
    if go is None:
        raise MongoUnavailable(
            f"{ENV_URI} is not set and Go is not installed to build FerretDB {FERRETDB_VERSION}"
        )
    binary.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and rename, so a concurrent session never runs half a binary.
    partial = binary.with_name(f"{binary.name}.{os.getpid()}.partial")
    try:
        done = subprocess.run(
            [go, "build", "-o", str(partial), "."],
            cwd=FERRETDB_SOURCE,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise MongoUnavailable(
            f"building FerretDB in {FERRETDB_SOURCE} took over {BUILD_TIMEOUT_S:.0f}s"
        ) from exc
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise MongoUnavailable(f"`go build` of FerretDB in {FERRETDB_SOURCE} failed: {last}")
    partial.replace(binary)
    return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FerretDBServer:
    """One FerretDB process on a fixed loopback port and data directory; ``stop()`` and
    ``start()`` may be called again and again, the data and the port stay the same."""

    def __init__(self, binary: Path, data_dir: Path, port: int | None = None) -> None:
        self.binary = binary
        self.data_dir = data_dir
        self.port = port or free_port()
        self.log_path = data_dir.with_name(f"{data_dir.name}.log")
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def url(self, db: str = "wangqian") -> str:
        return f"mongodb://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start the process and return once it answers a ping (or raise ``RuntimeError``)."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [
                    str(self.binary),
                    f"--listen-addr=127.0.0.1:{self.port}",
                    f"--sqlite-url=file:{self.data_dir}/",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                code, self._proc = self._proc.returncode, None
                raise RuntimeError(
                    f"FerretDB exited with status {code} at start; log {self.log_path}:\n"
                    + self._log_tail()
                )
            if self._answers_ping():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"FerretDB did not accept connections on 127.0.0.1:{self.port} within "
                    f"{timeout:.0f}s; log {self.log_path}:\n" + self._log_tail()
                )
            time.sleep(0.05)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process (SIGTERM, then SIGKILL); the data directory stays."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                pass
        except OSError:
            return False
        client: MongoClient[dict[str, object]] = MongoClient(
            self.url(), serverSelectionTimeoutMS=500, connectTimeoutMS=500
        )
        try:
            client.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            client.close()

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(
            f"MongoDB runs required ({ENV_REQUIRE}=1) but impossible: {reason}", pytrace=False
        )
    pytest.skip(f"MongoDB runs skipped: {reason}")


def _new_data_dir(request: pytest.FixtureRequest, name: str) -> Path:
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    return factory.mktemp(name)


def private_ferretdb(request: pytest.FixtureRequest) -> FerretDBServer:
    """A FerretDB of the calling test's own, started, stopped when the test ends: for tests that
    stop and restart the server. Skips (or fails) like the MongoDB runs when Go is missing."""
    try:
        binary = ferretdb_binary()
    except MongoUnavailable as exc:
        _unavailable(str(exc))
    server = FerretDBServer(binary, _new_data_dir(request, "ferretdb-private"))
    request.addfinalizer(server.stop)
    server.start()
    return server


# The session's shared server (or the reason there is none), made on first use.
_shared: FerretDBServer | None = None
_shared_unavailable: str | None = None


def _shared_ferretdb(request: pytest.FixtureRequest) -> FerretDBServer:
    global _shared, _shared_unavailable
    if _shared is not None and _shared.running:
        return _shared
    if _shared is None and _shared_unavailable is None:
        try:
            binary = ferretdb_binary()
        except MongoUnavailable as exc:
            _shared_unavailable = str(exc)
        else:
            server = FerretDBServer(binary, _new_data_dir(request, "ferretdb"))
            request.config.add_cleanup(_stop_shared)
            _shared = server
    if _shared_unavailable is not None:
        _unavailable(_shared_unavailable)
    assert _shared is not None
    _shared.start()  # first use, or a test stopped the shared server: (re)start it
    return _shared


def _stop_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def _database_name(request: pytest.FixtureRequest) -> str:
    """``t_<test name>_<random>``: unique, readable, and valid for MongoDB and FerretDB."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", request.node.name).strip("_")[:32]
    return f"t_{slug}_{uuid.uuid4().hex[:12]}"


def with_database(url: str, db: str) -> str:
    """``url`` pointing at database ``db``. If the URL named a database and has credentials
    but no ``authSource``, that database stays the one to authenticate against."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    old_db = parts.path.lstrip("/")
    has_auth_source = any(key.lower() == "authsource" for key, _ in query)
    if old_db and "@" in parts.netloc and not has_auth_source:
        query.append(("authSource", old_db))
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", urlencode(query), parts.fragment))


def in_ferretdb_mode(url: str) -> str:
    """``url`` with the store's FerretDB mode chosen in it (``backend.storage.open_store``)."""
    return f"{url}{'&' if '?' in url else '?'}{MODE_OPTION}=ferretdb"


def _drop_database(url: str, db: str) -> None:
    with contextlib.suppress(PyMongoError):
        client: MongoClient[dict[str, object]] = MongoClient(
            url, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000
        )
        try:
            client.drop_database(db)
        finally:
            client.close()


def mongo_url_for_test(request: pytest.FixtureRequest) -> str:
    """A MongoDB URL whose database belongs to this test alone (dropped when it ends)."""
    external = os.environ.get(ENV_URI, "").strip()
    if external:
        db = _database_name(request)
        url = with_database(external, db)
        request.addfinalizer(lambda: _drop_database(url, db))
        return url
    return in_ferretdb_mode(ferretdb_url_for_test(request))


def ferretdb_url_for_test(request: pytest.FixtureRequest) -> str:
    """A URL of the session's FerretDB (even when a MongoDB is configured), with a database of
    this test's own and no store mode in it."""
    db = _database_name(request)
    try:
        server = _shared_ferretdb(request)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    url = server.url(db)
    request.addfinalizer(lambda: _drop_database(url, db))
    return url
