"""Fixtures shared by every suite: the stores to run against and a controllable clock.

``store_url`` is parametrized over every store we ship, so a test that takes it (directly or
through ``store``/``app``) runs once on SQLite and once on MongoDB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend.storage import open_store
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.ports import DocumentStore
from tests.mongo_server import mongo_url_for_test

STORES = ["sqlite", "mongo"]


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, value: datetime) -> None:
        self.current = value


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # 10:00 in Zhongshan


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/wangqian.db"
    else:
        yield mongo_url_for_test(request)


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[DocumentStore]:
    async with open_store(store_url, SANDBOX_COLLECTIONS) as s:
        yield s
